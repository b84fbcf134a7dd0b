import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readlinkSync,
  readSync,
  rmSync,
  type Stats,
} from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { MemoryError } from '../errors.js';
import type { MemoryPaths } from './paths.js';

/*
 * Every topic, transcript and index file is opened through here, so that nothing planted inside
 * the memory directory can make the server read, append to, write or delete a file elsewhere:
 * - the last component is opened with O_NOFOLLOW (a symlinked file fails with ELOOP);
 * - every directory between the memory root and the file is lstat'ed: none may be a symlink;
 * - after the open, on Linux, the descriptor's real path (/proc/self/fd) must lie inside the root,
 *   which closes the race of a directory swapped for a symlink between the check and the open;
 * - a file with more than one hard link is refused: a hard link to a file outside looks like an
 *   ordinary file inside, and the server never makes hard links itself;
 * - only regular files are opened (O_NONBLOCK, so a planted FIFO cannot hang the open).
 */

const NO_FOLLOW = constants.O_NOFOLLOW ?? 0;
const NON_BLOCKING = constants.O_NONBLOCK ?? 0;

function unsafe(path: string, root: string, why: string): MemoryError {
  const shown = relative(root, path) || '.';
  return new MemoryError(
    'E_UNSAFE_PATH',
    `Refused ${shown} in the memory directory: ${why}. The memory server only uses plain files and folders inside its own directory; remove the link (or copy the file in) and retry.`,
  );
}

/**
 * Throws `E_UNSAFE_PATH` unless every directory from the memory root down to `directory` is a real
 * directory (not a symlink). A missing directory passes (creating it is the caller's business).
 */
export function assertContainedDirectory(paths: MemoryPaths, directory: string): void {
  const rest = relative(paths.root, directory);
  if (rest.startsWith('..') || rest.startsWith(sep)) throw unsafe(directory, paths.root, 'it is outside');
  let current = paths.root;
  for (const part of rest === '' ? [] : rest.split(sep)) {
    current = `${current}${sep}${part}`;
    let stat: Stats;
    try {
      stat = lstatSync(current);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    if (stat.isSymbolicLink()) throw unsafe(current, paths.root, 'the folder is a symbolic link');
    if (!stat.isDirectory()) throw unsafe(current, paths.root, 'it is not a folder');
  }
}

/** Checks an open descriptor: a regular file with one link, really inside the root. */
function checkDescriptor(paths: MemoryPaths, fd: number, path: string): { stat: Stats; outside?: string } {
  const stat = fstatSync(fd);
  let real: string | undefined;
  try {
    real = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    real = undefined; // No /proc (macOS): the directory checks before the open stand alone.
  }
  if (real !== undefined && !real.startsWith(`${paths.realRoot}${sep}`)) return { stat, outside: real };
  if (!stat.isFile()) throw unsafe(path, paths.root, 'it is not a regular file');
  if (stat.nlink > 1) throw unsafe(path, paths.root, `it has ${stat.nlink} hard links`);
  return { stat };
}

function openNoFollow(paths: MemoryPaths, path: string, flags: number, mode: number): number {
  try {
    return openSync(path, flags | NO_FOLLOW | NON_BLOCKING, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP')
      throw unsafe(path, paths.root, 'the file is a symbolic link');
    throw error;
  }
}

/**
 * Opens `path` (inside the memory directory) with `flags` plus O_NOFOLLOW, after checking the
 * folders on the way; throws `E_UNSAFE_PATH` for a link, a non-regular file or a hard-linked file.
 * ENOENT and other errors pass through. With O_CREAT the file is created exclusively when it is
 * new, so that a file this call created outside (a folder swapped for a link between the check and
 * the open) is known to be its own and removed again before the refusal.
 */
export function openContained(
  paths: MemoryPaths,
  path: string,
  flags: number,
  mode = 0o644,
): { fd: number; stat: Stats } {
  assertContainedDirectory(paths, dirname(path));
  let fd: number;
  let created = false;
  if ((flags & constants.O_CREAT) !== 0 && (flags & constants.O_EXCL) === 0) {
    try {
      fd = openNoFollow(paths, path, flags | constants.O_EXCL, mode);
      created = true;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      fd = openNoFollow(paths, path, flags & ~constants.O_CREAT, mode);
    }
  } else {
    fd = openNoFollow(paths, path, flags, mode);
    created = (flags & constants.O_CREAT) !== 0;
  }
  try {
    const checked = checkDescriptor(paths, fd, path);
    if (checked.outside !== undefined) {
      if (created) rmSync(checked.outside, { force: true });
      throw unsafe(path, paths.root, 'it resolves outside the memory directory');
    }
    return { fd, stat: checked.stat };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/** Reads a whole file inside the memory directory, or undefined when it does not exist. */
export function readContainedFile(
  paths: MemoryPaths,
  path: string,
): { text: string; stat: Stats } | undefined {
  let opened: { fd: number; stat: Stats };
  try {
    opened = openContained(paths, path, constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const chunks: Buffer[] = [];
    const chunk = Buffer.allocUnsafe(Math.max(1, Math.min(opened.stat.size + 1, 1 << 20)));
    let position = 0;
    for (;;) {
      const got = readSync(opened.fd, chunk, 0, chunk.length, position);
      if (got === 0) break;
      chunks.push(Buffer.from(chunk.subarray(0, got)));
      position += got;
    }
    return { text: Buffer.concat(chunks).toString('utf8'), stat: opened.stat };
  } finally {
    closeSync(opened.fd);
  }
}

/**
 * Throws `E_UNSAFE_PATH` when `path` exists but is not a plain file (a link, a folder, a hard-linked
 * file). For files another library opens by name (the SQLite write lock), which cannot take
 * O_NOFOLLOW.
 */
export function assertPlainFileOrAbsent(paths: MemoryPaths, path: string): void {
  assertContainedDirectory(paths, dirname(path));
  let stat: Stats;
  try {
    stat = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (stat.isSymbolicLink()) throw unsafe(path, paths.root, 'the file is a symbolic link');
  if (!stat.isFile()) throw unsafe(path, paths.root, 'it is not a regular file');
  if (stat.nlink > 1) throw unsafe(path, paths.root, `it has ${stat.nlink} hard links`);
}

/**
 * The lstat of a file inside the memory directory when it is one the server may use (a regular
 * file with one link, in real folders), else undefined: what the indexers and listings see.
 */
export function statContained(paths: MemoryPaths, path: string): Stats | undefined {
  try {
    assertContainedDirectory(paths, dirname(path));
    const stat = lstatSync(path);
    return stat.isFile() && stat.nlink === 1 ? stat : undefined;
  } catch {
    return undefined;
  }
}
