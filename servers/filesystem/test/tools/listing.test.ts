import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, expectRefused, spawnFs, textOf } from '../helpers.js';

let temp: TempDir;
let server: SpawnedStdioServer;

beforeAll(async () => {
  temp = await createTempDir('meshwork-fs-list-');
  const many = join(temp.path, 'many');
  mkdirSync(many);
  for (let index = 0; index < 25; index += 1)
    writeFileSync(join(many, `f${String(index).padStart(2, '0')}.txt`), 'x'.repeat(index));
  mkdirSync(join(temp.path, 'tree', 'a', 'b', 'c', 'd'), { recursive: true });
  writeFileSync(join(temp.path, 'tree', 'top.md'), '#');
  writeFileSync(join(temp.path, 'tree', 'a', 'one.ts'), '1');
  writeFileSync(join(temp.path, 'tree', 'a', 'b', 'two.ts'), '2');
  writeFileSync(join(temp.path, 'tree', 'a', 'b', 'c', 'three.ts'), '3');
  mkdirSync(join(temp.path, 'tree', 'node_modules', 'dep'), { recursive: true });
  writeFileSync(join(temp.path, 'tree', 'node_modules', 'dep', 'index.ts'), 'dep');
  server = await spawnFs([temp.path]);
});

afterAll(async () => {
  await server?.close();
  await temp?.remove();
});

describe('list_directory', () => {
  it('lists [DIR] and [FILE] entries sorted by name', async () => {
    const text = textOf(await call(server.client, 'list_directory', { path: join(temp.path, 'tree') }));
    expect(text).toBe('[DIR] a\n[DIR] node_modules\n[FILE] top.md');
  });

  it('paginates with a cursor and covers every entry exactly once', async () => {
    const path = join(temp.path, 'many');
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const output = expectOk(
        await call(server.client, 'list_directory', { path, limit: 10, ...(cursor ? { cursor } : {}) }),
      );
      seen.push(...String(output.content).split('\n'));
      cursor = output.nextCursor as string | undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual(
      Array.from({ length: 25 }, (_, index) => `[FILE] f${String(index).padStart(2, '0')}.txt`),
    );
    expectRefused(
      await call(server.client, 'list_directory', { path: join(temp.path, 'tree'), cursor: 'bogus' }),
      'E_BAD_CURSOR',
    );
  });
});

describe('list_directory_with_sizes', () => {
  it('prints sizes and the reference summary, sorted by size on request', async () => {
    const output = expectOk(
      await call(server.client, 'list_directory_with_sizes', {
        path: join(temp.path, 'many'),
        sortBy: 'size',
        limit: 2,
      }),
    );
    const lines = String(output.content).split('\n');
    expect(lines[0]).toMatch(/^\[FILE\] f24\.txt +24 B$/);
    expect(lines[1]).toMatch(/^\[FILE\] f23\.txt/);
    expect(lines.slice(-2)).toEqual(['Total: 25 files, 0 directories', 'Combined size: 300 B']);
    expect(output.nextCursor).toBeTypeOf('string');
  });
});

describe('directory_tree', () => {
  it('returns the reference JSON tree with excludePatterns', async () => {
    const output = expectOk(
      await call(server.client, 'directory_tree', {
        path: join(temp.path, 'tree'),
        excludePatterns: ['node_modules'],
      }),
    );
    const tree = JSON.parse(String(output.content));
    expect(tree.map((entry: { name: string }) => entry.name)).toEqual(['a', 'top.md']);
    expect(tree[0].children.map((entry: { name: string }) => entry.name)).toEqual(['b', 'one.ts']);
    expect(output.truncated).toBe(false);
  });

  it('marks directories it did not expand because of maxDepth or maxEntries', async () => {
    const shallow = JSON.parse(
      String(
        expectOk(await call(server.client, 'directory_tree', { path: join(temp.path, 'tree'), maxDepth: 2 }))
          .content,
      ),
    );
    const b = shallow[0].children[0];
    expect(b).toEqual({ name: 'b', type: 'directory', children: [], truncated: true });
    const capped = expectOk(
      await call(server.client, 'directory_tree', { path: join(temp.path, 'tree'), maxEntries: 3 }),
    );
    expect(capped).toMatchObject({ entries: 3, truncated: true });
    // Breadth-first: the top level is complete before anything deeper.
    expect(JSON.parse(String(capped.content)).map((entry: { name: string }) => entry.name)).toEqual([
      'a',
      'node_modules',
      'top.md',
    ]);
  });
});

describe('search_files', () => {
  it('matches globs relative to the path, like the reference', async () => {
    const base = join(temp.path, 'tree');
    const text = textOf(
      await call(server.client, 'search_files', {
        path: base,
        pattern: '**/*.ts',
        excludePatterns: ['node_modules'],
      }),
    );
    expect(text.split('\n')).toEqual([
      join(base, 'a/b/c/three.ts'),
      join(base, 'a/b/two.ts'),
      join(base, 'a/one.ts'),
    ]);
    expect(textOf(await call(server.client, 'search_files', { path: base, pattern: '*.md' }))).toBe(
      join(base, 'top.md'),
    );
    expect(textOf(await call(server.client, 'search_files', { path: base, pattern: '*.none' }))).toBe(
      'No matches found',
    );
  });

  it('paginates with a cursor', async () => {
    const base = join(temp.path, 'many');
    const first = expectOk(
      await call(server.client, 'search_files', { path: base, pattern: '*.txt', maxResults: 20 }),
    );
    expect(first.matches).toBe(20);
    const second = expectOk(
      await call(server.client, 'search_files', {
        path: base,
        pattern: '*.txt',
        maxResults: 20,
        cursor: first.nextCursor,
      }),
    );
    expect(String(second.content).split('\n')).toEqual(
      ['f20', 'f21', 'f22', 'f23', 'f24'].map((name) => join(base, `${name}.txt`)),
    );
    expect(second.nextCursor).toBeUndefined();
  });
});

describe('list_allowed_directories', () => {
  it('lists the served roots', async () => {
    const result = await call(server.client, 'list_allowed_directories', {});
    expect(textOf(result)).toBe(`Allowed directories:\n${temp.path}`);
  });
});
