import type { Database } from 'better-sqlite3';

/** Bumped whenever the schema below changes shape. */
export const QUEUE_SCHEMA_VERSION = 1;

const SCHEMA_V1 = `
CREATE TABLE IF NOT EXISTS tasks (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('task', 'dream')),
  payload TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN
    ('queued', 'running', 'interrupted', 'waiting_budget', 'succeeded', 'failed', 'cancelled')),
  reason TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  max_attempts INTEGER NOT NULL,
  schedule_id TEXT,
  run_after INTEGER NOT NULL,
  owner_pid INTEGER,
  owner_id TEXT,
  heartbeat_at INTEGER,
  cancel_requested INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  result TEXT,
  input_tokens INTEGER NOT NULL DEFAULT 0,
  output_tokens INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS tasks_by_status ON tasks (status, run_after);
CREATE INDEX IF NOT EXISTS tasks_by_finished ON tasks (finished_at);

-- The result is written once, in the transaction that moves the task to a final state.
CREATE TRIGGER IF NOT EXISTS tasks_result_once BEFORE UPDATE OF result ON tasks
  WHEN OLD.result IS NOT NULL
  BEGIN SELECT RAISE(ABORT, 'task result already recorded'); END;

CREATE TABLE IF NOT EXISTS task_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  task_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  message TEXT NOT NULL,
  data TEXT
);
CREATE INDEX IF NOT EXISTS task_events_by_task ON task_events (task_id, id);

CREATE TABLE IF NOT EXISTS schedules (
  id TEXT PRIMARY KEY,
  cron TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('task', 'dream')),
  payload TEXT NOT NULL,
  next_run_at INTEGER NOT NULL,
  enabled INTEGER NOT NULL DEFAULT 1,
  created_at INTEGER NOT NULL,
  last_task_id TEXT
);

-- At most one process holds the worker role (runs tasks) per project; row id is always 1.
CREATE TABLE IF NOT EXISTS worker_lock (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  owner_id TEXT NOT NULL,
  pid INTEGER NOT NULL,
  role TEXT NOT NULL,
  started_at INTEGER NOT NULL
);
`;

/** Creates or upgrades the queue schema; safe to call from several processes at once. */
export function migrateQueue(database: Database): void {
  const version = database.pragma('user_version', { simple: true }) as number;
  if (version > QUEUE_SCHEMA_VERSION) {
    throw new Error(`queue schema version ${version} is newer than this meshwork (${QUEUE_SCHEMA_VERSION})`);
  }
  if (version === QUEUE_SCHEMA_VERSION) return;
  database
    .transaction(() => {
      database.exec(SCHEMA_V1);
      database.pragma(`user_version = ${QUEUE_SCHEMA_VERSION}`);
    })
    .immediate();
}
