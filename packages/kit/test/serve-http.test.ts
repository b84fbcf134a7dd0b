import { createServer } from 'node:net';
import { PassThrough } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { connectHttpClient } from '@meshwork/testkit';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createLogger,
  defineTool,
  type HttpServerHandle,
  KitError,
  registerTools,
  type ServeHttpOptions,
  serveHttp,
} from '../src/index.js';
import { initializeBody, JSON_RPC_HEADERS, PROMPTLY_MS, rawHttp, within } from './support.js';

const MODERN = { mode: { pin: '2026-07-28' } } as const;

const wait = defineTool({
  name: 'wait_then_echo',
  title: 'Wait then echo',
  description: 'Waits delayMs, then returns the text.',
  inputSchema: z.object({ text: z.string(), delayMs: z.number().int().optional() }),
  outputSchema: z.object({ text: z.string() }),
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async handler(input, context) {
    if (input.delayMs) await delay(input.delayMs, undefined, { signal: context.signal });
    return { text: input.text };
  },
});

function factory(): McpServer {
  const server = new McpServer({ name: 'in-process', version: '0.0.0' }, { capabilities: { tools: {} } });
  registerTools(server, [wait]);
  return server;
}

function quietLogger() {
  const destination = new PassThrough();
  let text = '';
  destination.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { logger: createLogger({ name: 'serve-http-test', level: 'debug', destination }), logs: () => text };
}

describe('serveHttp', () => {
  let handle: HttpServerHandle | undefined;
  const log = quietLogger();
  const start = async (options: Partial<ServeHttpOptions> = {}) => {
    handle = await serveHttp(factory, { logger: log.logger, ...options });
    return handle;
  };
  afterEach(async () => {
    await handle?.close();
    handle = undefined;
  });

  it('serves both protocol eras from one factory on loopback', async () => {
    const { url } = await start();
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.pathname).toBe('/mcp');
    for (const versionNegotiation of [undefined, MODERN]) {
      const client = await connectHttpClient(url, versionNegotiation ? { versionNegotiation } : {});
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(versionNegotiation ? '2026-07-28' : '2025-11-25');
        const result = await client.callTool({ name: 'wait_then_echo', arguments: { text: 'hello' } });
        expect(result.structuredContent).toEqual({ text: 'hello' });
        expect(result.isError).toBeFalsy();
      } finally {
        await client.close();
      }
    }
  });

  it('answers GET and DELETE with 405 (2025-era sessions are served stateless) and unknown paths with 404', async () => {
    const { url } = await start();
    const get = await rawHttp(url, { method: 'GET', headers: { accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const remove = await rawHttp(url, { method: 'DELETE', headers: { 'mcp-session-id': 'anything' } });
    expect(remove.status).toBe(405);
    const elsewhere = await rawHttp(new URL('/other', url), {
      headers: JSON_RPC_HEADERS,
      body: initializeBody(),
    });
    expect(elsewhere.status).toBe(404);
    expect(JSON.parse(elsewhere.body)).toMatchObject({ error: { message: expect.stringContaining('/mcp') } });
    const wrongType = await rawHttp(url, {
      headers: { 'content-type': 'text/plain' },
      body: initializeBody(),
    });
    expect(wrongType.status).toBe(415);
  });

  it('requires the bearer token when one is set, with a WWW-Authenticate challenge', async () => {
    const token = 'in-process-token';
    const { url } = await start({ token });

    const missing = await rawHttp(url, { headers: JSON_RPC_HEADERS, body: initializeBody() });
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toBe('Bearer realm="meshwork"');
    expect(JSON.parse(missing.body)).toMatchObject({ error: { code: -32001 } });

    for (const authorization of ['Bearer wrong-token', `Bearer ${token}x`, `Basic ${token}`, token]) {
      const wrong = await rawHttp(url, {
        headers: { ...JSON_RPC_HEADERS, authorization },
        body: initializeBody(),
      });
      expect(wrong.status, authorization).toBe(401);
      expect(wrong.headers['www-authenticate']).toMatch(/^Bearer realm="meshwork"/);
    }
    const wrong = await rawHttp(url, {
      headers: { ...JSON_RPC_HEADERS, authorization: 'Bearer nope' },
      body: initializeBody(),
    });
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="meshwork", error="invalid_token"');

    // The scheme is case-insensitive (RFC 7235).
    const lower = await rawHttp(url, {
      headers: { ...JSON_RPC_HEADERS, authorization: `bearer ${token}` },
      body: initializeBody(),
    });
    expect(lower.status).toBe(200);

    await expect(connectHttpClient(url)).rejects.toThrow();
    for (const versionNegotiation of [undefined, MODERN]) {
      const client = await connectHttpClient(url, {
        token,
        ...(versionNegotiation ? { versionNegotiation } : {}),
      });
      try {
        const result = await client.callTool({ name: 'wait_then_echo', arguments: { text: 'authed' } });
        expect(result.structuredContent).toEqual({ text: 'authed' });
      } finally {
        await client.close();
      }
    }
    expect(log.logs()).not.toContain(token);
  });

  it('answers 413 to a body over the limit, declared or chunked', async () => {
    const { url } = await start({ maxBodyBytes: 1024 });
    const big = JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'ping',
      params: { pad: 'x'.repeat(8 * 1024) },
    });

    const declared = await rawHttp(url, { headers: JSON_RPC_HEADERS, body: big });
    expect(declared.status).toBe(413);
    expect(declared.headers.connection).toBe('close');

    const chunked = await rawHttp(url, {
      headers: { ...JSON_RPC_HEADERS, 'transfer-encoding': 'chunked' },
      body: big,
      chunkBytes: 256,
    });
    expect(chunked.status).toBe(413);

    // A body under the limit is still served, chunked or not.
    const small = await rawHttp(url, {
      headers: { ...JSON_RPC_HEADERS, 'transfer-encoding': 'chunked' },
      body: initializeBody(),
      chunkBytes: 64,
    });
    expect(small.status).toBe(200);
  });

  it('refuses a non-loopback bind without a token, before listening', async () => {
    const error = await serveHttp(factory, { logger: log.logger, host: '0.0.0.0' }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(KitError);
    expect(error).toMatchObject({
      code: 'E_INSECURE_BIND',
      message: expect.stringContaining('--token-file'),
    });
  });

  it('reports a port in use as E_LISTEN, with the reason and what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(serveHttp(factory, { logger: log.logger, port })).rejects.toMatchObject({
        code: 'E_LISTEN',
        message: `Cannot listen on 127.0.0.1:${port}: EADDRINUSE: port ${port} is in use; pick another with --port or stop the other process.`,
      });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('closes promptly with a call in flight, failing that call', async () => {
    const { url } = await start();
    const client = await connectHttpClient(url);
    const call = client.callTool({ name: 'wait_then_echo', arguments: { text: 'slow', delayMs: 60_000 } });
    const settled = call.then(
      () => 'resolved',
      () => 'rejected',
    );
    // The listing round-trip proves the server is up and the call has been sent on its own request.
    await client.listTools();
    await within(handle!.close(), PROMPTLY_MS, 'serveHttp close with a call in flight');
    handle = undefined;
    await expect(within(settled, PROMPTLY_MS, 'in-flight call to settle')).resolves.toBe('rejected');
    await client.close().catch(() => {});
  });
});
