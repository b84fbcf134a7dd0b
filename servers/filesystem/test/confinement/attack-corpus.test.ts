import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import {
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, expectRefused, spawnFs, textOf } from '../helpers.js';

// Every attack of the corpus, through a real MCP client over stdio against the built bin.
// Each one must be refused with a clear error, and nothing outside the root may change.

const SECRET = 'TOP SECRET: outside the root';
const READ_CAP = 4096;

let base: TempDir;
let root: string;
let outside: string;
let evil: string;
let server: SpawnedStdioServer;
let outsideBefore: Map<string, string>;

function snapshot(directory: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const name of readdirSync(directory)) result.set(name, readFileSync(join(directory, name), 'utf8'));
  return result;
}

beforeAll(async () => {
  base = await createTempDir('meshwork-fs-attack-');
  root = join(base.path, 'root');
  evil = join(base.path, 'root_evil');
  outside = join(base.path, 'outside');
  for (const directory of [root, evil, outside, join(root, 'sub')]) mkdirSync(directory);
  writeFileSync(join(outside, 'secret.txt'), SECRET);
  writeFileSync(join(outside, 'victim.txt'), 'victim: must never change');
  writeFileSync(join(evil, 'file.txt'), 'evil twin');
  writeFileSync(join(root, 'inside.txt'), 'inside\n');
  writeFileSync(join(root, 'target.txt'), 'target of an inner link\n');
  symlinkSync(join(outside, 'secret.txt'), join(root, 'link-out'));
  symlinkSync(outside, join(root, 'dir-link'));
  symlinkSync(join(outside, 'created-through-dangling.txt'), join(root, 'dangling'));
  symlinkSync(join(root, 'target.txt'), join(root, 'inner-link'));
  linkSync(join(outside, 'victim.txt'), join(root, 'hard-link.txt'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
  writeFileSync(join(root, 'big.txt'), `${'x'.repeat(99)}\n`.repeat(100));
  outsideBefore = snapshot(outside);
  // /dev is served as a second root only so that device files are reachable inside a root.
  server = await spawnFs(['--max-read-bytes', String(READ_CAP), root, '/dev']);
});

afterAll(async () => {
  await server?.close();
  // Nothing outside the root changed, and no temp file of ours was left behind.
  expect(snapshot(outside)).toEqual(outsideBefore);
  expect(readdirSync(root).filter((name) => name.includes('meshwork-tmp'))).toEqual([]);
  await base?.remove();
});

describe('attack corpus (stdio, real client)', () => {
  it('refuses a prefix sibling of the root (CVE-2025-53110)', async () => {
    const client = server.client;
    expectRefused(await call(client, 'read_text_file', { path: join(evil, 'file.txt') }), 'E_OUTSIDE_ROOTS');
    expectRefused(
      await call(client, 'write_file', { path: join(evil, 'new.txt'), content: 'x' }),
      'E_OUTSIDE_ROOTS',
    );
    expectRefused(await call(client, 'list_directory', { path: evil }), 'E_OUTSIDE_ROOTS');
    expectRefused(await call(client, 'create_directory', { path: join(evil, 'made') }), 'E_OUTSIDE_ROOTS');
    expect(readdirSync(evil)).toEqual(['file.txt']);
  });

  it('refuses ".." segments, even ones that would stay inside', async () => {
    const client = server.client;
    const escapePath = `${root}/../outside/secret.txt`;
    const text = expectRefused(await call(client, 'read_text_file', { path: escapePath }), 'E_INVALID_PATH');
    expect(text).not.toContain(SECRET);
    expectRefused(
      await call(client, 'write_file', { path: `${root}/../outside/victim.txt`, content: 'x' }),
      'E_INVALID_PATH',
    );
    expectRefused(
      await call(client, 'read_text_file', { path: `${root}/sub/../inside.txt` }),
      'E_INVALID_PATH',
    );
    expectRefused(await call(client, 'list_directory', { path: `${root}/..` }), 'E_INVALID_PATH');
    expectRefused(
      await call(client, 'move_file', {
        source: join(root, 'inside.txt'),
        destination: `${root}/../outside/moved.txt`,
      }),
      'E_INVALID_PATH',
    );
  });

  it('refuses a symlink leaf that points outside (CVE-2025-53109)', async () => {
    const client = server.client;
    const link = join(root, 'link-out');
    for (const [tool, args] of [
      ['read_text_file', { path: link }],
      ['read_media_file', { path: link }],
      ['get_file_info', { path: link }],
      ['edit_file', { path: link, edits: [{ oldText: 'TOP', newText: 'x' }] }],
    ] as const) {
      const text = textOf(await call(client, tool, args));
      expect(text).toMatch(/E_SYMLINK_ESCAPE|E_SYMLINK_WRITE/);
      expect(text).not.toContain(SECRET);
    }
    expectRefused(
      await call(client, 'write_file', { path: link, content: 'overwritten' }),
      'E_SYMLINK_WRITE',
    );
    const multiple = await call(client, 'read_multiple_files', { paths: [link, join(root, 'inside.txt')] });
    expect(textOf(multiple)).not.toContain(SECRET);
    expect(textOf(multiple)).toContain('inside');
  });

  it('refuses a symlinked parent directory that points outside (CVE-2025-53109)', async () => {
    const client = server.client;
    const viaLink = join(root, 'dir-link');
    const text = expectRefused(
      await call(client, 'read_text_file', { path: join(viaLink, 'secret.txt') }),
      'E_SYMLINK_ESCAPE',
    );
    expect(text).not.toContain(SECRET);
    expectRefused(
      await call(client, 'write_file', { path: join(viaLink, 'victim.txt'), content: 'x' }),
      'E_SYMLINK_ESCAPE',
    );
    expectRefused(
      await call(client, 'write_file', { path: join(viaLink, 'new.txt'), content: 'x' }),
      'E_SYMLINK_ESCAPE',
    );
    expectRefused(await call(client, 'list_directory', { path: viaLink }), 'E_SYMLINK_ESCAPE');
    expectRefused(
      await call(client, 'create_directory', { path: join(viaLink, 'made') }),
      'E_SYMLINK_ESCAPE',
    );
    expectRefused(
      await call(client, 'move_file', {
        source: join(root, 'inside.txt'),
        destination: join(viaLink, 'moved.txt'),
      }),
      'E_SYMLINK_ESCAPE',
    );
    const grep = expectOk(await call(client, 'grep', { path: root, pattern: 'TOP SECRET', literal: true }));
    expect(grep.results).toEqual([]);
  });

  it('refuses writing through a dangling symlink', async () => {
    const client = server.client;
    const dangling = join(root, 'dangling');
    expectRefused(
      await call(client, 'write_file', { path: dangling, content: 'planted' }),
      'E_SYMLINK_WRITE',
    );
    expectRefused(await call(client, 'read_text_file', { path: dangling }), 'E_DANGLING_SYMLINK');
    expectRefused(
      await call(client, 'create_directory', { path: join(dangling, 'sub') }),
      'E_DANGLING_SYMLINK',
    );
    expect(readdirSync(outside)).not.toContain('created-through-dangling.txt');
  });

  it('refuses writing through an existing symlink, even one that points inside', async () => {
    const client = server.client;
    const link = join(root, 'inner-link');
    expectRefused(
      await call(client, 'write_file', { path: link, content: 'through the link' }),
      'E_SYMLINK_WRITE',
    );
    expectRefused(
      await call(client, 'edit_file', { path: link, edits: [{ oldText: 'target', newText: 'x' }] }),
      'E_SYMLINK_WRITE',
    );
    expect(readFileSync(join(root, 'target.txt'), 'utf8')).toBe('target of an inner link\n');
    // Reading through an inner link is fine: it stays inside.
    expect(textOf(expectOkResult(await call(client, 'read_text_file', { path: link })))).toBe(
      'target of an inner link\n',
    );
  });

  it('refuses a symlink swapped in between check and use (TOCTOU)', async () => {
    const client = server.client;
    mkdirSync(join(root, 'swapdir'));
    writeFileSync(join(root, 'swapdir', 'secret.txt'), 'SAFE');
    writeFileSync(join(root, 'race.txt'), 'SAFE');
    // Another process swaps, as fast as it can: race.txt between a regular file and a symlink to
    // the secret (a leaf swap), and the real directory swapdir with a symlink to the outside
    // directory (a parent swap: realpath saw a real directory, the open would follow the link).
    const swapper = spawn(process.execPath, [
      '-e',
      `const fs = require('node:fs'); const [root, outside, ms] = process.argv.slice(1);
       const until = Date.now() + Number(ms);
       const swapFile = () => { fs.writeFileSync(root + '/.swap-file', 'SAFE'); fs.renameSync(root + '/.swap-file', root + '/race.txt'); };
       while (Date.now() < until) {
         swapFile();
         try { fs.unlinkSync(root + '/.swap-link'); } catch {}
         fs.symlinkSync(outside + '/secret.txt', root + '/.swap-link'); fs.renameSync(root + '/.swap-link', root + '/race.txt');
         fs.renameSync(root + '/swapdir', root + '/.parked'); fs.symlinkSync(outside, root + '/swapdir');
         fs.unlinkSync(root + '/swapdir'); fs.renameSync(root + '/.parked', root + '/swapdir');
       }
       swapFile();`,
      root,
      outside,
      '1500',
    ]);
    const exited = once(swapper, 'exit');
    const allowed =
      /E_SYMLINK_ESCAPE|E_SYMLINK_RACE|E_SYMLINK_WRITE|E_STALE|E_NOT_FOUND|E_PARENT_MISSING|E_DANGLING_SYMLINK/;
    let refused = 0;
    let served = 0;
    try {
      for (let round = 0; swapper.exitCode === null && round < 5000; round += 1) {
        const results = await Promise.all([
          call(client, 'read_text_file', { path: join(root, 'race.txt') }),
          call(client, 'read_text_file', { path: join(root, 'swapdir', 'secret.txt') }),
          call(client, 'write_file', { path: join(root, 'race.txt'), content: 'WRITTEN' }),
          call(client, 'read_multiple_files', { paths: [join(root, 'swapdir', 'secret.txt')] }),
          call(client, 'write_file', { path: join(root, 'swapdir', 'secret.txt'), content: 'WRITTEN' }),
        ]);
        for (const result of results) {
          const text = textOf(result);
          expect(text).not.toContain(SECRET);
          if (result.isError) {
            expect(text).toMatch(allowed);
            refused += 1;
          } else served += 1;
        }
      }
    } finally {
      await exited;
    }
    // The race was really exercised both ways, and the secret was never written or read.
    expect(refused).toBeGreaterThan(0);
    expect(served).toBeGreaterThan(0);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(SECRET);
  });

  it('refuses a null byte', async () => {
    const client = server.client;
    expectRefused(
      await call(client, 'read_text_file', { path: `${root}/inside.txt\0.png` }),
      'E_INVALID_PATH',
    );
    expectRefused(
      await call(client, 'write_file', { path: `${root}/new\0.txt`, content: 'x' }),
      'E_INVALID_PATH',
    );
  });

  it('refuses "~" (never expanded)', async () => {
    const client = server.client;
    expectRefused(await call(client, 'read_text_file', { path: '~/.ssh/id_rsa' }), 'E_INVALID_PATH');
    expectRefused(await call(client, 'list_directory', { path: '~' }), 'E_INVALID_PATH');
  });

  it('refuses a relative path', async () => {
    const client = server.client;
    expectRefused(await call(client, 'read_text_file', { path: 'inside.txt' }), 'E_RELATIVE_PATH');
    expectRefused(await call(client, 'write_file', { path: './new.txt', content: 'x' }), 'E_RELATIVE_PATH');
    expectRefused(await call(client, 'grep', { path: 'sub', pattern: 'x' }), 'E_RELATIVE_PATH');
  });

  it('refuses a very long path', async () => {
    const client = server.client;
    const long = `${root}/${'a/'.repeat(3000)}file.txt`;
    expectRefused(await call(client, 'read_text_file', { path: long }), 'E_PATH_TOO_LONG');
    expectRefused(await call(client, 'write_file', { path: long, content: 'x' }), 'E_PATH_TOO_LONG');
    expectRefused(
      await call(client, 'write_file', { path: `${root}/${'n'.repeat(300)}`, content: 'x' }),
      'E_PATH_TOO_LONG',
    );
  });

  it('refuses FIFOs and device files without hanging', async () => {
    const client = server.client;
    const started = Date.now();
    const fifo = join(root, 'fifo');
    expectRefused(await call(client, 'read_text_file', { path: fifo }), 'E_NOT_REGULAR_FILE');
    expectRefused(await call(client, 'read_media_file', { path: fifo }), 'E_NOT_REGULAR_FILE');
    expectRefused(await call(client, 'write_file', { path: fifo, content: 'x' }), 'E_NOT_REGULAR_FILE');
    expectRefused(
      await call(client, 'edit_file', { path: fifo, edits: [{ oldText: 'a', newText: 'b' }] }),
      'E_NOT_REGULAR_FILE',
    );
    expectRefused(await call(client, 'read_text_file', { path: '/dev/zero' }), 'E_NOT_REGULAR_FILE');
    expectRefused(
      await call(client, 'read_text_file', { path: '/dev/urandom', head: 1 }),
      'E_NOT_REGULAR_FILE',
    );
    expectRefused(
      await call(client, 'write_file', { path: '/dev/null', content: 'x' }),
      'E_NOT_REGULAR_FILE',
    );
    // Metadata is fine: get_file_info only stats, it never opens.
    expect(expectOk(await call(client, 'get_file_info', { path: fifo })).isFile).toBe(false);
    // A directory scan with a FIFO in it must skip it rather than block on it.
    expectOk(await call(client, 'grep', { path: root, pattern: 'inside', literal: true }));
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(statSync(fifo).isFIFO()).toBe(true);
  });

  it('refuses writing a hard link to a file outside the root', async () => {
    const client = server.client;
    const hard = join(root, 'hard-link.txt');
    expectRefused(await call(client, 'write_file', { path: hard, content: 'changed' }), 'E_HARD_LINK');
    expectRefused(
      await call(client, 'edit_file', { path: hard, edits: [{ oldText: 'victim', newText: 'x' }] }),
      'E_HARD_LINK',
    );
    expect(readFileSync(join(outside, 'victim.txt'), 'utf8')).toBe('victim: must never change');
  });

  it('refuses a file larger than the read cap', async () => {
    const client = server.client;
    const big = join(root, 'big.txt');
    expect(statSync(big).size).toBeGreaterThan(READ_CAP);
    const text = expectRefused(await call(client, 'read_text_file', { path: big }), 'E_TOO_LARGE');
    expect(text).toContain('offset');
    expectRefused(await call(client, 'read_media_file', { path: big }), 'E_TOO_LARGE');
    expectRefused(
      await call(client, 'edit_file', { path: big, edits: [{ oldText: 'x', newText: 'y' }] }),
      'E_TOO_LARGE',
    );
    expect(textOf(await call(client, 'read_multiple_files', { paths: [big] }))).toContain('read cap');
    // Partial reads still work on a big file.
    const head = expectOk(await call(client, 'read_text_file', { path: big, head: 2 }));
    expect(head.content).toBe(`${'x'.repeat(99)}\n${'x'.repeat(99)}`);
  });
});

function expectOkResult<T extends { isError?: boolean }>(result: T): T {
  expect(result.isError).toBeFalsy();
  return result;
}
