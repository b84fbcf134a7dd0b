import { connectHttpClient, spawnStdioServer } from '@meshwork/testkit';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  defineTool,
  ERROR_CODE_META_KEY,
  registerTools,
  SUBJECT_META_KEY,
  type ToolDefinition,
  ToolError,
  toolErrorResult,
} from '../src/index.js';
import { ECHO_BIN, type RawProcess, spawnEchoHttp } from './support.js';

const HINTS = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true };

describe('tool error results', () => {
  it('toolErrorResult prefixes the code and carries it in _meta', () => {
    expect(toolErrorResult('what to do', 'E_CODE')).toEqual({
      content: [{ type: 'text', text: 'E_CODE: what to do' }],
      isError: true,
      _meta: { [ERROR_CODE_META_KEY]: 'E_CODE' },
    });
    expect(toolErrorResult('plain')).toEqual({ content: [{ type: 'text', text: 'plain' }], isError: true });
  });
});

describe('registerTools (in memory)', () => {
  const tools = [
    defineTool({
      name: 'count_words',
      title: 'Count words',
      description: 'Counts the words in a text.',
      inputSchema: z.object({ text: z.string() }),
      outputSchema: z.object({ words: z.number().int() }),
      annotations: HINTS,
      async handler(input) {
        if (input.text === 'tool-error')
          throw new ToolError('E_EMPTY', 'Give me words; pass a non-empty text.');
        if (input.text === 'crash') throw new Error('unexpected failure');
        return { words: input.text.split(/\s+/).filter(Boolean).length };
      },
      toContent: (output) => [{ type: 'text', text: `extra block: ${output.words}` }],
    }),
  ] as ToolDefinition[];

  async function connect() {
    const server = new McpServer({ name: 'unit', version: '0.0.0' }, { capabilities: { tools: {} } });
    registerTools(server, tools);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await server.connect(serverSide);
    const client = new Client({ name: 'unit-client', version: '0.0.0' });
    await client.connect(clientSide);
    return { client, close: () => Promise.all([client.close(), server.close()]) };
  }

  it('returns structured output with a pretty-JSON text copy and extra content blocks', async () => {
    const { client, close } = await connect();
    try {
      const result = await client.callTool({ name: 'count_words', arguments: { text: 'one two three' } });
      expect(result.structuredContent).toEqual({ words: 3 });
      expect(result.content).toEqual([
        { type: 'text', text: JSON.stringify({ words: 3 }, null, 2) },
        { type: 'text', text: 'extra block: 3' },
      ]);
      const [tool] = (await client.listTools()).tools;
      expect(tool?._meta).toBeUndefined();
      expect(tool?.annotations).toEqual({ title: 'Count words', ...HINTS });
    } finally {
      await close();
    }
  });

  it('turns a ToolError into an isError result, and an unexpected error too (by the SDK)', async () => {
    const { client, close } = await connect();
    try {
      const toolError = await client.callTool({ name: 'count_words', arguments: { text: 'tool-error' } });
      expect(toolError).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: 'E_EMPTY: Give me words; pass a non-empty text.' }],
      });
      expect(toolError.structuredContent).toBeUndefined();
      const crash = await client.callTool({ name: 'count_words', arguments: { text: 'crash' } });
      expect(crash).toMatchObject({
        isError: true,
        content: [{ type: 'text', text: expect.stringContaining('unexpected failure') }],
      });
      // Bad input never reaches the handler.
      const invalid = await client.callTool({ name: 'count_words', arguments: { text: 42 } });
      expect(invalid.isError).toBe(true);
    } finally {
      await close();
    }
  });
});

// The same behaviour through the echo fixture bin, over each transport and era.
describe('tools served by a bin', () => {
  let http: { server: RawProcess; url: URL } | undefined;
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close().catch(() => {});
    await http?.server.kill();
    http = undefined;
  });

  const modes = [
    ['stdio', '2025-11-25'],
    ['stdio', '2026-07-28'],
    ['http', '2025-11-25'],
    ['http', '2026-07-28'],
  ] as const;

  async function clientFor(transport: 'stdio' | 'http', version: '2025-11-25' | '2026-07-28') {
    const versionNegotiation = version === '2026-07-28' ? { mode: { pin: version } } : undefined;
    if (transport === 'stdio') {
      const server = await spawnStdioServer({
        bin: ECHO_BIN,
        ...(versionNegotiation ? { versionNegotiation } : {}),
      });
      closers.push(() => server.close());
      return server.client;
    }
    http ??= await spawnEchoHttp();
    const client = await connectHttpClient(http.url, versionNegotiation ? { versionNegotiation } : {});
    closers.push(() => client.close());
    return client;
  }

  it.each(modes)('lists annotations, outputSchema and _meta over %s (%s)', async (transport, version) => {
    const client = await clientFor(transport, version);
    expect(client.getNegotiatedProtocolVersion()).toBe(version);
    const { tools } = await client.listTools();
    expect(tools).toHaveLength(1);
    expect(tools[0]).toMatchObject({
      name: 'echo_text',
      title: 'Echo text',
      description: 'Returns the text it is given.',
      annotations: {
        title: 'Echo text',
        readOnlyHint: true,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
      _meta: { [SUBJECT_META_KEY]: 'text' },
      inputSchema: { type: 'object', required: ['text'] },
      outputSchema: { type: 'object', properties: { text: { type: 'string' } }, required: ['text'] },
    });
  });

  it.each(modes)(
    'returns a ToolError as an isError result with its message over %s (%s)',
    async (transport, version) => {
      const client = await clientFor(transport, version);
      const result = await client.callTool({ name: 'echo_text', arguments: { text: 'x', fail: true } });
      expect(result.isError).toBe(true);
      expect(result.content).toEqual([
        { type: 'text', text: 'E_ASKED: You asked for a failure; call again without fail.' },
      ]);
    },
  );

  it.each(modes)(
    'delivers sendProgress to a client that passes onprogress over %s (%s)',
    async (transport, version) => {
      const client = await clientFor(transport, version);
      const progress: Array<{ progress: number; total?: number; message?: string }> = [];
      // The tool pauses after its last progress: SDK clients up to 2.4 drop a progress notification
      // that arrives in the same read as the result (typescript-sdk#2580), a race no server can close.
      const result = await client.callTool(
        { name: 'echo_text', arguments: { text: 'p', steps: 3, delayMs: 100 } },
        { onprogress: (notification) => progress.push(notification) },
      );
      expect(result.structuredContent).toEqual({ text: 'p' });
      expect(progress).toEqual([
        { progress: 1, total: 3, message: 'step 1' },
        { progress: 2, total: 3, message: 'step 2' },
        { progress: 3, total: 3, message: 'step 3' },
      ]);
      // Without onprogress the client sends no token and sendProgress is a no-op.
      const quiet = await client.callTool({ name: 'echo_text', arguments: { text: 'q', steps: 2 } });
      expect(quiet.structuredContent).toEqual({ text: 'q' });
    },
  );
});
