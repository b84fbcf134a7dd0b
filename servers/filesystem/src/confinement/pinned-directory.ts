import { closeSync, constants, openSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';
import { explainSystemError, isSystemError } from '../errors.js';
import type { PathConfinement } from './path-confinement.js';
import { raceError } from './safe-open.js';

const DIRECTORY_FLAGS = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;

/**
 * A directory held open and verified, so that entries are created, renamed and removed inside
 * exactly that directory even if its path is swapped for a symlink afterwards.
 *
 * Node has no `openat(2)`/`renameat(2)`. On Linux, `/proc/self/fd/<fd>/<name>` is resolved
 * through the open descriptor (a "magic link"), not by re-walking the path, which gives the same
 * guarantee. Elsewhere it falls back to the real path, and the post-open checks of the callers
 * are what remains.
 */
export interface PinnedDirectory {
  /** The real path the directory had when it was pinned. */
  readonly real: string;
  /** A path naming `name` inside the pinned directory, immune to later swaps of its path. */
  entry(name: string): string;
  /** Releases the descriptor; idempotent. */
  close(): void;
}

/**
 * Opens `realDirectory` with O_DIRECTORY | O_NOFOLLOW and checks, through /proc, that the
 * descriptor is that directory (inside the roots); refuses when it is not.
 */
export function pinDirectory(
  confinement: PathConfinement,
  realDirectory: string,
  requested: string,
): PinnedDirectory {
  return pinAt(confinement, realDirectory, realDirectory, requested);
}

/**
 * Pins the directory `name` inside an already pinned `parent`, opened through the parent's
 * descriptor with O_NOFOLLOW: a symlink or a file in its place is refused.
 */
export function pinChild(
  confinement: PathConfinement,
  parent: PinnedDirectory,
  name: string,
  requested: string,
): PinnedDirectory {
  return pinAt(confinement, parent.entry(name), path.join(parent.real, name), requested);
}

function pinAt(
  confinement: PathConfinement,
  openPath: string,
  realDirectory: string,
  requested: string,
): PinnedDirectory {
  let fd: number;
  try {
    fd = openSync(openPath, DIRECTORY_FLAGS);
  } catch (error) {
    if (isSystemError(error, 'ELOOP', 'ENOTDIR')) throw raceError(requested);
    throw explainSystemError(error, requested);
  }
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  let viaProc: string | undefined;
  try {
    viaProc = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    viaProc = undefined;
  }
  if (viaProc === undefined) {
    close();
    return { real: realDirectory, entry: (name) => path.join(realDirectory, name), close: () => {} };
  }
  if (viaProc !== realDirectory || !confinement.rootOf(viaProc)) {
    close();
    throw raceError(requested);
  }
  return { real: realDirectory, entry: (name) => `/proc/self/fd/${fd}/${name}`, close };
}
