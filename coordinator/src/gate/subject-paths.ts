import { type Dirent, lstatSync, readdirSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';

/** Most paths listed beneath the directories a call writes; past it the call is refused. */
export const MAX_AFFECTED_PATHS = 20_000;

function realOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/**
 * The real file a path subject names, as the kernel would reach it: every directory on the way
 * through realpath (`..` applied after the symlink before it, as the kernel does), the last
 * component itself not followed. Relative paths start at `base`. `./`, `//` and a trailing `/` name
 * the same file. The part that does not exist yet is appended as written. Rules and write leases
 * apply to this one resolution.
 */
export function realPathOf(path: string, base: string): string {
  const start = isAbsolute(path) ? '/' : (realOrUndefined(base) ?? resolve(base));
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  let cursor = start;
  let exists = true;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment === '..') {
      cursor = dirname(cursor);
      continue;
    }
    cursor = join(cursor, segment);
    if (!last && exists) {
      const real = realOrUndefined(cursor);
      if (real === undefined) exists = false;
      else cursor = real;
    }
  }
  return cursor;
}

/** Where a symlink at the real path `real` leads (fully resolved), or undefined when it is no link. */
export function linkTargetOf(real: string): string | undefined {
  try {
    if (!lstatSync(real).isSymbolicLink()) return undefined;
  } catch {
    return undefined;
  }
  // A dangling link is checked where it points, so a later file there is covered too.
  return realOrUndefined(real) ?? resolve(dirname(real), readlinkSync(real));
}

/** The paths beneath a real directory, relative to it (symlinks not followed); undefined past `limit`. */
export function pathsBeneath(directory: string, limit = MAX_AFFECTED_PATHS): string[] | undefined {
  try {
    if (!lstatSync(directory).isDirectory()) return [];
  } catch {
    return [];
  }
  const found: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    let entries: Dirent[];
    try {
      entries = readdirSync(relative === '' ? directory : join(directory, relative), { withFileTypes: true });
    } catch {
      return undefined;
    }
    for (const entry of entries) {
      const child = relative === '' ? entry.name : `${relative}${sep}${entry.name}`;
      found.push(child);
      if (found.length > limit) return undefined;
      if (entry.isDirectory()) pending.push(child);
    }
  }
  return found;
}

/**
 * Every path a call that writes the real paths `written` affects: each of them, and for each one
 * that is a directory, everything beneath it and where it would land under each other written path
 * (a move's destination). Undefined when a tree is too large to list: the caller refuses.
 */
export function affectedPaths(written: readonly string[]): string[] | undefined {
  const result = new Set(written);
  for (const path of written) {
    const beneath = pathsBeneath(path);
    if (beneath === undefined) return undefined;
    for (const relative of beneath) {
      for (const target of written) result.add(join(target, relative));
    }
  }
  return [...result];
}
