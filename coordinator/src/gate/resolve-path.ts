import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, parse, sep } from 'node:path';

/**
 * The file a path names, as the kernel would reach it: every directory on the way through
 * realpath (so `./`, `//`, a trailing slash, `..` after a symlink and a symlinked alias of a
 * directory all land on one spelling), the last component itself not followed (a write to a
 * symlink is a write to the link's own entry, and a lease on it must not jump elsewhere). A part of
 * the path that does not exist yet is kept as written, under the real path of its deepest existing
 * ancestor. Relative paths resolve against `base`.
 *
 * This is the one resolution that leases (and the gate's rule checks) apply to.
 */
export async function resolveRealPath(path: string, base: string): Promise<string> {
  const absolute = isAbsolute(path) ? path : join(base, path);
  const { root } = parse(absolute);
  const parts = absolute
    .slice(root.length)
    .split(/[\\/]+/)
    .filter((part) => part !== '' && part !== '.');
  const last = parts.length > 0 && parts[parts.length - 1] !== '..' ? parts.pop() : undefined;
  let current = root;
  let exists = true;
  for (const part of parts) {
    if (part === '..') {
      current = dirname(current);
      continue;
    }
    const next = join(current, part);
    if (exists) {
      try {
        current = await realpath(next);
        continue;
      } catch {
        exists = false;
      }
    }
    current = next;
  }
  return last === undefined ? current : join(current, last);
}

/** True when `path` is `ancestor` or lies beneath it (both resolved, absolute). */
export function isSameOrBeneath(path: string, ancestor: string): boolean {
  if (path === ancestor) return true;
  const prefix = ancestor.endsWith(sep) ? ancestor : `${ancestor}${sep}`;
  return path.startsWith(prefix);
}

/**
 * The identity of the entry itself (not followed): `dev:ino:birth time`, or undefined when there is
 * none. The birth time tells a reused inode number (a file deleted, another created) from the same file.
 */
export async function identityOf(path: string): Promise<string | undefined> {
  try {
    const stats = await lstat(path, { bigint: true });
    return `${stats.dev}:${stats.ino}:${stats.birthtimeNs}`;
  } catch {
    return undefined;
  }
}
