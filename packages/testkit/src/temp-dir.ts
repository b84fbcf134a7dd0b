import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary directory that removes itself. */
export interface TempDir {
  /** Real (symlink-resolved) absolute path. */
  path: string;
  /** Removes the directory and everything in it. */
  remove(): Promise<void>;
}

/** Makes a fresh temp directory; its path is already resolved through symlinks (macOS /var → /private/var). */
export async function createTempDir(prefix = 'meshwork-test-'): Promise<TempDir> {
  const path = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  return {
    path,
    async remove() {
      await rm(path, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}
