import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callError, callOk, expectIndexAgreesWithTopics, MEMORY_BIN } from '../support.js';

const BAD_NAMES = [
  '../escape',
  '..',
  'a/b',
  'a\\b',
  '/etc/passwd',
  'nul\u0000byte',
  'topics/../../x',
  '.hidden',
  '',
];

describe('names and sizes that are refused', () => {
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

  it('refuses slugs and sessions with ../, slashes or null bytes, and writes nothing', async () => {
    const dir = join(temp.path, 'memory');
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', dir] });
    const { client } = server;
    for (const name of BAD_NAMES) {
      const topic = { slug: name, title: 'x', hook: 'x', type: 'user', body: 'x', mode: 'create' };
      expect(await callError(client, 'write_topic', topic)).toMatch(
        name === '' ? /slug|too_small|at least/i : /E_BAD_SLUG/,
      );
      expect(await callError(client, 'read_topic', { slug: name })).toMatch(
        name === '' ? /slug|too_small|at least/i : /E_BAD_SLUG/,
      );
      expect(await callError(client, 'delete_topic', { slug: name })).toMatch(
        name === '' ? /slug|too_small|at least/i : /E_BAD_SLUG/,
      );
      const entries = [{ role: 'user', content: 'x' }];
      const sessionPattern = name === '' ? /session|too_small|at least/i : /E_BAD_SESSION/;
      expect(await callError(client, 'append_transcript', { session: name, entries })).toMatch(
        sessionPattern,
      );
      expect(await callError(client, 'read_transcript', { session: name, from_line: 1, to_line: 2 })).toMatch(
        sessionPattern,
      );
      expect(await callError(client, 'search_memory', { query: 'x', session: name })).toMatch(sessionPattern);
    }
    expect(
      await callError(client, 'write_topic', {
        slug: 'Upper',
        title: 'x',
        type: 'user',
        body: 'x',
        mode: 'create',
      }),
    ).toMatch(/E_BAD_SLUG.*lowercase/);
    expect(await callError(client, 'restore_dream', { dream_id: '../../etc' })).toMatch(/E_BAD_DREAM_ID/);
    // Nothing escaped the memory directory and nothing was created inside it.
    expect(readdirSync(temp.path)).toEqual(['memory']);
    expect(readdirSync(join(dir, 'topics'))).toEqual([]);
    expect(readdirSync(join(dir, 'transcripts'))).toEqual([]);
    expect(existsSync(join(dir, 'MEMORY.md'))).toBe(false);
  });

  it('refuses a topic over its size cap with a clear error and leaves the old version', async () => {
    server = await spawnStdioServer({
      bin: MEMORY_BIN,
      args: ['--dir', temp.path, '--topic-max-bytes', '2000'],
    });
    const { client } = server;
    await callOk(client, 'write_topic', {
      slug: 'notes',
      title: 'Notes',
      hook: 'small',
      type: 'project',
      body: 'small body',
      mode: 'create',
    });
    const before = readFileSync(join(temp.path, 'topics', 'notes.md'), 'utf8');
    const error = await callError(client, 'write_topic', {
      slug: 'notes',
      body: 'z'.repeat(5000),
      mode: 'replace',
    });
    expect(error).toMatch(
      /^E_TOO_LARGE: Topic "notes" would be \d+ bytes, over the cap of 2000 bytes\. Nothing was written\./,
    );
    expect(
      await callError(client, 'write_topic', { slug: 'notes', body: 'z'.repeat(1990), mode: 'append' }),
    ).toMatch(/E_TOO_LARGE/);
    expect(readFileSync(join(temp.path, 'topics', 'notes.md'), 'utf8')).toBe(before);
    expect(
      await callError(client, 'write_topic', {
        slug: 'huge',
        title: 'Huge',
        type: 'user',
        body: 'z'.repeat(3000),
        mode: 'create',
      }),
    ).toMatch(/E_TOO_LARGE/);
    expect(existsSync(join(temp.path, 'topics', 'huge.md'))).toBe(false);
    expectIndexAgreesWithTopics(temp.path);
  });

  it('asks for exactly what a new topic needs, title and type, and creates one without a hook', async () => {
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', temp.path] });
    const { client } = server;
    const error = await callError(client, 'write_topic', { slug: 'fresh', body: 'x', mode: 'create' });
    expect(error).toBe(
      'E_MISSING_FIELDS: Topic "fresh" is new: give title and type to create it (hook is optional).',
    );
    const tool = (await client.listTools()).tools.find((listed) => listed.name === 'write_topic');
    expect(tool?.inputSchema.properties?.title).toMatchObject({
      description: 'Index title; required when creating.',
    });
    expect(tool?.inputSchema.properties?.type).toMatchObject({ description: 'Required when creating.' });
    expect(tool?.inputSchema.properties?.hook).toMatchObject({
      description: expect.not.stringMatching(/required/i),
    });
    await callOk(client, 'write_topic', {
      slug: 'fresh',
      title: 'Fresh',
      type: 'user',
      body: 'x',
      mode: 'create',
    });
    expect(existsSync(join(temp.path, 'topics', 'fresh.md'))).toBe(true);
  });

  it('lets a write push the index over its bounds, says so, never loads past them, and consolidates', async () => {
    server = await spawnStdioServer({
      bin: MEMORY_BIN,
      args: ['--dir', temp.path, '--index-max-lines', '3', '--index-max-line-chars', '60'],
    });
    const { client } = server;
    const results: Array<{
      index: { needs_consolidation: boolean; lines: number };
      advice?: string;
      index_line: string;
    }> = [];
    for (let topic = 1; topic <= 4; topic += 1) {
      results.push(
        await callOk(client, 'write_topic', {
          slug: `topic-${topic}`,
          title: `Topic ${topic}`,
          hook: `a hook that is much too long for sixty characters, number ${topic}`,
          type: 'project',
          body: topic === 4 ? 'same body' : `body ${topic}`,
          mode: 'create',
        }),
      );
    }
    for (const result of results) expect([...result.index_line].length).toBeLessThanOrEqual(60);
    expect(results[2]!.index.needs_consolidation).toBe(false);
    expect(results[3]!.index).toMatchObject({ needs_consolidation: true, lines: 4 });
    expect(results[3]!.advice).toMatch(/over its bounds.*maintain_memory/);
    const index = await callOk<{
      shown_lines: number;
      truncated: boolean;
      total_lines: number;
      content: string;
    }>(client, 'read_index');
    expect(index).toMatchObject({ shown_lines: 3, truncated: true, total_lines: 4 });
    expect(index.content.trimEnd().split('\n')).toHaveLength(3);
    const report = await callOk<{
      changes: Array<{ action: string; slug?: string }>;
      index_after: { within_bounds: boolean };
    }>(client, 'maintain_memory', { dry_run: false });
    expect(report.changes).toEqual([
      expect.objectContaining({ action: 'unindex_overflow', slug: 'topic-1' }),
    ]);
    expect(report.index_after.within_bounds).toBe(true);
    expect((await callOk<{ truncated: boolean }>(client, 'read_index')).truncated).toBe(false);
  });
});
