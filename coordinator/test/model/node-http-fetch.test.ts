import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { modelTransportFor } from '../../src/model/model-transport.js';
import { createNodeHttpFetch, type NodeHttpFetch } from '../../src/model/node-http-fetch.js';

type Handler = (request: IncomingMessage, response: ServerResponse, connection: number) => void;

describe('node:http fetch', () => {
  let server: Server | undefined;
  let fetcher: NodeHttpFetch | undefined;
  const sockets = new Set<Socket>();
  let connections = 0;

  afterEach(async () => {
    fetcher?.close();
    fetcher = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    connections = 0;
    if (server) await new Promise((resolve) => server!.close(resolve));
    server = undefined;
  });

  /** A loopback server; the handler learns which connection (1, 2, …) each request came on. */
  async function serve(handler: Handler): Promise<string> {
    const numbers = new WeakMap<Socket, number>();
    server = createServer((request, response) => handler(request, response, numbers.get(request.socket)!));
    server.on('connection', (socket) => {
      connections += 1;
      numbers.set(socket, connections);
      sockets.add(socket);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** Serves one event and holds the response open; `closed()` settles once the client drops it. */
  async function serveHeldStream(): Promise<{ url: string; closed: () => Promise<unknown> }> {
    let closed: Promise<unknown> | undefined;
    const url = await serve((request, response) => {
      closed = once(request.socket, 'close');
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('data: first\n\n');
    });
    return { url, closed: () => closed ?? Promise.reject(new Error('no request arrived')) };
  }

  it('sends method, headers and body, and returns status, headers and body', async () => {
    const url = await serve((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => {
        body += chunk;
      });
      request.on('end', () => {
        response.writeHead(201, {
          'content-type': 'application/json',
          'x-echo': request.headers['x-api-key'],
        });
        response.end(
          JSON.stringify({
            method: request.method,
            body,
            length: request.headers['content-length'],
            chunked: request.headers['transfer-encoding'] !== undefined,
          }),
        );
      });
    });
    fetcher = createNodeHttpFetch();
    const response = await fetcher(`${url}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': 'secret', 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    expect(response.status).toBe(201);
    expect(response.ok).toBe(true);
    expect(response.headers.get('x-echo')).toBe('secret');
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":1}', length: '7', chunked: false });
  });

  it('decodes a gzip body, as fetch does, and drops the encoding headers', async () => {
    const url = await serve((request, response) => {
      expect(request.headers['accept-encoding']).toContain('gzip');
      const body = gzipSync(JSON.stringify({ hello: 'world'.repeat(100) }));
      response.writeHead(200, { 'content-encoding': 'gzip', 'content-length': body.length });
      response.end(body);
    });
    fetcher = createNodeHttpFetch();
    const response = await fetcher(url);
    expect(response.headers.get('content-encoding')).toBeNull();
    expect(await response.json()).toEqual({ hello: 'world'.repeat(100) });
  });

  it('errors the body of a response whose connection closes mid-body, never ends it cleanly', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write('event: message_start\ndata: {}\n\n', () => response.socket?.destroy());
    });
    fetcher = createNodeHttpFetch();
    const response = await fetcher(url);
    await expect(response.text()).rejects.toThrow(/terminated|aborted/);
  });

  it('retries once on a fresh connection when a reused keep-alive connection was closed by the server', async () => {
    let requests = 0;
    const url = await serve((_request, response, connection) => {
      requests += 1;
      // The second request arrives on the first (kept-alive) connection: drop it unanswered,
      // as a server does that closed the connection while it sat idle.
      if (requests === 2 && connection === 1) {
        response.socket?.destroy();
        return;
      }
      response.end(`answer ${requests} on connection ${connection}`);
    });
    fetcher = createNodeHttpFetch();
    expect(await (await fetcher(url)).text()).toBe('answer 1 on connection 1');
    expect(await (await fetcher(url)).text()).toBe('answer 3 on connection 2');
    expect(connections).toBe(2);
  });

  it('does not retry a failure on a fresh connection: it rejects as fetch does', async () => {
    const url = await serve((_request, response) => {
      response.socket?.destroy();
    });
    fetcher = createNodeHttpFetch();
    const failure = await fetcher(url, { method: 'POST', body: 'x' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(String((failure as TypeError).message)).toMatch(/fetch failed/);
    expect(connections).toBe(1);
  });

  it('hands a redirect to the fallback, which follows it', async () => {
    const url = await serve((request, response) => {
      if (request.url === '/old') {
        response.writeHead(307, { location: '/new' });
        response.end();
        return;
      }
      response.end(`at ${request.url}`);
    });
    const fallbackCalls: string[] = [];
    fetcher = createNodeHttpFetch({
      fallback: (input, init) => {
        fallbackCalls.push(String(input));
        return fetch(input, init);
      },
    });
    expect(await (await fetcher(`${url}/old`)).text()).toBe('at /new');
    expect(fallbackCalls).toEqual([`${url}/old`]);
  });

  it('hands a body it cannot send (a stream) to the fallback untouched', async () => {
    const url = await serve((request, response) => {
      request.resume();
      request.on('end', () => response.end('ok'));
    });
    const fallbackCalls: string[] = [];
    fetcher = createNodeHttpFetch({
      fallback: (input, init) => {
        fallbackCalls.push(String(input));
        return fetch(input, init);
      },
    });
    const body = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('streamed'));
        controller.close();
      },
    });
    const response = await fetcher(url, { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(await response.text()).toBe('ok');
    expect(fallbackCalls).toEqual([url]);
  });

  it('stops a stream when the signal aborts, and refuses to start with an aborted signal', async () => {
    const { url, closed } = await serveHeldStream();
    fetcher = createNodeHttpFetch();
    const controller = new AbortController();
    const response = await fetcher(url, { signal: controller.signal });
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('data: first\n\n');
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
    await closed();
    await expect(fetcher(url, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('frees the connection when the reader cancels mid-stream', async () => {
    const { url, closed } = await serveHeldStream();
    fetcher = createNodeHttpFetch();
    const response = await fetcher(url);
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    await closed();
    expect(await reader.read()).toEqual({ done: true, value: undefined });
  });

  it('gives a 204 a null body', async () => {
    const url = await serve((_request, response) => {
      response.writeHead(204);
      response.end();
    });
    fetcher = createNodeHttpFetch();
    const response = await fetcher(url, { method: 'DELETE' });
    expect(response.status).toBe(204);
    expect(response.body).toBeNull();
  });
});

describe('model transport choice', () => {
  it('uses node:http unless a proxy is configured or the user says otherwise', () => {
    expect(modelTransportFor({}).transport).toBe('node-http');
    expect(modelTransportFor({ HTTPS_PROXY: 'http://proxy:3128' })).toEqual({
      transport: 'fetch',
      reason: 'HTTPS_PROXY is set, so requests go through the global fetch',
    });
    expect(modelTransportFor({ no_proxy: 'x', NODE_USE_ENV_PROXY: '1' }).transport).toBe('fetch');
    expect(modelTransportFor({ MESHWORK_MODEL_TRANSPORT: 'fetch' }).transport).toBe('fetch');
    expect(
      modelTransportFor({ MESHWORK_MODEL_TRANSPORT: 'node-http', HTTPS_PROXY: 'http://proxy:3128' })
        .transport,
    ).toBe('node-http');
  });

  it('refuses an unknown MESHWORK_MODEL_TRANSPORT and says what it takes', () => {
    expect(() => modelTransportFor({ MESHWORK_MODEL_TRANSPORT: 'curl' })).toThrow(
      expect.objectContaining({
        code: 'E_MODEL_TRANSPORT',
        message: expect.stringContaining('"node-http" or "fetch"'),
      }),
    );
  });
});
