import { mkdir, rename, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { realPathOf } from '../../src/gate/subject-paths.js';
import { createWriteLeases, type WriteLeases } from '../../src/gate/write-leases.js';

const call = { server: 'fs', tool: 'write_file' };

/** Reserves and commits, as a write that succeeded does. */
async function write(leases: WriteLeases, path: string, holder: string) {
  const result = await leases.reserve([path], holder, call);
  if ('reservation' in result) await result.reservation.commit();
  return result;
}

describe('write leases on the file identity', () => {
  let dir: TempDir;
  let src: string;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-leases-');
    src = join(dir.path, 'src');
    await mkdir(src);
    await writeFile(join(src, 'a.js'), 'a\n');
    await symlink(src, join(dir.path, 'alias'));
  });
  afterEach(() => dir.remove());

  it('resolves every spelling of a file to one path, the last component not followed', async () => {
    const real = join(src, 'a.js');
    for (const spelling of [
      'src/a.js/',
      './src/a.js',
      'src//a.js',
      'src/./a.js',
      'alias/a.js',
      'alias/../src/a.js',
    ]) {
      expect(realPathOf(spelling, dir.path), spelling).toBe(real);
    }
    // A symlink named last is the link itself.
    expect(realPathOf('alias', dir.path)).toBe(join(dir.path, 'alias'));
    // What does not exist yet is kept under the real path of its deepest existing ancestor.
    expect(realPathOf('alias/new/b.js', dir.path)).toBe(join(src, 'new', 'b.js'));
  });

  it('counts ancestors, descendants and the same inode under another name', async () => {
    const leases = createWriteLeases();
    const held = join(src, 'a.js');
    expect('reservation' in (await write(leases, held, 'builder#1'))).toBe(true);
    for (const path of [held, src, join(held, 'x')]) {
      const result = await leases.reserve([path], 'builder#2', call);
      expect('conflict' in result ? result.conflict : undefined, path).toMatchObject({
        path: held,
        holder: 'builder#1',
        refused: 'builder#2',
      });
    }
    // The same file moved to another name by its holder's tool keeps its inode.
    await rename(held, join(src, 'renamed.js'));
    expect('conflict' in (await leases.reserve([join(src, 'renamed.js')], 'builder#2', call))).toBe(true);
    // A sibling is free.
    expect('reservation' in (await leases.reserve([join(src, 'b.js')], 'builder#2', call))).toBe(true);
    expect(leases.conflicts()).toHaveLength(4);
  });

  it('takes no lease for a write that failed: a later writer gets the path', async () => {
    const leases = createWriteLeases();
    const path = join(src, 'a.js');
    const first = await leases.reserve([path], 'builder#1', call);
    if (!('reservation' in first)) throw new Error('expected a reservation');
    first.reservation.release();
    expect(leases.holderOf(path)).toBeUndefined();
    expect('reservation' in (await write(leases, path, 'builder#2'))).toBe(true);
    expect(leases.holderOf(path)).toBe('builder#2');
    expect(leases.conflicts()).toEqual([]);
  });

  it('makes a concurrent writer wait for a pending write: refused when it succeeded, let in when it failed', async () => {
    const leases = createWriteLeases();
    const path = join(src, 'a.js');
    const first = await leases.reserve([path], 'builder#1', call);
    if (!('reservation' in first)) throw new Error('expected a reservation');
    const waiting = leases.reserve([path], 'builder#2', call);
    const state = await Promise.race([
      waiting.then(() => 'settled'),
      new Promise((r) => setTimeout(r, 20, 'waiting')),
    ]);
    expect(state).toBe('waiting');
    await first.reservation.commit();
    expect(await waiting).toMatchObject({ conflict: { holder: 'builder#1', refused: 'builder#2' } });

    const other = join(src, 'b.js');
    const failing = await leases.reserve([other], 'builder#1', call);
    if (!('reservation' in failing)) throw new Error('expected a reservation');
    const next = leases.reserve([other], 'builder#2', call);
    failing.reservation.release();
    expect('reservation' in (await next)).toBe(true);
  });

  it('reports a detected change to a held path, and leases a free one to the command agent', async () => {
    const leases = createWriteLeases();
    const held = join(src, 'a.js');
    await write(leases, held, 'builder#1');
    const window = leases.openWindow('reviewer#1');
    const shell = { server: 'shell', tool: 'run_command' };
    const seen = await leases.closeWindow(window, [{ path: held }, { path: join(src, 'c.js') }], shell);
    expect(seen.attributed).toEqual([held, join(src, 'c.js')]);
    expect(seen.conflicts).toEqual([
      expect.objectContaining({ path: held, holder: 'builder#1', refused: 'reviewer#1', detected: true }),
    ]);
    expect(leases.holderOf(join(src, 'c.js'))).toBe('reviewer#1');
  });

  it('leaves out a change another agent made by a declared write during the window, and names who also ran', async () => {
    const leases = createWriteLeases();
    const path = join(src, 'a.js');
    const window = leases.openWindow('reviewer#1');
    const other = leases.openWindow('tester#1');
    await write(leases, path, 'builder#1');
    const shell = { server: 'shell', tool: 'run_command' };
    expect(await leases.closeWindow(window, [{ path }], shell)).toEqual({ attributed: [], conflicts: [] });
    const later = leases.openWindow('reviewer#1');
    const seen = await leases.closeWindow(later, [{ path }], shell);
    expect(seen.conflicts).toEqual([expect.objectContaining({ path, detected: true })]);
    expect(seen.conflicts[0]?.alsoRunning).toEqual(['tester#1']);
    await leases.closeWindow(other, [], shell);
  });
});
