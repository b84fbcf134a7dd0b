/** A counting semaphore: at most `limit` holders at a time, first come first served. */
export interface Semaphore {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/** Creates a semaphore with `limit` slots. */
export function createSemaphore(limit: number): Semaphore {
  let active = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    active -= 1;
    waiting.shift()?.();
  };
  return {
    async run(task, signal) {
      if (active >= limit) {
        await new Promise<void>((resolve, reject) => {
          const onAbort = () => {
            const index = waiting.indexOf(wake);
            if (index !== -1) waiting.splice(index, 1);
            reject(signal?.reason);
          };
          const wake = () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          };
          waiting.push(wake);
          signal?.addEventListener('abort', onAbort, { once: true });
        });
      }
      active += 1;
      try {
        return await task();
      } finally {
        release();
      }
    },
  };
}
