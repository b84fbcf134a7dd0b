import type { Database } from 'better-sqlite3';
import BetterSqlite3 from 'better-sqlite3';
import type { LeaseOwner } from '../queue/types.js';
import { isProcessAlive } from './process-alive.js';

/** Who holds the worker role of a project. */
export interface WorkerLockHolder {
  ownerId: string;
  pid: number;
  /** `daemon` (meshwork daemon) or `serve` (a `meshwork serve` running tasks in-process). */
  role: string;
  startedAt: number;
  alive: boolean;
}

/**
 * The worker role lives in the queue database so that taking it is one atomic transaction: a pid
 * file alone cannot be replaced safely when two processes find it stale at once. The pid file is
 * still written, for people and init systems.
 */
export interface WorkerLock {
  /** Takes the role for `owner` unless a live process holds it; returns the holder either way. */
  acquire(owner: LeaseOwner, role: string): { acquired: boolean; holder: WorkerLockHolder };
  release(owner: LeaseOwner): void;
  holder(): WorkerLockHolder | undefined;
  close(): void;
}

interface LockRow {
  owner_id: string;
  pid: number;
  role: string;
  started_at: number;
}

/** Opens the worker lock on the queue database at `path` (the queue must have been opened once). */
export function openWorkerLock(path: string, isAlive: (pid: number) => boolean = isProcessAlive): WorkerLock {
  const database: Database = new BetterSqlite3(path, { timeout: 5000 });
  const read = database.prepare('SELECT * FROM worker_lock WHERE id = 1');
  const toHolder = (row: LockRow): WorkerLockHolder => ({
    ownerId: row.owner_id,
    pid: row.pid,
    role: row.role,
    startedAt: row.started_at,
    alive: isAlive(row.pid),
  });
  return {
    acquire(owner, role) {
      return database
        .transaction(() => {
          const row = read.get() as LockRow | undefined;
          if (row && row.owner_id !== owner.id && isAlive(row.pid)) {
            return { acquired: false, holder: toHolder(row) };
          }
          database
            .prepare(
              `INSERT INTO worker_lock (id, owner_id, pid, role, started_at) VALUES (1, ?, ?, ?, ?)
               ON CONFLICT (id) DO UPDATE SET owner_id = excluded.owner_id, pid = excluded.pid,
                 role = excluded.role, started_at = excluded.started_at`,
            )
            .run(owner.id, owner.pid, role, Date.now());
          return { acquired: true, holder: toHolder(read.get() as LockRow) };
        })
        .immediate();
    },
    release(owner) {
      database.prepare('DELETE FROM worker_lock WHERE id = 1 AND owner_id = ?').run(owner.id);
    },
    holder() {
      const row = read.get() as LockRow | undefined;
      return row ? toHolder(row) : undefined;
    },
    close() {
      if (database.open) database.close();
    },
  };
}
