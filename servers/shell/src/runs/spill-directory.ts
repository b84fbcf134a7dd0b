import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where full outputs go. The directory is made on first use and removed by {@link SpillDirectory.remove}. */
export interface SpillDirectory {
  /** A fresh file path for one output stream, e.g. `<dir>/3-stdout.log`. */
  nextPath(label: string): string;
  remove(): void;
}

/** Creates a lazily made spill directory under `parent` (default: the OS temp directory). */
export function createSpillDirectory(parent?: string): SpillDirectory {
  let directory: string | undefined;
  let counter = 0;
  return {
    nextPath(label) {
      if (!directory) {
        const base = parent ?? tmpdir();
        mkdirSync(base, { recursive: true });
        directory = mkdtempSync(join(base, 'meshwork-shell-'));
      }
      counter += 1;
      return join(directory, `${counter}-${label}.log`);
    },
    remove() {
      if (directory) rmSync(directory, { recursive: true, force: true });
      directory = undefined;
    },
  };
}
