import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import type { ScriptedModelServer } from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { startOfflineModel } from '../../src/model/offline-model.js';
import { loadOfflineScript, type OfflineScript } from '../../src/model/offline-script.js';

const SAMPLE_SCRIPT = fileURLToPath(
  new URL('../../../examples/sample-project/offline-script.json', import.meta.url),
);

describe('offline model', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const ask = (agent: string, system: string, assistantTurns: number) =>
    new Anthropic({ apiKey: 'offline', baseURL: server?.url, maxRetries: 0 }).messages
      .stream(
        {
          model: 'claude-sonnet-4-6',
          max_tokens: 4096,
          system: [{ type: 'text', text: system }],
          messages: [
            { role: 'user', content: 'task' },
            ...Array.from({ length: assistantTurns }, () => [
              { role: 'assistant' as const, content: 'earlier' },
              { role: 'user' as const, content: 'next' },
            ]).flat(),
          ],
        },
        { headers: { 'x-meshwork-agent': agent } },
      )
      .finalMessage();

  it('serves the bundled script per agent and turn, with the project directory filled in', async () => {
    server = await startOfflineModel(await loadOfflineScript(SAMPLE_SCRIPT), {
      variables: { project_dir: '/work/a "quoted" dir' },
    });
    const first = await ask('researcher', 'You research.', 0);
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toMatchObject([
      { type: 'text', text: 'Let me look at the project and the helper.' },
      { type: 'tool_use', name: 'mcp__fs__list_directory', input: { path: '/work/a "quoted" dir' } },
      {
        type: 'tool_use',
        name: 'mcp__fs__read_text_file',
        input: { path: '/work/a "quoted" dir/src/stats.js' },
      },
    ]);
    const last = await ask('reviewer', 'You review.', 2);
    expect(last.stop_reason).toBe('end_turn');
    expect(last.content[0]).toMatchObject({
      type: 'text',
      text: expect.stringContaining('"verdict": "approve"'),
    });
    expect(server.messageRequests().map((request) => [request.route, request.turnIndex])).toEqual([
      ['researcher', 0],
      ['reviewer', 2],
    ]);
  });

  it('matches on system text, repeats the last turn past the end, and refuses a request no route takes', async () => {
    const script: OfflineScript = {
      routes: [
        {
          name: 'looper',
          match: { systemIncludes: 'loop forever' },
          turns: [
            { content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'again' } }] },
          ],
        },
        {
          match: { agent: 'alpha' },
          turns: [{ content: [{ type: 'text', text: 'Cut short.' }], stop_reason: 'max_tokens' }],
        },
      ],
    };
    server = await startOfflineModel(script);
    for (const turns of [0, 1, 3]) {
      const reply = await ask('anyone', 'You loop forever.', turns);
      expect(reply.content).toMatchObject([{ type: 'tool_use', input: { text: 'again' } }]);
    }
    const cut = await ask('alpha', 'You answer.', 0);
    expect(cut).toMatchObject({ stop_reason: 'max_tokens', content: [{ type: 'text', text: 'Cut short.' }] });
    await expect(ask('beta', 'You answer.', 0)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('no script route matches this request'),
    });
  });
});
