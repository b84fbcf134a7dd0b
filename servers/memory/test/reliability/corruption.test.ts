import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callOk, MEMORY_BIN } from '../support.js';

type Hits = { results: Array<{ session?: string; line: number; snippet: string }> };
type Stats = { search_index: { corrupt_lines: number; rebuilds: number; entries: number } };

const line = (content: string, role = 'user') =>
  `${JSON.stringify({ ts: '2025-05-01T00:00:00Z', role, content })}\n`;

describe('damaged files', () => {
  let temp: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
    mkdirSync(join(temp.path, 'transcripts'), { recursive: true });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await temp.remove();
  });

  it('skips a corrupt transcript line with a warning, and search still works', async () => {
    writeFileSync(
      join(temp.path, 'transcripts', 'broken.jsonl'),
      `${line('before the damage ALPHA-1')}{"ts": "2025-05-01", "role": "user", "content": "torn li\n${line('after the damage ALPHA-2')}\n`,
    );
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', temp.path] });
    const hits = await callOk<Hits>(server.client, 'search_memory', {
      query: 'damage',
      scope: 'transcripts',
    });
    expect(hits.results.map((hit) => hit.line)).toEqual([3, 1]);
    const after = await callOk<Hits>(server.client, 'search_memory', { query: 'ALPHA-2' });
    expect(after.results).toMatchObject([{ session: 'broken', line: 3 }]);
    const slice = await callOk<{ entries: Array<{ line: number; corrupt?: boolean }> }>(
      server.client,
      'read_transcript',
      {
        session: 'broken',
        from_line: 1,
        to_line: 4,
      },
    );
    expect(slice.entries.map((entry) => [entry.line, entry.corrupt ?? false])).toEqual([
      [1, false],
      [2, true],
      [3, false],
    ]);
    const stats = await callOk<Stats>(server.client, 'memory_stats');
    expect(stats.search_index.corrupt_lines).toBe(1);
    expect(server.stderr()).toMatch(/transcript broken line 2: not valid JSON/);
    // Appends after a torn tail start on a fresh line and stay searchable.
    appendFileSync(join(temp.path, 'transcripts', 'broken.jsonl'), '{"ts": "2025-05-02", "content": "half');
    await callOk(server.client, 'append_transcript', {
      session: 'broken',
      entries: [{ role: 'user', content: 'whole again OMEGA-9' }],
    });
    const omega = await callOk<Hits>(server.client, 'search_memory', { query: 'OMEGA-9' });
    expect(omega.results).toMatchObject([{ session: 'broken', line: 6 }]);
  });

  it('rebuilds a deleted .index/ while running', async () => {
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', temp.path] });
    await callOk(server.client, 'append_transcript', {
      session: 's1',
      entries: [{ role: 'user', content: 'first BETA-1' }],
    });
    expect((await callOk<Hits>(server.client, 'search_memory', { query: 'BETA-1' })).results).toHaveLength(1);
    rmSync(join(temp.path, '.index'), { recursive: true, force: true });
    await callOk(server.client, 'append_transcript', {
      session: 's1',
      entries: [{ role: 'user', content: 'second BETA-2' }],
    });
    expect((await callOk<Hits>(server.client, 'search_memory', { query: 'BETA-1' })).results).toMatchObject([
      { line: 1 },
    ]);
    expect((await callOk<Hits>(server.client, 'search_memory', { query: 'BETA-2' })).results).toMatchObject([
      { line: 2 },
    ]);
    expect(existsSync(join(temp.path, '.index', 'search.db'))).toBe(true);
    const stats = await callOk<Stats>(server.client, 'memory_stats');
    expect(stats.search_index).toMatchObject({ entries: 2 });
    expect(stats.search_index.rebuilds).toBeGreaterThanOrEqual(1);
  });

  it('rebuilds a corrupt .index/ on start', async () => {
    writeFileSync(join(temp.path, 'transcripts', 's2.jsonl'), line('kept in the files GAMMA-3'));
    mkdirSync(join(temp.path, '.index'));
    writeFileSync(join(temp.path, '.index', 'search.db'), Buffer.alloc(8192, 0x5a));
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', temp.path] });
    expect((await callOk<Hits>(server.client, 'search_memory', { query: 'GAMMA-3' })).results).toMatchObject([
      { session: 's2', line: 1 },
    ]);
    const stats = await callOk<Stats>(server.client, 'memory_stats');
    expect(stats.search_index.rebuilds).toBeGreaterThanOrEqual(1);
    expect(server.stderr()).toMatch(/corrupt or outdated; rebuilding/);
  });

  it('rebuilds an index corrupted while running', async () => {
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', temp.path] });
    await callOk(server.client, 'append_transcript', {
      session: 's3',
      entries: [{ role: 'user', content: 'DELTA-4 survives' }],
    });
    expect((await callOk<Hits>(server.client, 'search_memory', { query: 'DELTA-4' })).results).toHaveLength(
      1,
    );
    // Replace the database file with garbage (a new inode, as an editor or a bad copy would).
    rmSync(join(temp.path, '.index'), { recursive: true, force: true });
    mkdirSync(join(temp.path, '.index'));
    writeFileSync(join(temp.path, '.index', 'search.db'), Buffer.alloc(8192, 0x13));
    expect((await callOk<Hits>(server.client, 'search_memory', { query: 'DELTA-4' })).results).toMatchObject([
      { session: 's3', line: 1 },
    ]);
  });
});
