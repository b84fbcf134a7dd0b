import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWriteLeases } from '../../src/gate/write-leases.js';
import { watchRootWrites } from '../../src/runtime/root-writes.js';

const shell = { server: 'shell', tool: 'run_command' };

describe('watching a command that writes under its roots', () => {
  let dir: TempDir;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-root-writes-');
    await mkdir(join(dir.path, 'src'));
    await writeFile(join(dir.path, 'src', 'a.js'), 'a\n');
  });
  afterEach(() => dir.remove());

  it("attributes what changed to the agent and reports a change to another agent's file", async () => {
    const leases = createWriteLeases();
    const held = join(dir.path, 'src', 'a.js');
    const granted = await leases.reserve([held], 'builder#1', { server: 'fs', tool: 'write_file' });
    if ('reservation' in granted) await granted.reservation.commit();
    const watch = await watchRootWrites(leases, 'reviewer#1', [dir.path]);
    // What the command does.
    await writeFile(held, 'changed\n');
    await writeFile(join(dir.path, 'NOTES.md'), 'notes\n');
    const seen = await watch.finish(shell);
    expect(seen.attributed).toEqual([join(dir.path, 'NOTES.md'), held]);
    expect(seen.conflicts).toEqual([
      expect.objectContaining({ path: held, holder: 'builder#1', refused: 'reviewer#1', detected: true }),
    ]);
    expect(seen.truncated).toBe(false);
    expect(leases.holderOf(join(dir.path, 'NOTES.md'))).toBe('reviewer#1');
  });

  it('says when the roots hold more than it watches', async () => {
    const watch = await watchRootWrites(createWriteLeases(), 'reviewer#1', [dir.path], { maxEntries: 1 });
    await writeFile(join(dir.path, 'src', 'b.js'), 'b\n');
    expect((await watch.finish(shell)).truncated).toBe(true);
  });
});
