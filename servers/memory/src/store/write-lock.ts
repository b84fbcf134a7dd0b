import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { MemoryError } from '../errors.js';

/** A mutex shared by every process that opens the same memory directory. */
export interface WriteLock {
  /** Runs `task` while holding the lock; tasks of one process run one at a time, in order. */
  run<T>(task: () => Promise<T> | T): Promise<T>;
  /** Releases the database handle. */
  close(): void;
}

/** Options for {@link createWriteLock}. */
export interface WriteLockOptions {
  /** Give up after this long (default 30 s). */
  timeoutMs?: number;
}

/**
 * A cross-process mutex on a SQLite file: `BEGIN IMMEDIATE` takes SQLite's RESERVED lock, an fcntl
 * lock that the kernel releases when the holder dies, so a writer killed with SIGKILL never leaves
 * a stale lock behind and no PID bookkeeping is needed. Nothing is ever written to the file.
 * Waiting is asynchronous (busy timeout 0, retried with jittered backoff) so the event loop stays
 * free while another process holds the lock.
 */
export function createWriteLock(path: string, options: WriteLockOptions = {}): WriteLock {
  const timeoutMs = options.timeoutMs ?? 30_000;
  let database: Database.Database | undefined;
  let tail: Promise<unknown> = Promise.resolve();

  const open = (): Database.Database => {
    database ??= new Database(path, { timeout: 0 });
    return database;
  };

  const acquire = async (): Promise<Database.Database> => {
    const handle = open();
    const deadline = Date.now() + timeoutMs;
    let backoff = 1;
    for (;;) {
      try {
        handle.exec('BEGIN IMMEDIATE');
        return handle;
      } catch (error) {
        if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
        if (Date.now() > deadline) {
          throw new MemoryError(
            'E_LOCK_TIMEOUT',
            `Another process held the memory write lock for over ${timeoutMs} ms; try again shortly.`,
          );
        }
        await delay(backoff + Math.random() * backoff);
        backoff = Math.min(backoff * 2, 20);
      }
    }
  };

  return {
    run<T>(task: () => Promise<T> | T): Promise<T> {
      const result = tail.then(async () => {
        const handle = await acquire();
        try {
          return await task();
        } finally {
          handle.exec('ROLLBACK');
        }
      });
      tail = result.catch(() => undefined);
      return result;
    },
    close() {
      database?.close();
      database = undefined;
    },
  };
}
