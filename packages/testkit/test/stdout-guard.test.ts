import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertProtocolOnly, collectStdioFrames } from '../src/index.js';

const echoBin = fileURLToPath(new URL('../../kit/test/fixtures/echo-server.mjs', import.meta.url));
const noisyBin = fileURLToPath(new URL('./fixtures/noisy-server.mjs', import.meta.url));

describe('stdout guard', () => {
  it('collects only JSON-RPC frames from the echo server and they pass the guard', async () => {
    const run = await collectStdioFrames({ bin: echoBin });
    expect(run.exitCode).toBe(0);
    expect(run.lines).toHaveLength(2);
    assertProtocolOnly(run.lines);
    const [initialize, list] = run.lines.map((line) => JSON.parse(line));
    expect(initialize).toMatchObject({ jsonrpc: '2.0', id: 1, result: { serverInfo: { name: 'echo' } } });
    expect(list.result.tools.map((tool: { name: string }) => tool.name)).toEqual(['echo_text']);
    // The echo server logs a secret-bearing 'started' line; it must be on stderr (redacted), never stdout.
    expect(run.lines.join('\n')).not.toContain('started');
  });

  it('passes tool calls through and still sees protocol frames only', async () => {
    const run = await collectStdioFrames({
      bin: echoBin,
      messages: [
        {
          jsonrpc: '2.0',
          id: 1,
          method: 'initialize',
          params: {
            protocolVersion: '2025-11-25',
            capabilities: {},
            clientInfo: { name: 't', version: '0' },
          },
        },
        { jsonrpc: '2.0', method: 'notifications/initialized' },
        {
          jsonrpc: '2.0',
          id: 'call',
          method: 'tools/call',
          params: { name: 'echo_text', arguments: { text: 'hi' } },
        },
      ],
    });
    assertProtocolOnly(run.lines);
    const call = JSON.parse(run.lines.at(-1)!);
    expect(call).toMatchObject({ id: 'call', result: { structuredContent: { text: 'hi' } } });
  });

  it('catches a server that prints anything else to stdout', async () => {
    const run = await collectStdioFrames({ bin: noisyBin });
    expect(run.lines).toContain('debug: initializing');
    expect(() => assertProtocolOnly(run.lines)).toThrow(
      /stdout line 1 is not a JSON-RPC 2.0 message \(not JSON\)/,
    );
  });

  it('rejects malformed JSON-RPC frames', () => {
    const valid = [
      '{"jsonrpc":"2.0","id":1,"method":"ping"}',
      '{"jsonrpc":"2.0","method":"notifications/progress","params":{}}',
      '{"jsonrpc":"2.0","id":1,"result":{}}',
      '{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}',
    ];
    expect(() => assertProtocolOnly(valid)).not.toThrow();
    const invalid = [
      '',
      '[1]',
      '{"id":1,"result":{}}',
      '{"jsonrpc":"2.0","id":1}',
      '{"jsonrpc":"2.0","id":1,"result":{},"error":{"code":1,"message":"x"}}',
      '{"jsonrpc":"2.0","id":1,"error":"bad"}',
      '{"jsonrpc":"2.0","id":{},"method":"x"}',
    ];
    for (const line of invalid)
      expect(() => assertProtocolOnly([line]), line).toThrow(/not a JSON-RPC 2.0 message/);
  });
});
