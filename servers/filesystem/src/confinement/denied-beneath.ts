import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { relativeTo } from './lexical.js';
import type { PathConfinement } from './path-confinement.js';
import type { Root } from './roots.js';

/** Most entries looked at below a directory that is about to move; past it the move is refused. */
export const MAX_MOVE_ENTRIES = 100_000;

/** Where a moved entry lands: its destination root and real path. */
export interface MoveTarget {
  real: string;
  root: Root;
}

/**
 * Why moving the directory `sourceReal` to `target` would undo a deny, or undefined when it would
 * not: an entry beneath it is denied where it is (moving it away would let it be read under its
 * new name), or would be denied where it lands. Symlinks are not followed. Fails closed when the
 * tree holds more than {@link MAX_MOVE_ENTRIES} entries or cannot be read.
 */
export async function deniedBeneath(
  confinement: PathConfinement,
  source: MoveTarget,
  target: MoveTarget,
): Promise<string | undefined> {
  if (confinement.deny.patterns.length === 0) return undefined;
  const pending = [''];
  let seen = 0;
  while (pending.length > 0) {
    const relative = pending.pop() as string;
    const directory = relative === '' ? source.real : path.join(source.real, relative);
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return 'a directory beneath it could not be read to check what it holds';
    }
    for (const entry of entries) {
      seen += 1;
      if (seen > MAX_MOVE_ENTRIES) return `it holds more than ${MAX_MOVE_ENTRIES} entries to check`;
      const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const from = path.join(source.real, child);
      const to = path.join(target.real, child);
      // The reasons never name the entry: a denied path's presence must not leak either.
      if (confinement.deny.isDenied(relativeTo(from, source.root.path), from))
        return 'something beneath it is denied';
      if (confinement.deny.isDenied(relativeTo(to, target.root.path), to))
        return 'something beneath it would be denied where it lands';
      if (entry.isDirectory()) pending.push(child);
    }
  }
  return undefined;
}
