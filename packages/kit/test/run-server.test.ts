import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import {
  connectHttpClient,
  createTempDir,
  type SpawnedStdioServer,
  spawnStdioServer,
} from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ECHO_BIN,
  initializeBody,
  JSON_RPC_HEADERS,
  PROMPTLY_MS,
  type RawProcess,
  rawHttp,
  spawnEcho,
  spawnEchoHttp,
  within,
} from './support.js';

const MODERN = { mode: { pin: '2026-07-28' } } as const;
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'raw-test', version: '0.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

const processes: RawProcess[] = [];
const clients: SpawnedStdioServer[] = [];
function track(process: RawProcess): RawProcess {
  processes.push(process);
  return process;
}
afterEach(async () => {
  for (const client of clients.splice(0)) await client.close().catch(() => {});
  for (const process of processes.splice(0)) await process.kill();
});

/** Sends the 2025 handshake and waits for its answer: proof the server is serving. */
async function handshake(server: RawProcess): Promise<void> {
  server.send(JSON.parse(initializeBody(1)), { jsonrpc: '2.0', method: 'notifications/initialized' });
  await within(server.waitForStdout(/"id":1[,}]/), PROMPTLY_MS, 'initialize response');
}

describe('runServer over stdio', () => {
  it('serves a real client in both protocol eras', async () => {
    for (const versionNegotiation of [undefined, MODERN]) {
      const server = await spawnStdioServer({
        bin: ECHO_BIN,
        ...(versionNegotiation ? { versionNegotiation } : {}),
      });
      clients.push(server);
      expect(server.client.getNegotiatedProtocolVersion()).toBe(
        versionNegotiation ? '2026-07-28' : '2025-11-25',
      );
      const result = await server.client.callTool({ name: 'echo_text', arguments: { text: 'over stdio' } });
      expect(result.structuredContent).toEqual({ text: 'over stdio' });
      expect(result.content).toEqual([{ type: 'text', text: 'echo: over stdio' }]);
    }
  });

  it('writes nothing but JSON-RPC on stdout, even at trace level', async () => {
    const server = track(spawnEcho(['--stdio', '--log-level', 'trace']));
    await handshake(server);
    server.send(
      { jsonrpc: '2.0', id: 2, method: 'tools/list' },
      {
        jsonrpc: '2.0',
        id: 3,
        method: 'tools/call',
        params: { name: 'echo_text', arguments: { text: 'a', steps: 2 }, _meta: { progressToken: 'p' } },
      },
      {
        jsonrpc: '2.0',
        id: 4,
        method: 'tools/call',
        params: { name: 'echo_text', arguments: { text: 'a', fail: true } },
      },
      { jsonrpc: '2.0', id: 5, method: 'ping' },
      { jsonrpc: '2.0', id: 6, method: 'no/such/method' },
    );
    for (const id of [2, 3, 4, 5, 6]) {
      await within(server.waitForStdout(new RegExp(`"id":${id}[,}]`)), PROMPTLY_MS, `response ${id}`);
    }
    server.child.stdin.end();
    expect(await within(server.exited, PROMPTLY_MS, 'exit after stdin EOF')).toEqual({
      code: 0,
      signal: null,
    });

    const lines = server.stdout().split('\n');
    expect(lines.pop()).toBe('');
    const messages = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const message of messages) {
      expect(message.jsonrpc).toBe('2.0');
      expect('id' in message || typeof message.method === 'string').toBe(true);
    }
    const answered = messages.filter((message) => 'id' in message).map((message) => message.id);
    // Requests are served concurrently, so answers may come in any order, but each comes once.
    expect(answered.sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(messages.find((message) => message.id === 6)).toMatchObject({ error: { code: -32601 } });
    expect(messages.find((message) => message.id === 4)).toMatchObject({ result: { isError: true } });
    // Progress went out on the wire, before the result it belongs to.
    const progress = messages.filter((message) => message.method === 'notifications/progress');
    expect(progress.map((message) => (message.params as { progress: number }).progress)).toEqual([1, 2]);
    expect(messages.indexOf(progress[1]!)).toBeLessThan(messages.findIndex((message) => message.id === 3));
    // The logs went to stderr instead.
    expect(server.stderr()).toContain('"msg":"started"');
  });

  it('keeps stdout clean in the 2026-07-28 era too', async () => {
    const server = track(spawnEcho(['--log-level', 'trace']));
    server.send(
      { jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: MODERN_META } },
      {
        jsonrpc: '2.0',
        id: 2,
        method: 'tools/call',
        params: { name: 'echo_text', arguments: { text: 'm' }, _meta: MODERN_META },
      },
    );
    await within(server.waitForStdout(/"id":2[,}]/), PROMPTLY_MS, 'modern responses');
    server.child.stdin.end();
    expect(await within(server.exited, PROMPTLY_MS, 'exit after stdin EOF')).toEqual({
      code: 0,
      signal: null,
    });
    const messages = server
      .stdout()
      .trimEnd()
      .split('\n')
      .map(
        (line) =>
          JSON.parse(line) as { jsonrpc: string; id: number; result: { structuredContent?: unknown } },
      );
    expect(messages.map((message) => [message.jsonrpc, message.id])).toEqual([
      ['2.0', 1],
      ['2.0', 2],
    ]);
    expect(messages[1]?.result.structuredContent).toEqual({ text: 'm' });
  });

  it('exits 0 by itself on stdin EOF, even with a call in flight, and runs onShutdown', async () => {
    const server = track(spawnEcho(['--log-level', 'info']));
    await handshake(server);
    server.send({
      jsonrpc: '2.0',
      id: 2,
      method: 'tools/call',
      params: { name: 'echo_text', arguments: { text: 'x', delayMs: 600_000 } },
    });
    await within(server.waitForStderr(/"msg":"started"/), PROMPTLY_MS, 'started log line');
    server.child.stdin.end();
    // The fixture never calls process.exit on success: exiting proves no handle was left open.
    expect(await within(server.exited, PROMPTLY_MS, 'exit after stdin EOF')).toEqual({
      code: 0,
      signal: null,
    });
    expect(server.stderr()).toContain('"msg":"released resources"');
    expect(server.stderr()).toMatch(/"reason":"stdin closed".*"msg":"closed"/);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('exits 0 by itself on %s', async (signal) => {
    const server = track(spawnEcho(['--log-level', 'info']));
    await handshake(server);
    server.child.kill(signal);
    expect(await within(server.exited, PROMPTLY_MS, `exit after ${signal}`)).toEqual({
      code: 0,
      signal: null,
    });
    expect(server.stderr()).toContain(`"reason":"${signal}"`);
    expect(server.stderr()).toContain('"msg":"released resources"');
  });
});

describe('runServer over HTTP', () => {
  it('serves a real client in both protocol eras', async () => {
    const { server, url } = await spawnEchoHttp();
    track(server);
    for (const versionNegotiation of [undefined, MODERN]) {
      const client = await connectHttpClient(url, versionNegotiation ? { versionNegotiation } : {});
      try {
        expect(client.getNegotiatedProtocolVersion()).toBe(versionNegotiation ? '2026-07-28' : '2025-11-25');
        const result = await client.callTool({ name: 'echo_text', arguments: { text: 'over http' } });
        expect(result.structuredContent).toEqual({ text: 'over http' });
      } finally {
        await client.close();
      }
    }
  });

  it.each(['SIGINT', 'SIGTERM'] as const)(
    'exits 0 by itself on %s with a call in flight, and frees the port',
    async (signal) => {
      const { server, url } = await spawnEchoHttp(['--log-level', 'info']);
      track(server);
      const client = await connectHttpClient(url);
      const call = client.callTool({ name: 'echo_text', arguments: { text: 'x', delayMs: 600_000 } }).then(
        () => 'resolved',
        () => 'rejected',
      );
      await client.listTools();
      server.child.kill(signal);
      expect(await within(server.exited, PROMPTLY_MS, `exit after ${signal}`)).toEqual({
        code: 0,
        signal: null,
      });
      expect(await within(call, PROMPTLY_MS, 'in-flight call')).toBe('rejected');
      await client.close().catch(() => {});
      await expect(rawHttp(url, { headers: JSON_RPC_HEADERS, body: initializeBody() })).rejects.toMatchObject(
        {
          code: 'ECONNREFUSED',
        },
      );
      expect(server.stderr()).toContain('"msg":"released resources"');
    },
  );

  it('requires the token from --token-file or MESHWORK_TOKEN, and never logs it', async () => {
    const dir = await createTempDir('meshwork-kit-run-');
    try {
      const file = join(dir.path, 'token');
      await writeFile(file, 'token-from-file\n');
      for (const [args, env, token] of [
        [['--token-file', file], {}, 'token-from-file'],
        [[], { MESHWORK_TOKEN: 'token-from-env' }, 'token-from-env'],
      ] as const) {
        const { server, url } = await spawnEchoHttp(['--log-level', 'trace', ...args], env);
        track(server);
        const missing = await rawHttp(url, { headers: JSON_RPC_HEADERS, body: initializeBody() });
        expect(missing.status).toBe(401);
        expect(missing.headers['www-authenticate']).toMatch(/^Bearer realm="meshwork"/);
        const wrong = await rawHttp(url, {
          headers: { ...JSON_RPC_HEADERS, authorization: 'Bearer nope' },
          body: initializeBody(),
        });
        expect(wrong.status).toBe(401);
        expect(wrong.headers['www-authenticate']).toContain('error="invalid_token"');
        for (const versionNegotiation of [undefined, MODERN]) {
          const client = await connectHttpClient(url, {
            token,
            ...(versionNegotiation ? { versionNegotiation } : {}),
          });
          const result = await client.callTool({ name: 'echo_text', arguments: { text: 'authed' } });
          expect(result.structuredContent).toEqual({ text: 'authed' });
          await client.close();
        }
        expect(server.stderr()).toContain('"auth":"bearer"');
        expect(server.stderr()).not.toContain(token);
      }
    } finally {
      await dir.remove();
    }
  });

  it('refuses to bind a non-loopback address without a token: exits 1 with a clear message', async () => {
    const server = track(spawnEcho(['--http', '--host', '0.0.0.0', '--port', '0']));
    expect(await within(server.exited, PROMPTLY_MS, 'exit on insecure bind')).toEqual({
      code: 1,
      signal: null,
    });
    await within(
      server.waitForStderr(/Refusing to serve on non-loopback host 0\.0\.0\.0 without a bearer token/),
      PROMPTLY_MS,
      'message',
    );
    expect(server.stderr()).toContain('--token-file');
    expect(server.stderr()).not.toContain('MCP endpoint');
  });

  it('says why it cannot listen on a busy --port: exits 1 naming EADDRINUSE and what to do', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const server = track(spawnEcho(['--http', '--port', String(port)]));
      expect(await within(server.exited, PROMPTLY_MS, 'exit on a busy port')).toEqual({
        code: 1,
        signal: null,
      });
      expect(server.stderr()).toContain(
        `EADDRINUSE: port ${port} is in use; pick another with --port or stop the other process`,
      );
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses an empty token file and a bad flag: exits 1 naming the problem', async () => {
    const dir = await createTempDir('meshwork-kit-run-');
    try {
      const empty = join(dir.path, 'empty');
      await writeFile(empty, '\n');
      const server = track(spawnEcho(['--http', '--port', '0', '--token-file', empty]));
      expect((await within(server.exited, PROMPTLY_MS, 'exit on empty token file')).code).toBe(1);
      await within(server.waitForStderr(/--token-file .* is empty/), PROMPTLY_MS, 'message');
      const usage = track(spawnEcho(['--http', '--port', 'eighty']));
      expect((await within(usage.exited, PROMPTLY_MS, 'exit on bad flag')).code).toBe(1);
      await within(usage.waitForStderr(/--port takes a whole number/), PROMPTLY_MS, 'message');
    } finally {
      await dir.remove();
    }
  });
});

describe('logging from a bin', () => {
  async function stderrOf(args: string[], env: Record<string, string>): Promise<string> {
    const server = track(spawnEcho(args, env));
    await handshake(server);
    server.child.stdin.end();
    expect(await within(server.exited, PROMPTLY_MS, 'exit')).toEqual({ code: 0, signal: null });
    return server.stderr();
  }

  it('takes the level from --log-level, then MESHWORK_LOG_LEVEL', async () => {
    const quiet = await stderrOf([], { MESHWORK_LOG_LEVEL: 'warn' });
    expect(quiet).not.toContain('"msg":"started"');
    const fromEnvironment = await stderrOf([], { MESHWORK_LOG_LEVEL: 'debug' });
    expect(fromEnvironment).toContain('"msg":"debug line"');
    const fromFlag = await stderrOf(['--log-level', 'info'], { MESHWORK_LOG_LEVEL: 'debug' });
    expect(fromFlag).toContain('"msg":"started"');
    expect(fromFlag).not.toContain('"msg":"debug line"');
    const silent = await stderrOf(['--log-level', 'silent'], { MESHWORK_LOG_LEVEL: 'trace' });
    expect(silent).toBe('');
  });

  it('redacts secrets the bin logs', async () => {
    const stderr = await stderrOf(['--log-level', 'trace'], {});
    expect(stderr).toContain('"token":"[redacted]"');
    expect(stderr).toContain('"authorization":"[redacted]"');
    expect(stderr).not.toContain('super-secret');
  });
});
