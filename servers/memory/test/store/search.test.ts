import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/memory-store.js';
import { indexableText, makeSnippet, parseSearchQuery } from '../../src/store/search-query.js';
import { callOk, MEMORY_BIN } from '../support.js';

describe('search queries', () => {
  it('quotes every word so FTS5 syntax in the input is inert', () => {
    expect(parseSearchQuery('TCK-12345').match).toBe('"TCK-12345"');
    expect(parseSearchQuery('NEAR(a b) OR c*').match).toBe('"NEAR(a" "b" OR "c"*');
    expect(parseSearchQuery('"user prefers" pnpm').match).toBe('"user prefers" "pnpm"');
    expect(parseSearchQuery('say "hi""').terms).toEqual(['say', 'hi']);
    expect(() => parseSearchQuery('  -- ** "" ')).toThrow(/no words/);
  });

  it('indexes the parts of compound identifiers but not bare numbers', () => {
    expect(indexableText('fix pnpm-lock and snake_case_name, TCK-12345')).toBe(
      'fix pnpm-lock and snake_case_name, TCK-12345\npnpm lock snake case name TCK',
    );
    expect(indexableText('plain words')).toBe('plain words');
  });

  it('cuts a short snippet around the first match', () => {
    const text = `${'a '.repeat(200)}needle here${' b'.repeat(200)}`;
    const snippet = makeSnippet(text, ['needle']);
    expect(snippet).toContain('needle here');
    expect(snippet.length).toBeLessThanOrEqual(162);
  });
});

describe('search store', () => {
  let temp: TempDir;
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('finds identifiers exactly, parts of them loosely, and filters by session and time', async () => {
    const store = await openMemoryStore({ dir: temp.path, watch: false });
    try {
      store.appendTranscript('alpha', [
        { role: 'user', content: 'ticket TCK-12345 is about pnpm-lock drift', ts: '2025-01-01T00:00:00Z' },
        { role: 'assistant', content: 'and TCK-123456 is another one', ts: '2025-01-02T00:00:00Z' },
      ]);
      store.appendTranscript('beta', [
        { role: 'user', content: 'the lock file again, TCK-12345', ts: '2025-02-01T00:00:00Z' },
      ]);
      const exact = await store.search({ query: 'TCK-12345', scope: 'transcripts' });
      expect(exact.results.map((hit) => [hit.kind === 'transcript' && hit.session, hit.line])).toEqual([
        ['beta', 1],
        ['alpha', 1],
      ]);
      expect((await store.search({ query: 'lock', scope: 'transcripts' })).results).toHaveLength(2);
      expect((await store.search({ query: 'TCK-12345', session: 'alpha' })).results).toHaveLength(1);
      expect((await store.search({ query: 'TCK-12345', since: '2025-01-15' })).results).toMatchObject([
        { session: 'beta' },
      ]);
      expect((await store.search({ query: 'TCK-1234*' })).results).toHaveLength(3);
      expect((await store.search({ query: 'TCK-12345', limit: 1 })).results).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('pages a long transcript in slices of at most 200 lines from any offset', async () => {
    const lines = Array.from({ length: 1200 }, (_, index) =>
      JSON.stringify({ ts: '2025-01-01T00:00:00Z', role: 'user', content: `line ${index + 1}` }),
    );
    writeFileSync(join(temp.path, 'long.jsonl'), '');
    const store = await openMemoryStore({ dir: temp.path, watch: false });
    try {
      writeFileSync(join(store.paths.transcriptsDir, 'long.jsonl'), `${lines.join('\n')}\n`);
      const slice = await store.readTranscript('long', 1001, 1500);
      expect(slice.entries).toHaveLength(200);
      expect(slice.entries[0]).toMatchObject({ line: 1001, content: 'line 1001' });
      expect(slice.entries.at(-1)).toMatchObject({ line: 1200, content: 'line 1200' });
      expect(slice.note).toMatch(/continue from line 1201/);
      const tail = await store.readTranscript('long', 1195, 1300);
      expect(tail.entries.map((entry) => entry.line)).toEqual([1195, 1196, 1197, 1198, 1199, 1200]);
      expect(tail).toMatchObject({ has_more: false, total_lines: 1200 });
      await expect(store.readTranscript('long', 5, 2)).rejects.toThrow(/E_BAD_RANGE|not a range/);
      await expect(store.readTranscript('missing', 1, 2)).rejects.toThrow(/No transcript/);
    } finally {
      await store.close();
    }
  });

  it('indexes only what was appended since the last search', async () => {
    const store = await openMemoryStore({ dir: temp.path, watch: false });
    try {
      const path = join(store.paths.transcriptsDir, 'inc.jsonl');
      writeFileSync(path, `${JSON.stringify({ role: 'user', content: 'first EPS-1' })}\n`);
      expect((await store.search({ query: 'EPS-1' })).results).toHaveLength(1);
      const before = (await store.stats()).search_index;
      appendFileSync(path, `${JSON.stringify({ role: 'user', content: 'second EPS-2' })}\n{"partial": `);
      expect((await store.search({ query: 'EPS-2' })).results).toMatchObject([{ line: 2 }]);
      const after = (await store.stats()).search_index;
      expect(after.entries).toBe(before.entries + 1);
      appendFileSync(path, `"line", "content": "third EPS-3"}\n`);
      expect((await store.search({ query: 'EPS-3' })).results).toMatchObject([{ line: 3 }]);
      expect((await store.stats()).search_index).toMatchObject({ entries: 3, corrupt_lines: 0 });
    } finally {
      await store.close();
    }
  });
  it('indexes big files in chunks exactly once, skipping a line longer than a chunk', async () => {
    const store = await openMemoryStore({
      dir: temp.path,
      watch: false,
      indexOnOpen: false,
      indexChunkBytes: 1024,
    });
    try {
      const path = join(store.paths.transcriptsDir, 'big.jsonl');
      const lines = Array.from({ length: 100 }, (_, index) =>
        JSON.stringify({ role: 'user', content: `common word, line marker-${index + 1}` }),
      );
      lines.splice(40, 0, JSON.stringify({ role: 'tool', content: 'x'.repeat(5000) }));
      writeFileSync(path, `${lines.join('\n')}\n{"role": "user", "content": "unfinished`);
      const all = await store.search({ query: 'common', scope: 'transcripts', limit: 100 });
      expect(all.results).toHaveLength(100);
      expect((await store.search({ query: 'marker-57' })).results).toMatchObject([{ line: 58 }]);
      expect((await store.stats()).search_index).toMatchObject({ entries: 100, corrupt_lines: 1 });
      appendFileSync(path, ' now finished common"}\n');
      expect((await store.search({ query: 'finished' })).results).toMatchObject([{ line: 102 }]);
      expect((await store.stats()).search_index).toMatchObject({ entries: 101 });
    } finally {
      await store.close();
    }
  });
});

describe('appends by another process', () => {
  let temp: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await temp.remove();
  });

  it('are searchable within a second', async () => {
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', temp.path] });
    await callOk(server.client, 'append_transcript', {
      session: 'shared',
      entries: [{ role: 'user', content: 'warm up' }],
    });
    for (let round = 0; round < 10; round += 1) {
      appendFileSync(
        join(temp.path, 'transcripts', 'shared.jsonl'),
        `${JSON.stringify({ role: 'user', content: `outside ZETA-${round}` })}\n`,
      );
      const written = Date.now();
      let found = 0;
      while (found === 0 && Date.now() - written < 1_000) {
        const hits = await callOk<{ results: unknown[] }>(server.client, 'search_memory', {
          query: `ZETA-${round}`,
        });
        found = hits.results.length;
      }
      expect(found, `round ${round}`).toBe(1);
    }
  });
});
