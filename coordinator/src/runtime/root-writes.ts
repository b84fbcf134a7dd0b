import type { LeaseCall, LeaseConflict, WriteLeases } from '../gate/write-leases.js';
import { changedPaths, type SnapshotOptions, snapshotTree } from './tree-snapshot.js';

/** What a command that may write anywhere under its roots was seen to change. */
export interface RootWrites {
  /** Resolved paths attributed to the agent (created, changed or removed). */
  attributed: string[];
  /** Changes to paths another agent holds. */
  conflicts: LeaseConflict[];
  /** True when the roots held more entries than a snapshot looks at: changes past the cap are not seen. */
  truncated: boolean;
}

/** A watch over one call; `finish` after the call returned (whatever its outcome: a failed command can write). */
export interface RootWatch {
  finish(call: LeaseCall): Promise<RootWrites>;
}

/**
 * Starts watching `roots` for one call of `holder`: a snapshot before, one after, and the
 * difference checked against the run's leases. Detection, not prevention: the call has already run.
 */
export async function watchRootWrites(
  leases: WriteLeases,
  holder: string,
  roots: readonly string[],
  options: SnapshotOptions = {},
): Promise<RootWatch> {
  const window = leases.openWindow(holder);
  const before = await snapshotTree(roots, options);
  return {
    async finish(call) {
      const after = await snapshotTree(roots, options);
      const changes = changedPaths(before, after).map((path) => ({ path }));
      const { attributed, conflicts } = await leases.closeWindow(window, changes, call);
      return { attributed, conflicts, truncated: before.truncated || after.truncated };
    },
  };
}
