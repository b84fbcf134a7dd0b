import {
  createPermissionChecker,
  type Decision,
  type PermissionChecker,
  type Profile,
  type ToolCall,
} from '@meshwork/permissions';

/** A profile, optionally narrowed by an agent's own `tools` list, compiled for checking. */
export interface AccessPolicy {
  readonly profile: Profile;
  isServerVisible(server: string): boolean;
  isToolVisible(server: string, tool: string): boolean;
  /** Decides a call; `roots` are the server's absolute roots (for path subjects). */
  check(call: ToolCall, roots?: readonly string[]): Decision;
}

const SEVERITY = { allow: 0, ask: 1, deny: 2 } as const;

/**
 * Compiles `profile`. With `narrowing` (allow rules from an agent's `tools`), a call must pass both:
 * the stricter decision wins, so an agent's tool list can only narrow its profile.
 */
export function createAccessPolicy(profile: Profile, narrowing?: readonly string[]): AccessPolicy {
  const cache = new Map<string, PermissionChecker[]>();
  const checkersFor = (roots: readonly string[] = []): PermissionChecker[] => {
    const key = JSON.stringify(roots);
    let checkers = cache.get(key);
    if (!checkers) {
      checkers = [createPermissionChecker(profile, { roots })];
      if (narrowing !== undefined)
        checkers.push(createPermissionChecker({ allow: [...narrowing] }, { roots }));
      cache.set(key, checkers);
    }
    return checkers;
  };
  return {
    profile,
    isServerVisible: (server) => checkersFor().every((checker) => checker.isServerVisible(server)),
    isToolVisible: (server, tool) => checkersFor().every((checker) => checker.isToolVisible(server, tool)),
    check(call, roots) {
      const decisions = checkersFor(roots).map((checker) => checker.check(call));
      return decisions.reduce((worst, decision) =>
        SEVERITY[decision.effect] > SEVERITY[worst.effect] ? decision : worst,
      );
    },
  };
}
