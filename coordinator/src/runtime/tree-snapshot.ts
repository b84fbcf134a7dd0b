import { type Dirent, lstatSync, readdirSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { join } from 'node:path';

/** Directories a snapshot does not enter: tool state, dependencies, the coordinator's own records. */
export const SNAPSHOT_SKIPPED_DIRECTORIES: readonly string[] = ['.git', 'node_modules', '.meshwork'];

/** Entries a snapshot looks at, at most, over all its roots. */
export const SNAPSHOT_MAX_ENTRIES = 20_000;

/** What a snapshot knows of one entry: enough to tell that it changed, without reading it. */
interface EntryState {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  /** Set by the kernel on every change, and not settable by the user, so `touch -d` does not hide a write. */
  ctimeNs: bigint;
  kind: 'file' | 'directory' | 'symlink' | 'other';
}

/** Every entry under some roots (path → state), and whether the cap cut it short. */
export interface TreeSnapshot {
  entries: Map<string, EntryState>;
  /** True when more than the cap were there: what lies past it is not compared. */
  truncated: boolean;
}

/** Options of {@link snapshotTree}. */
export interface SnapshotOptions {
  maxEntries?: number;
  skip?: readonly string[];
}

function kindOf(entry: Dirent): EntryState['kind'] {
  if (entry.isSymbolicLink()) return 'symlink';
  if (entry.isDirectory()) return 'directory';
  if (entry.isFile()) return 'file';
  return 'other';
}

/** Entries looked at between two yields to the event loop. */
const ENTRIES_PER_SLICE = 512;

/**
 * Walks `roots` (through their real paths, so entries use the lease spelling), breadth first,
 * without following symlinks, recording each entry's inode, size and times. Bounded: at most
 * `maxEntries` entries; skipped directories are not entered (they are recorded as entries).
 * Synchronous calls in slices: far less CPU than one promise per entry, and the event loop (other
 * agents' turns) still gets a turn every slice.
 */
export async function snapshotTree(
  roots: readonly string[],
  options: SnapshotOptions = {},
): Promise<TreeSnapshot> {
  const max = options.maxEntries ?? SNAPSHOT_MAX_ENTRIES;
  const skip = new Set(options.skip ?? SNAPSHOT_SKIPPED_DIRECTORIES);
  const entries = new Map<string, EntryState>();
  const queue: string[] = [];
  for (const root of roots) {
    let real: string;
    try {
      real = await realpath(root);
    } catch {
      // A root that does not exist has nothing to change.
      continue;
    }
    const stats = lstatSync(real, { bigint: true, throwIfNoEntry: false });
    if (stats?.isDirectory()) queue.push(real);
    else if (stats) {
      // A single writable file (a sandbox that opens only NOTES.md) is watched as itself.
      const kind = stats.isFile() ? 'file' : stats.isSymbolicLink() ? 'symlink' : 'other';
      entries.set(real, {
        ino: stats.ino,
        size: stats.size,
        mtimeNs: stats.mtimeNs,
        ctimeNs: stats.ctimeNs,
        kind,
      });
    }
  }
  let truncated = false;
  let sinceYield = 0;
  while (queue.length > 0 && !truncated) {
    const directory = queue.shift() as string;
    let listed: Dirent[];
    try {
      listed = readdirSync(directory, { withFileTypes: true });
    } catch {
      continue;
    }
    if (entries.size + listed.length > max) {
      truncated = true;
      listed = listed.slice(0, Math.max(0, max - entries.size));
    }
    for (const entry of listed) {
      const path = join(directory, entry.name);
      const stats = lstatSync(path, { bigint: true, throwIfNoEntry: false });
      if (!stats) continue;
      const kind = kindOf(entry);
      entries.set(path, {
        ino: stats.ino,
        size: stats.size,
        mtimeNs: stats.mtimeNs,
        ctimeNs: stats.ctimeNs,
        kind,
      });
      if (kind === 'directory' && !skip.has(entry.name)) queue.push(path);
    }
    sinceYield += listed.length;
    if (sinceYield >= ENTRIES_PER_SLICE) {
      sinceYield = 0;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }
  return { entries, truncated };
}

/**
 * Paths created, removed or changed between two snapshots. A directory is reported only when it
 * appeared or went away (its own times change whenever an entry in it does, which is reported
 * for the entry). Past a truncated snapshot's cap, nothing is compared.
 */
export function changedPaths(before: TreeSnapshot, after: TreeSnapshot): string[] {
  const changed: string[] = [];
  for (const [path, state] of after.entries) {
    const previous = before.entries.get(path);
    if (!previous) {
      // Past a truncated snapshot's cap, a path may only look new.
      if (!before.truncated) changed.push(path);
      continue;
    }
    if (state.kind === 'directory' && previous.kind === 'directory') continue;
    if (
      previous.kind !== state.kind ||
      previous.ino !== state.ino ||
      previous.size !== state.size ||
      previous.mtimeNs !== state.mtimeNs ||
      previous.ctimeNs !== state.ctimeNs
    )
      changed.push(path);
  }
  for (const path of before.entries.keys()) {
    if (!after.entries.has(path) && !after.truncated) changed.push(path);
  }
  return changed.sort();
}
