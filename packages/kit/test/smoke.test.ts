import { fileURLToPath } from 'node:url';
import { connectHttpClient, spawnStdioServer, startHttpServer } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('./fixtures/echo-server.mjs', import.meta.url));

describe('smoke', () => {
  it('stdio legacy', async () => {
    const server = await spawnStdioServer({ bin });
    const tools = await server.client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(['echo_text']);
    const result = await server.client.callTool({ name: 'echo_text', arguments: { text: 'hi' } });
    expect(result.structuredContent).toEqual({ text: 'hi' });
    await server.close();
  });
  it('stdio modern', async () => {
    const server = await spawnStdioServer({ bin, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const result = await server.client.callTool({ name: 'echo_text', arguments: { text: 'hi' } });
    expect(result.structuredContent).toEqual({ text: 'hi' });
    await server.close();
  });
  it('http both', async () => {
    const server = await startHttpServer({ bin });
    const legacy = await connectHttpClient(server.url);
    expect((await legacy.callTool({ name: 'echo_text', arguments: { text: 'a' } })).structuredContent).toEqual({ text: 'a' });
    const modern = await connectHttpClient(server.url, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    expect((await modern.callTool({ name: 'echo_text', arguments: { text: 'b' } })).structuredContent).toEqual({ text: 'b' });
    await legacy.close();
    await modern.close();
    await server.close();
  });
});
