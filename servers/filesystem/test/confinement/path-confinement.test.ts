import {
  linkSync,
  mkdirSync,
  readFileSync,
  renameSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDenyMatcher } from '../../src/confinement/deny.js';
import { PathConfinement } from '../../src/confinement/path-confinement.js';
import { openForRead } from '../../src/confinement/safe-open.js';
import { FilesystemError } from '../../src/errors.js';

let temp: TempDir;
let root: string;
let outside: string;
let confinement: PathConfinement;

async function codeOf(run: () => unknown): Promise<string | undefined> {
  try {
    await run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(FilesystemError);
    return (error as FilesystemError).code;
  }
}

beforeEach(async () => {
  temp = await createTempDir('meshwork-fs-confinement-');
  root = join(temp.path, 'root');
  outside = join(temp.path, 'outside');
  mkdirSync(join(root, 'dir'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(root, 'dir', 'file.txt'), 'inside');
  writeFileSync(join(outside, 'secret.txt'), 'secret');
  confinement = new PathConfinement({ roots: [{ path: root }], deny: createDenyMatcher(['**/.env']) });
});

afterEach(async () => {
  await temp.remove();
});

describe('PathConfinement.resolve', () => {
  it('resolves an existing path and a missing one under a real parent', async () => {
    const existing = await confinement.resolve(join(root, 'dir', 'file.txt'));
    expect(existing).toMatchObject({
      real: join(root, 'dir', 'file.txt'),
      relative: 'dir/file.txt',
      exists: true,
    });
    const missing = await confinement.resolve(join(root, 'dir', 'new', 'deeper.txt'));
    expect(missing).toMatchObject({ real: join(root, 'dir', 'new', 'deeper.txt'), exists: false });
  });

  it('follows an inner symlink but refuses one that leads outside', async () => {
    symlinkSync(join(root, 'dir'), join(root, 'inner'));
    symlinkSync(outside, join(root, 'out'));
    expect((await confinement.resolve(join(root, 'inner', 'file.txt'))).real).toBe(
      join(root, 'dir', 'file.txt'),
    );
    expect(await codeOf(() => confinement.resolve(join(root, 'out', 'secret.txt')))).toBe('E_SYMLINK_ESCAPE');
    expect(await codeOf(() => confinement.resolve(join(root, 'out', 'not-yet.txt')))).toBe(
      'E_SYMLINK_ESCAPE',
    );
  });

  it('refuses denied paths, also when reached through a symlink', async () => {
    writeFileSync(join(root, '.env'), 'TOKEN=1');
    symlinkSync(join(root, '.env'), join(root, 'innocent'));
    expect(await codeOf(() => confinement.resolve(join(root, '.env')))).toBe('E_DENIED');
    expect(await codeOf(() => confinement.resolve(join(root, 'innocent')))).toBe('E_DENIED');
  });

  it('refuses paths through a dangling symlink', async () => {
    symlinkSync(join(temp.path, 'nowhere'), join(root, 'dangling'));
    expect(await codeOf(() => confinement.resolve(join(root, 'dangling')))).toBe('E_DANGLING_SYMLINK');
    expect(await codeOf(() => confinement.resolve(join(root, 'dangling', 'child')))).toBe(
      'E_DANGLING_SYMLINK',
    );
  });

  it('maps an aliased root spelling onto the real root', async () => {
    symlinkSync(root, join(temp.path, 'alias'));
    const aliased = new PathConfinement({
      roots: [{ path: root, alias: join(temp.path, 'alias') }],
      deny: createDenyMatcher([]),
    });
    expect((await aliased.resolve(join(temp.path, 'alias', 'dir', 'file.txt'))).real).toBe(
      join(root, 'dir', 'file.txt'),
    );
  });

  it('resolveEntry does not follow the last component and refuses the root itself', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(root, 'leaf'));
    const entry = await confinement.resolveEntry(join(root, 'leaf'));
    expect(entry.stats?.isSymbolicLink()).toBe(true);
    expect(entry.real).toBe(join(root, 'leaf'));
    expect(await codeOf(() => confinement.resolveEntry(root))).toBe('E_ROOT');
    expect(await codeOf(() => confinement.resolveEntry(join(root, 'missing', 'x')))).toBe('E_PARENT_MISSING');
  });
});

describe('openForRead (check-then-use)', () => {
  it('refuses a leaf swapped for a symlink after resolution', async () => {
    const path = join(root, 'dir', 'file.txt');
    const resolved = await confinement.resolve(path);
    unlinkSync(path);
    symlinkSync(join(outside, 'secret.txt'), path);
    expect(await codeOf(() => openForRead(confinement, resolved))).toBe('E_SYMLINK_RACE');
  });

  it('refuses a parent directory swapped for a symlink after resolution', async () => {
    writeFileSync(join(outside, 'file.txt'), 'outside twin');
    const resolved = await confinement.resolve(join(root, 'dir', 'file.txt'));
    renameSync(join(root, 'dir'), join(root, 'parked'));
    symlinkSync(outside, join(root, 'dir'));
    // lstat and the no-follow open both see the outside file; only the descriptor check catches it.
    expect(await codeOf(() => openForRead(confinement, resolved))).toBe('E_SYMLINK_RACE');
  });

  it('accepts a file replaced in place by another regular file inside the root', async () => {
    const path = join(root, 'dir', 'file.txt');
    const resolved = await confinement.resolve(path);
    writeFileSync(join(root, 'replacement'), 'other');
    renameSync(join(root, 'replacement'), path);
    // Same path, different inode: still inside, so it opens fine.
    const opened = openForRead(confinement, resolved);
    opened.close();
    expect(readFileSync(path, 'utf8')).toBe('other');
  });

  it('opens hard links for reading (only writes to them are refused)', async () => {
    linkSync(join(outside, 'secret.txt'), join(root, 'hard'));
    const opened = openForRead(confinement, await confinement.resolve(join(root, 'hard')));
    expect(opened.stats.nlink).toBe(2);
    opened.close();
  });
});
