import { lstat } from 'node:fs/promises';
import { sep } from 'node:path';

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
