/** A write refused because another agent holds the path. */
export interface LeaseConflict {
  path: string;
  /** The agent instance that holds the lease. */
  holder: string;
  /** The agent instance whose write was refused. */
  refused: string;
  server: string;
  tool: string;
  at: string;
}

/** Run-wide write leases: the first agent to write a path holds it until the run ends. */
export interface WriteLeases {
  /**
   * Takes (or re-confirms) the leases of `paths` for `holder`. All or nothing: when any path is held
   * by someone else nothing is taken and the conflict is recorded and returned.
   */
  acquire(
    paths: readonly string[],
    holder: string,
    call: { server: string; tool: string },
  ): LeaseConflict | undefined;
  holderOf(path: string): string | undefined;
  conflicts(): LeaseConflict[];
  /** path → holder. */
  entries(): Array<[string, string]>;
}

/** Creates an empty lease table. */
export function createWriteLeases(): WriteLeases {
  const holders = new Map<string, string>();
  const conflicts: LeaseConflict[] = [];
  return {
    acquire(paths, holder, call) {
      for (const path of paths) {
        const current = holders.get(path);
        if (current !== undefined && current !== holder) {
          const conflict: LeaseConflict = {
            path,
            holder: current,
            refused: holder,
            ...call,
            at: new Date().toISOString(),
          };
          conflicts.push(conflict);
          return conflict;
        }
      }
      for (const path of paths) holders.set(path, holder);
      return undefined;
    },
    holderOf: (path) => holders.get(path),
    conflicts: () => [...conflicts],
    entries: () => [...holders.entries()],
  };
}
