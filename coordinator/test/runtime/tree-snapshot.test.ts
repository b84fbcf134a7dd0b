import { mkdir, rename, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { changedPaths, snapshotTree } from '../../src/runtime/tree-snapshot.js';

describe('tree snapshots', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-snapshot-');
    await mkdir(join(dir.path, 'src'));
    await mkdir(join(dir.path, 'node_modules', 'x'), { recursive: true });
    await writeFile(join(dir.path, 'src', 'a.js'), 'a\n');
    await writeFile(join(dir.path, 'src', 'b.js'), 'b\n');
    await writeFile(join(dir.path, 'node_modules', 'x', 'index.js'), 'x\n');
  });
  afterEach(() => dir.remove());

  it('watches a single file given as a root (a sandbox that opens one file) as itself', async () => {
    const a = join(dir.path, 'src', 'a.js');
    const before = await snapshotTree([a]);
    await writeFile(join(dir.path, 'src', 'b.js'), 'not watched\n');
    expect(changedPaths(before, await snapshotTree([a]))).toEqual([]);
    await writeFile(a, 'rewritten, longer\n');
    expect(changedPaths(before, await snapshotTree([a]))).toEqual([a]);
  });

  it('sees files created, removed, rewritten (even with the old size and mtime) and moved', async () => {
    const before = await snapshotTree([dir.path]);
    const a = join(dir.path, 'src', 'a.js');
    const { mtime } = await stat(a);
    await writeFile(a, 'z\n');
    await utimes(a, mtime, mtime);
    await rm(join(dir.path, 'src', 'b.js'));
    await writeFile(join(dir.path, 'src', 'c.js'), 'c\n');
    await writeFile(join(dir.path, 'node_modules', 'x', 'index.js'), 'changed\n');
    const after = await snapshotTree([dir.path]);
    expect(changedPaths(before, after)).toEqual(
      ['a.js', 'b.js', 'c.js'].map((name) => join(dir.path, 'src', name)),
    );

    await rename(join(dir.path, 'src'), join(dir.path, 'moved'));
    const moved = await snapshotTree([dir.path]);
    expect(changedPaths(after, moved)).toContain(join(dir.path, 'moved', 'a.js'));
    expect(changedPaths(after, moved)).toContain(join(dir.path, 'src', 'a.js'));
  });

  it('stops at the cap and says so; nothing past it is reported', async () => {
    const before = await snapshotTree([dir.path], { maxEntries: 2 });
    expect(before.truncated).toBe(true);
    expect(before.entries.size).toBeLessThanOrEqual(2);
    const full = await snapshotTree([dir.path]);
    expect(full.truncated).toBe(false);
    // The untruncated side's extra entries are not reported as created.
    expect(changedPaths(before, full)).toEqual([]);
  });
});
