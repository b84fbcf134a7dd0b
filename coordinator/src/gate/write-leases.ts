import { identityOf, isSameOrBeneath } from './file-identity.js';

/** A write refused because another agent holds the path, or a change to a held path seen after a command ran. */
export interface LeaseConflict {
  path: string;
  /** The agent instance that holds the lease. */
  holder: string;
  /** The agent instance whose write was refused (or, when `detected`, that made the change). */
  refused: string;
  server: string;
  tool: string;
  at: string;
  /**
   * True when the change was seen after a command ran (a shell write): it could not be refused,
   * only reported. Absent for a write the gate refused before it ran.
   */
  detected?: true;
  /** For a detected change: other agents whose commands ran at the same time (the change may be theirs). */
  alsoRunning?: string[];
}

/** The tool call a lease check is for. */
export interface LeaseCall {
  server: string;
  tool: string;
}

/** Paths reserved for one call between the check and its result. */
export interface LeaseReservation {
  readonly paths: readonly string[];
  /** The call succeeded: the paths are held by the caller until the run ends. */
  commit(): Promise<void>;
  /** The call failed: whatever this call reserved (and did not already hold) is free again. */
  release(): void;
}

/** One command's watch window, for telling apart changes made while other agents ran. */
export interface WatchWindow {
  readonly holder: string;
}

/** A file a command changed, resolved. */
export interface DetectedChange {
  path: string;
}

/** Run-wide write leases, keyed by the resolved path; the first agent to write a path holds it until the run ends. */
export interface WriteLeases {
  /**
   * Checks `paths` (resolved, absolute) for `holder` and reserves them. All or nothing: when any
   * path, an ancestor or a descendant of it, or the same file under another name is held by someone
   * else, nothing is reserved and the conflict is recorded and returned. A path another agent has
   * reserved but not yet written waits for that write's outcome, so a failed write blocks nobody
   * and two concurrent writers never both go through.
   */
  reserve(
    paths: readonly string[],
    holder: string,
    call: LeaseCall,
  ): Promise<{ conflict: LeaseConflict } | { reservation: LeaseReservation }>;
  /** Opens the watch window of a command that may write anywhere under its roots. */
  openWindow(holder: string): WatchWindow;
  /**
   * Records what a command changed: each change to a path another agent holds is a detected
   * conflict; a free path becomes the command's agent's lease. A change to a path another agent
   * wrote through a declared write during the window is theirs and is left out. Returns the
   * changes attributed to the window's agent and the conflicts found.
   */
  closeWindow(
    window: WatchWindow,
    changes: readonly DetectedChange[],
    call: LeaseCall,
  ): Promise<{ attributed: string[]; conflicts: LeaseConflict[] }>;
  holderOf(path: string): string | undefined;
  conflicts(): LeaseConflict[];
  /** path → holder, for held leases. */
  entries(): Array<[string, string]>;
}

interface Lease {
  path: string;
  holder: string;
  held: boolean;
  /** Calls of the holder that reserved this path and have not finished. */
  pending: number;
  /** identity (device, inode, birth time) after the last write, to catch the same file under another name (a hard link, case). */
  identity?: string;
  /** Sequence number of the last declared write. */
  writtenAt: number;
  /** Resolves when no call of the holder has it pending any more. */
  settled?: Promise<void>;
  settle?: () => void;
}

interface OpenWindow extends WatchWindow {
  startedAt: number;
  overlaps: Set<string>;
}

function related(path: string, other: string): boolean {
  return isSameOrBeneath(path, other) || isSameOrBeneath(other, path);
}

/** Creates an empty lease table. */
export function createWriteLeases(): WriteLeases {
  const leases = new Map<string, Lease>();
  const conflicts: LeaseConflict[] = [];
  const windows = new Set<OpenWindow>();
  let sequence = 0;

  function blocking(path: string, identity: string | undefined, holder: string): Lease | undefined {
    for (const lease of leases.values()) {
      if (lease.holder === holder) continue;
      if (related(path, lease.path) || (identity !== undefined && lease.identity === identity)) return lease;
    }
    return undefined;
  }

  /** The conflict names the held path (a write to its directory is refused because of it). */
  function conflictOf(lease: Lease, holder: string, call: LeaseCall): LeaseConflict {
    return { path: lease.path, holder: lease.holder, refused: holder, ...call, at: new Date().toISOString() };
  }

  function settleIfIdle(lease: Lease): void {
    if (lease.pending > 0) return;
    lease.settle?.();
    delete lease.settle;
    delete lease.settled;
    if (!lease.held) leases.delete(lease.path);
  }

  return {
    async reserve(paths, holder, call) {
      const identities = await Promise.all(paths.map((path) => identityOf(path)));
      for (;;) {
        let found: Lease | undefined;
        for (const [index, path] of paths.entries()) {
          found = blocking(path, identities[index], holder);
          if (found) break;
        }
        if (found?.settled && !found.held) {
          await found.settled;
          continue;
        }
        if (found) {
          const conflict = conflictOf(found, holder, call);
          conflicts.push(conflict);
          return { conflict };
        }
        break;
      }
      // No await from the check to here: the check and the reservation are one step.
      const reserved: Lease[] = paths.map((path) => {
        let lease = leases.get(path);
        if (!lease) {
          lease = { path, holder, held: false, pending: 0, writtenAt: 0 };
          leases.set(path, lease);
        }
        if (lease.pending === 0) {
          const current = lease;
          current.settled = new Promise<void>((resolve) => {
            current.settle = resolve;
          });
        }
        lease.pending += 1;
        return lease;
      });
      let done = false;
      return {
        reservation: {
          paths: [...paths],
          async commit() {
            if (done) return;
            done = true;
            sequence += 1;
            for (const lease of reserved) {
              lease.held = true;
              lease.writtenAt = sequence;
            }
            const after = await Promise.all(reserved.map((lease) => identityOf(lease.path)));
            for (const [index, lease] of reserved.entries()) {
              const identity = after[index];
              if (identity === undefined) delete lease.identity;
              else lease.identity = identity;
              lease.pending -= 1;
              settleIfIdle(lease);
            }
          },
          release() {
            if (done) return;
            done = true;
            for (const lease of reserved) {
              lease.pending -= 1;
              settleIfIdle(lease);
            }
          },
        },
      };
    },
    openWindow(holder) {
      const window: OpenWindow = { holder, startedAt: sequence, overlaps: new Set() };
      for (const other of windows) {
        if (other.holder === holder) continue;
        other.overlaps.add(holder);
        window.overlaps.add(other.holder);
      }
      windows.add(window);
      return window;
    },
    async closeWindow(window, changes, call) {
      const open = window as OpenWindow;
      windows.delete(open);
      const alsoRunning = [...open.overlaps].sort();
      const attributed: string[] = [];
      const found: LeaseConflict[] = [];
      const reported = new Set<Lease>();
      const identities = await Promise.all(changes.map((change) => identityOf(change.path)));
      for (const [index, change] of changes.entries()) {
        const lease = blocking(change.path, identities[index], open.holder);
        // Another agent's declared write in this window (or still running) made this change.
        if (lease && (lease.pending > 0 || lease.writtenAt > open.startedAt)) continue;
        attributed.push(change.path);
        if (lease) {
          // One conflict per held lease and command, however many of its paths changed (a moved directory).
          if (reported.has(lease)) continue;
          reported.add(lease);
          const conflict: LeaseConflict = {
            ...conflictOf(lease, open.holder, call),
            detected: true,
            ...(alsoRunning.length > 0 ? { alsoRunning } : {}),
          };
          conflicts.push(conflict);
          found.push(conflict);
          continue;
        }
        const own = leases.get(change.path);
        const identity = identities[index];
        if (own) {
          own.held = true;
          if (identity !== undefined) own.identity = identity;
        } else {
          leases.set(change.path, {
            path: change.path,
            holder: open.holder,
            held: true,
            pending: 0,
            // Not a declared write: another window that saw the same change reports it.
            writtenAt: 0,
            ...(identity === undefined ? {} : { identity }),
          });
        }
      }
      return { attributed, conflicts: found };
    },
    holderOf: (path) => {
      const lease = leases.get(path);
      return lease?.held ? lease.holder : undefined;
    },
    conflicts: () => [...conflicts],
    entries: () =>
      [...leases.values()].filter((lease) => lease.held).map((lease) => [lease.path, lease.holder]),
  };
}
