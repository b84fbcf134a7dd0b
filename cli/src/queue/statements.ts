import type { Database, Statement } from 'better-sqlite3';

/**
 * Every SQL statement of the queue, prepared once per connection. Claims, leases and results are
 * guarded in the WHERE clauses (status, owner, `result IS NULL`), so a stale worker's write is a
 * no-op rather than a second result.
 */
export function prepareStatements(database: Database): Record<QueueStatementName, Statement> {
  return {
    insertTask: database.prepare(
      `INSERT INTO tasks (id, kind, payload, status, attempts, max_attempts, schedule_id, run_after, created_at)
       VALUES (@id, @kind, @payload, 'queued', 0, @maxAttempts, @scheduleId, @runAfter, @createdAt)`,
    ),
    insertEvent: database.prepare(
      'INSERT INTO task_events (task_id, at, type, message, data) VALUES (?, ?, ?, ?, ?)',
    ),
    getTask: database.prepare('SELECT * FROM tasks WHERE id = ?'),
    findByPrefix: database.prepare("SELECT * FROM tasks WHERE id LIKE ? || '%' ESCAPE '\\' LIMIT 2"),
    events: database.prepare('SELECT * FROM task_events WHERE task_id = ? AND id > ? ORDER BY id'),
    counts: database.prepare('SELECT status, count(*) AS n FROM tasks GROUP BY status'),
    claim: database.prepare(
      `UPDATE tasks SET status = 'running', reason = NULL, attempts = attempts + 1, owner_pid = @pid,
         owner_id = @ownerId, heartbeat_at = @now, started_at = @now
       WHERE id = (
         SELECT id FROM tasks
         WHERE status IN ('queued', 'interrupted') AND run_after <= @now AND kind IN (SELECT value FROM json_each(@kinds))
         ORDER BY status = 'interrupted' DESC, run_after, rowid LIMIT 1)
       RETURNING *`,
    ),
    heartbeat: database.prepare(
      `UPDATE tasks SET heartbeat_at = ? WHERE id = ? AND owner_id = ? AND status = 'running'
       RETURNING cancel_requested`,
    ),
    recordUsage: database.prepare(
      `UPDATE tasks SET input_tokens = @inputTokens, output_tokens = @outputTokens, cost_usd = @costUsd
       WHERE id = @id AND owner_id = @ownerId AND status = 'running'`,
    ),
    finish: database.prepare(
      `UPDATE tasks SET status = @status, result = @result, finished_at = @now, heartbeat_at = NULL,
         input_tokens = max(input_tokens, @inputTokens), output_tokens = max(output_tokens, @outputTokens),
         cost_usd = max(cost_usd, @costUsd)
       WHERE id = @id AND owner_id = @ownerId AND status = 'running' AND result IS NULL`,
    ),
    release: database.prepare(
      `UPDATE tasks SET status = 'queued', reason = @reason, attempts = max(attempts - 1, 0), owner_pid = NULL,
         owner_id = NULL, heartbeat_at = NULL, run_after = coalesce(@runAfter, run_after)
       WHERE id = @id AND owner_id = @ownerId AND status = 'running'`,
    ),
    retryConfigHolds: database.prepare(
      "UPDATE tasks SET run_after = min(run_after, ?) WHERE status = 'queued' AND substr(reason, 1, ?) = ?",
    ),
    running: database.prepare("SELECT * FROM tasks WHERE status = 'running'"),
    interrupt: database.prepare(
      `UPDATE tasks SET status = 'interrupted', reason = @reason, owner_pid = NULL, owner_id = NULL, heartbeat_at = NULL
       WHERE id = @id AND status = 'running' AND owner_id IS @ownerId`,
    ),
    failInterrupted: database.prepare(
      `UPDATE tasks SET status = 'failed', reason = @reason, result = @result, finished_at = @now,
         owner_pid = NULL, owner_id = NULL, heartbeat_at = NULL
       WHERE id = @id AND status = 'running' AND owner_id IS @ownerId AND result IS NULL`,
    ),
    cancelWaiting: database.prepare(
      `UPDATE tasks SET status = 'cancelled', reason = @reason, result = @result, finished_at = @now
       WHERE id = @id AND status IN ('queued', 'interrupted', 'waiting_budget') AND result IS NULL`,
    ),
    requestCancel: database.prepare(
      "UPDATE tasks SET cancel_requested = 1 WHERE id = ? AND status = 'running'",
    ),
    holdForBudget: database.prepare(
      `UPDATE tasks SET status = 'waiting_budget', reason = ? WHERE status IN ('queued', 'interrupted') AND run_after <= ?`,
    ),
    releaseBudgetHolds: database.prepare(
      "UPDATE tasks SET status = 'queued', reason = NULL WHERE status = 'waiting_budget'",
    ),
    usageSince: database.prepare(
      `SELECT coalesce(sum(input_tokens), 0) AS inputTokens, coalesce(sum(output_tokens), 0) AS outputTokens,
         coalesce(sum(cost_usd), 0) AS costUsd
       FROM tasks WHERE finished_at >= ? OR status = 'running'`,
    ),
    nextTaskDue: database.prepare(
      "SELECT min(run_after) AS at FROM tasks WHERE status IN ('queued', 'interrupted') AND run_after > ?",
    ),
    nextScheduleDue: database.prepare('SELECT min(next_run_at) AS at FROM schedules WHERE enabled = 1'),
    lastActivity: database.prepare(
      "SELECT max(max(created_at, coalesce(started_at, 0), coalesce(finished_at, 0))) AS at FROM tasks WHERE kind = 'task'",
    ),
    insertSchedule: database.prepare(
      `INSERT INTO schedules (id, cron, kind, payload, next_run_at, enabled, created_at)
       VALUES (@id, @cron, @kind, @payload, @nextRunAt, 1, @createdAt)`,
    ),
    getSchedule: database.prepare('SELECT * FROM schedules WHERE id = ?'),
    listSchedules: database.prepare('SELECT * FROM schedules ORDER BY created_at'),
    disableSchedule: database.prepare('UPDATE schedules SET enabled = 0 WHERE id = ? AND enabled = 1'),
    dueSchedules: database.prepare('SELECT * FROM schedules WHERE enabled = 1 AND next_run_at <= ?'),
    advanceSchedule: database.prepare('UPDATE schedules SET next_run_at = ?, last_task_id = ? WHERE id = ?'),
  };
}

/** Names of the prepared queue statements. */
export type QueueStatementName =
  | 'insertTask'
  | 'insertEvent'
  | 'getTask'
  | 'findByPrefix'
  | 'events'
  | 'counts'
  | 'claim'
  | 'heartbeat'
  | 'recordUsage'
  | 'finish'
  | 'release'
  | 'retryConfigHolds'
  | 'running'
  | 'interrupt'
  | 'failInterrupted'
  | 'cancelWaiting'
  | 'requestCancel'
  | 'holdForBudget'
  | 'releaseBudgetHolds'
  | 'usageSince'
  | 'nextTaskDue'
  | 'nextScheduleDue'
  | 'lastActivity'
  | 'insertSchedule'
  | 'getSchedule'
  | 'listSchedules'
  | 'disableSchedule'
  | 'dueSchedules'
  | 'advanceSchedule';
