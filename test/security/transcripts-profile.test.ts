// Attack corpus, issue 13 class 10 (transcripts), through the real coordinator and the scripted
// model: agent A may read src/secret.txt and does; agent B is denied it but may search memory. B
// searches, lists and reads the transcripts for the secret. Judged by effect: the secret never
// appears in any request the model received for B.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinator, loadConfig } from '@meshwork/coordinator';
import {
  countAssistantMessages,
  createScriptedModelServer,
  createTempDir,
  getSystemText,
  type ScriptedModelServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMarkdown, realServers, writeTree } from '../coordinator/support.js';

// B searches by the word next to the payload: a search echoes its query, the payload must not come back.
const QUERY = 'pelican';
const PAYLOAD = 'SECRET-PAYLOAD-7c1d55';
const use = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, name, input });

describe("an agent cannot read another profile's tool results through memory transcripts", () => {
  let dir: TempDir;
  let model: ScriptedModelServer | undefined;
  let close: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-transcripts-');
    await writeTree(dir.path, {
      'src/secret.txt': `${QUERY} ${PAYLOAD}\n`,
      'src/app.js': 'export const answer = 42;\n',
      'meshwork.json': JSON.stringify({
        mcpServers: realServers(),
        profiles: {
          reader: { allow: ['fs:read_*', 'memory:*'] },
          searcher: {
            allow: ['fs:read_*', 'memory:search_memory', 'memory:read_transcript', 'memory:list_sessions'],
            deny: ['fs:*(src/secret.txt)'],
          },
        },
      }),
      '.meshwork/agents/reader.md': agentMarkdown('reader', 'reader', 'You are the READER agent.'),
      '.meshwork/agents/searcher.md': agentMarkdown('searcher', 'searcher', 'You are the SEARCHER agent.'),
    });
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  it("keeps A's read of src/secret.txt out of every model request made for B", async () => {
    const sessions: string[] = [];
    model = await createScriptedModelServer({
      script: (context) => {
        const turn = countAssistantMessages(context.body);
        if (getSystemText(context.body).includes('READER agent')) {
          return turn === 0
            ? { content: [use('mcp__fs__read_text_file', { path: join(dir.path, 'src/secret.txt') })] }
            : { text: 'Read it.' };
        }
        // The searcher: every way memory offers into the transcripts, then each listed session.
        const steps = [
          {
            content: [
              use('mcp__memory__search_memory', { query: QUERY, scope: 'transcripts' }),
              use('mcp__memory__search_memory', { query: QUERY, scope: 'all' }),
              use('mcp__memory__search_memory', { query: 'secret.txt' }),
              use('mcp__memory__list_sessions', {}),
              use('mcp__fs__read_text_file', { path: join(dir.path, 'src/secret.txt') }),
            ],
          },
          {
            content: sessions.map((session) =>
              use('mcp__memory__read_transcript', { session, from_line: 1, to_line: 200 }),
            ),
          },
          { text: 'Nothing found.' },
        ];
        return steps[turn] ?? { text: 'done' };
      },
    });
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
    close = () => coordinator.close();

    const first = await coordinator.run({ task: 'Read src/secret.txt.', agent: 'reader' });
    // A really read it, so its tool result (with the payload) is in its transcript.
    const readerRequests = model.messageRequests().map((request) => JSON.stringify(request.body));
    expect(readerRequests.some((body) => body.includes(PAYLOAD))).toBe(true);
    expect(first.agents[0]?.status).toBe('succeeded');
    // Every session the memory holds, so the searcher reads A's by name too (a guess it could make).
    const all = (await coordinator.callTool('memory', 'memory/list-sessions', { limit: 100 })) as {
      structuredContent?: { sessions?: { session: string }[] };
    };
    sessions.push(...(all.structuredContent?.sessions ?? []).map((session) => session.session));
    expect(sessions.length).toBeGreaterThan(0);
    // The payload is in the memory's transcripts, there to be found.
    const transcripts = join(dir.path, '.meshwork/memory/transcripts');
    const stored = readdirSync(transcripts).map((name) => readFileSync(join(transcripts, name), 'utf8'));
    expect(stored.some((text) => text.includes(PAYLOAD))).toBe(true);

    const before = model.messageRequests().length;
    const second = await coordinator.run({ task: 'Find what the reader saw.', agent: 'searcher' });
    expect(second.agents[0]?.status).toBe('succeeded');
    const searcherRequests = model
      .messageRequests()
      .slice(before)
      .map((request) => JSON.stringify(request.body));
    // The searcher ran all its turns (the reads of each session were answered) ...
    expect(searcherRequests.length).toBe(3);
    expect(searcherRequests[2]).toContain('read_transcript');
    // ... and the payload reached none of its requests.
    for (const body of searcherRequests) expect(body).not.toContain(PAYLOAD);
  });
});
