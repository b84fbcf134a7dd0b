/**
 * Serializes async work per key (a real path), so two write or edit calls on the same file in
 * this process run one after the other. Entries are removed when idle, so it does not grow.
 */
export interface KeyedLock {
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/** Makes an empty {@link KeyedLock}. */
export function createKeyedLock(): KeyedLock {
  const tails = new Map<string, Promise<unknown>>();
  return {
    async run(key, work) {
      const previous = tails.get(key) ?? Promise.resolve();
      const current = previous.then(work, work);
      const settled = current.catch(() => {});
      tails.set(key, settled);
      try {
        return await current;
      } finally {
        if (tails.get(key) === settled) tails.delete(key);
      }
    },
  };
}
