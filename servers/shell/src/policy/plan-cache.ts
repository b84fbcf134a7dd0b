/** A small least-recently-used map from (cwd, line) to a frozen value. */
export interface PlanCache<Value> {
  /** The cached value for `line` run in `cwd`, refreshed as most recently used; undefined on a miss. */
  get(line: string, cwd: string): Value | undefined;
  /** Stores `value` (deep-frozen, so no caller can change what later callers see) and returns it. */
  set(line: string, cwd: string, value: Value): Value;
}

/**
 * Creates a cache of at most `limit` entries. Agents repeat the same few lines (`npm test`,
 * `git status`), and parsing a line with the GopherJS bash parser costs far more than a lookup.
 * Only pure results may be stored: the value must depend on nothing but the line, the cwd and the
 * immutable policy that owns the cache.
 */
export function createPlanCache<Value>(limit: number): PlanCache<Value> {
  const entries = new Map<string, Value>();
  // The cwd length prefix keeps the key unambiguous whatever the line or the cwd contain.
  const keyOf = (line: string, cwd: string) => `${cwd.length}:${cwd}:${line}`;
  return {
    get(line, cwd) {
      const key = keyOf(line, cwd);
      const value = entries.get(key);
      if (value === undefined) return undefined;
      entries.delete(key);
      entries.set(key, value);
      return value;
    },
    set(line, cwd, value) {
      if (limit <= 0) return value;
      const key = keyOf(line, cwd);
      entries.delete(key);
      entries.set(key, deepFreeze(value));
      if (entries.size > limit) entries.delete(entries.keys().next().value as string);
      return value;
    },
  };
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
