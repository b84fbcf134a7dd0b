import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, expectRefused, spawnFs, textOf } from '../helpers.js';

let temp: TempDir;
let server: SpawnedStdioServer;

beforeAll(async () => {
  temp = await createTempDir('meshwork-fs-write-');
  server = await spawnFs([temp.path]);
});

afterAll(async () => {
  await server?.close();
  expect(readdirSync(temp.path).filter((name) => name.includes('meshwork-tmp'))).toEqual([]);
  await temp?.remove();
});

describe('write_file', () => {
  it('creates, then atomically replaces, keeping the mode', async () => {
    const path = join(temp.path, 'new.txt');
    const created = await call(server.client, 'write_file', { path, content: 'one\n' });
    expect(expectOk(created)).toMatchObject({ created: true, bytes: 4 });
    expect(textOf(created)).toContain(`Successfully wrote to ${path}`);
    chmodSync(path, 0o640);
    expect(expectOk(await call(server.client, 'write_file', { path, content: 'two\n' }))).toMatchObject({
      created: false,
    });
    expect(readFileSync(path, 'utf8')).toBe('two\n');
    expect(statSync(path).mode & 0o777).toBe(0o640);
  });

  it('refuses a stale expected_sha256 and accepts the current one', async () => {
    const path = join(temp.path, 'guarded.txt');
    const first = expectOk(await call(server.client, 'write_file', { path, content: 'v1' }));
    writeFileSync(path, 'changed by someone else');
    const stale = expectRefused(
      await call(server.client, 'write_file', { path, content: 'v2', expected_sha256: first.sha256 }),
      'E_STALE',
    );
    expect(stale).toContain('Nothing was written');
    expect(readFileSync(path, 'utf8')).toBe('changed by someone else');
    const current = expectOk(await call(server.client, 'read_text_file', { path }));
    expectOk(
      await call(server.client, 'write_file', { path, content: 'v2', expected_sha256: current.sha256 }),
    );
    expect(readFileSync(path, 'utf8')).toBe('v2');
    expectRefused(
      await call(server.client, 'write_file', {
        path: join(temp.path, 'absent.txt'),
        content: 'x',
        expected_sha256: first.sha256,
      }),
      'E_STALE',
    );
  });

  it('lets exactly one of two concurrent guarded writes win', async () => {
    const path = join(temp.path, 'contended.txt');
    const base = expectOk(await call(server.client, 'write_file', { path, content: 'base' }));
    const results = await Promise.all(
      ['agent A', 'agent B'].map((content) =>
        call(server.client, 'write_file', { path, content, expected_sha256: base.sha256 }),
      ),
    );
    expect(results.filter((result) => !result.isError)).toHaveLength(1);
    expect(results.filter((result) => result.isError && textOf(result).includes('E_STALE'))).toHaveLength(1);
    expect(['agent A', 'agent B']).toContain(readFileSync(path, 'utf8'));
  });

  it('needs the parent directory to exist', async () => {
    expectRefused(
      await call(server.client, 'write_file', { path: join(temp.path, 'no', 'such.txt'), content: 'x' }),
      'E_PARENT_MISSING',
    );
  });
});

describe('edit_file', () => {
  it('previews with dryRun, then applies, returning the reference diff', async () => {
    const path = join(temp.path, 'code.ts');
    writeFileSync(path, 'function a() {\n  return 1;\n}\n');
    const preview = await call(server.client, 'edit_file', {
      path,
      edits: [{ oldText: 'return 1;', newText: 'return 2;' }],
      dryRun: true,
    });
    expect(expectOk(preview).applied).toBe(false);
    expect(textOf(preview)).toMatch(
      /^```diff\nIndex: .*\n=+\n--- .*\toriginal\n\+\+\+ .*\tmodified\n@@ -1,3 \+1,3 @@\n function a\(\) \{\n- {2}return 1;\n\+ {2}return 2;\n \}\n```\n\n$/,
    );
    expect(readFileSync(path, 'utf8')).toContain('return 1;');
    const applied = expectOk(
      await call(server.client, 'edit_file', {
        path,
        edits: [{ oldText: 'return 1;', newText: 'return 2;' }],
      }),
    );
    expect(applied.applied).toBe(true);
    expect(readFileSync(path, 'utf8')).toBe('function a() {\n  return 2;\n}\n');
  });

  it('matches lines with different indentation and keeps the original indentation', async () => {
    const path = join(temp.path, 'indent.py');
    writeFileSync(path, 'def f():\n    x = 1\n    y = 2\n');
    expectOk(
      await call(server.client, 'edit_file', {
        path,
        edits: [{ oldText: 'x = 1\ny = 2', newText: 'x = 10\ny = 20' }],
      }),
    );
    expect(readFileSync(path, 'utf8')).toBe('def f():\n    x = 10\ny = 20\n');
  });

  it('keeps CRLF line endings', async () => {
    const path = join(temp.path, 'windows.txt');
    writeFileSync(path, 'one\r\ntwo\r\n');
    expectOk(await call(server.client, 'edit_file', { path, edits: [{ oldText: 'two', newText: 'three' }] }));
    expect(readFileSync(path, 'utf8')).toBe('one\r\nthree\r\n');
  });

  it('refuses an edit that does not match, or a stale hash, and writes nothing', async () => {
    const path = join(temp.path, 'stable.txt');
    writeFileSync(path, 'keep me\n');
    expectRefused(
      await call(server.client, 'edit_file', { path, edits: [{ oldText: 'absent', newText: 'x' }] }),
      'E_NO_MATCH',
    );
    expectRefused(
      await call(server.client, 'edit_file', {
        path,
        edits: [{ oldText: 'keep', newText: 'lose' }],
        expected_sha256: '0'.repeat(64),
      }),
      'E_STALE',
    );
    expect(readFileSync(path, 'utf8')).toBe('keep me\n');
  });
});

describe('create_directory and move_file', () => {
  it('creates nested directories idempotently', async () => {
    const path = join(temp.path, 'a', 'b', 'c');
    expect(expectOk(await call(server.client, 'create_directory', { path }))).toMatchObject({
      created: true,
    });
    expect(expectOk(await call(server.client, 'create_directory', { path }))).toMatchObject({
      created: false,
    });
    expect(statSync(path).isDirectory()).toBe(true);
    writeFileSync(join(temp.path, 'a', 'file'), 'x');
    expectRefused(
      await call(server.client, 'create_directory', { path: join(temp.path, 'a', 'file', 'd') }),
      'E_NOT_DIRECTORY',
    );
  });

  it('moves a file and refuses to overwrite', async () => {
    const source = join(temp.path, 'move-me.txt');
    const destination = join(temp.path, 'a', 'moved.txt');
    writeFileSync(source, 'payload');
    writeFileSync(join(temp.path, 'occupied.txt'), 'occupied');
    expectRefused(
      await call(server.client, 'move_file', { source, destination: join(temp.path, 'occupied.txt') }),
      'E_EXISTS',
    );
    const moved = await call(server.client, 'move_file', { source, destination });
    expect(textOf(moved)).toBe(`Successfully moved ${source} to ${destination}`);
    expect(readFileSync(destination, 'utf8')).toBe('payload');
    expect(readFileSync(join(temp.path, 'occupied.txt'), 'utf8')).toBe('occupied');
  });
});
