// Attack corpus, issue 13 class 10 (transcripts), against the memory server alone: a server
// launched with --limit-transcript-profile shows only the entries of its own scope, and tags what
// it appends with that scope whatever the caller says.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callError, callOk, MEMORY_BIN } from '../support.js';

// Searched by a neighbouring word: a search echoes its query, the payload must never come back.
const QUERY = 'wombat';
const SECRET = 'TOOL-RESULT-PAYLOAD-c0ffee';

let temp: TempDir;
const servers: SpawnedStdioServer[] = [];

beforeEach(async () => {
  temp = await createTempDir('meshwork-memory-scope-');
});

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await temp.remove();
});

async function start(scope?: string) {
  const server = await spawnStdioServer({
    bin: MEMORY_BIN,
    args: ['--dir', temp.path, ...(scope === undefined ? [] : [`--limit-transcript-profile=${scope}`])],
  });
  servers.push(server);
  return server.client;
}

async function everything(client: Awaited<ReturnType<typeof start>>, session: string): Promise<string> {
  const texts: unknown[] = [];
  for (const [name, args] of [
    ['search_memory', { query: QUERY, scope: 'transcripts' }],
    ['search_memory', { query: QUERY, scope: 'all' }],
    ['search_memory', { query: QUERY, session }],
    ['read_transcript', { session, from_line: 1, to_line: 200 }],
    ['list_sessions', {}],
  ] as const) {
    const result = await client.callTool({ name, arguments: args });
    texts.push(result.content, result.structuredContent);
  }
  return JSON.stringify(texts);
}

describe('transcript scopes of the memory server', () => {
  it("shows a scoped server only its own scope's entries, and an unscoped one everything", async () => {
    const a = await start('p-aaaa');
    await callOk(a, 'append_transcript', {
      session: 'run-1-reader',
      entries: [{ role: 'tool', content: `read src/secret.txt: ${QUERY} ${SECRET}` }],
    });
    const b = await start('p-bbbb');
    await callOk(b, 'append_transcript', {
      session: 'run-1-other',
      entries: [{ role: 'tool', content: 'nothing to see' }],
    });
    // A's own server finds it.
    const own = await callOk<{ results: { session: string }[] }>(a, 'search_memory', { query: QUERY });
    expect(own.results.map((hit) => hit.session)).toEqual(['run-1-reader']);
    // B's server: not in search, not readable, not listed; the session reads as absent.
    expect(await everything(b, 'run-1-reader')).not.toContain(SECRET);
    expect(
      await callError(b, 'read_transcript', { session: 'run-1-reader', from_line: 1, to_line: 5 }),
    ).toContain('E_SESSION_NOT_FOUND');
    const listed = await callOk<{ sessions: { session: string }[] }>(b, 'list_sessions');
    expect(listed.sessions.map((session) => session.session)).toEqual(['run-1-other']);
    // A standalone (unscoped) server sees every transcript.
    const all = await start();
    const found = await callOk<{ results: unknown[] }>(all, 'search_memory', { query: QUERY });
    expect(found.results).toHaveLength(1);
  });

  it('tags appends with its own scope, so a forged tag reaches no other scope', async () => {
    const b = await start('p-bbbb');
    await callOk(b, 'append_transcript', {
      session: 'forged',
      entries: [{ role: 'tool', content: `planted ${QUERY} ${SECRET}`, profile: 'p-aaaa' }],
    });
    const line = JSON.parse(readFileSync(join(temp.path, 'transcripts', 'forged.jsonl'), 'utf8').trim());
    expect(line.profile).toBe('p-bbbb');
    const a = await start('p-aaaa');
    expect(await everything(a, 'forged')).not.toContain(SECRET);
  });

  it('hides untagged entries (a standalone client wrote them) from a scoped server, and mixed sessions line by line', async () => {
    const standalone = await start();
    await callOk(standalone, 'append_transcript', {
      session: 'mixed',
      entries: [{ role: 'tool', content: `untagged ${QUERY} ${SECRET}` }],
    });
    const a = await start('p-aaaa');
    await callOk(a, 'append_transcript', { session: 'mixed', entries: [{ role: 'user', content: 'mine' }] });
    const slice = await callOk<{ entries: { line: number; content: string }[] }>(a, 'read_transcript', {
      session: 'mixed',
      from_line: 1,
      to_line: 10,
    });
    expect(slice.entries.map((entry) => [entry.line, entry.content])).toEqual([[2, 'mine']]);
    expect(await everything(a, 'mixed')).not.toContain(SECRET);
  });
});
