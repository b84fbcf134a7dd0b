import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { customAlphabet } from 'nanoid';
import { CliError } from '../errors.js';
import type {
  CancelOutcome,
  ListOptions,
  RecoveryReport,
  SubmitOptions,
  TaskQueue,
  TaskQueueOptions,
} from './queue-api.js';
import {
  type EventRow,
  rowToEvent,
  rowToSchedule,
  rowToTask,
  type ScheduleRow,
  type TaskRow,
} from './rows.js';
import { nextCronTime } from './schedule.js';
import { migrateQueue } from './schema.js';
import { prepareStatements } from './statements.js';
import {
  CONFIG_HOLD_PREFIX,
  type TaskRecord,
  type TaskResult,
  type TaskStatus,
  type TaskUsage,
} from './types.js';

const makeId = customAlphabet('0123456789abcdefghijkmnpqrstuvwxyz', 10);

/** Opens (and creates or migrates) the queue database in WAL mode. */
export function openTaskQueue(options: TaskQueueOptions): TaskQueue {
  mkdirSync(dirname(options.path), { recursive: true });
  let database: Database;
  try {
    database = new BetterSqlite3(options.path, { timeout: options.busyTimeoutMs ?? 5000 });
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('foreign_keys = ON');
    migrateQueue(database);
  } catch (error) {
    throw new CliError('E_QUEUE_OPEN', `Cannot open the task queue at ${options.path}.`, { cause: error });
  }
  return createQueueApi(database, options.path, options.now ?? Date.now);
}

function createQueueApi(database: Database, path: string, now: () => number): TaskQueue {
  const statements = prepareStatements(database);

  const appendEvent = (taskId: string, type: string, message: string, data?: unknown): void => {
    statements.insertEvent.run(
      taskId,
      now(),
      type,
      message,
      data === undefined ? null : JSON.stringify(data),
    );
  };
  const getTask = (id: string): TaskRecord | undefined => {
    const row = statements.getTask.get(id) as TaskRow | undefined;
    return row ? rowToTask(row) : undefined;
  };
  const insertTask = (options: SubmitOptions): TaskRecord => {
    const kind = options.kind ?? 'task';
    const id = `${kind === 'dream' ? 'd' : 't'}-${makeId()}`;
    const createdAt = now();
    statements.insertTask.run({
      id,
      kind,
      payload: JSON.stringify(options.payload),
      maxAttempts: Math.max(1, options.maxAttempts ?? 2),
      scheduleId: options.scheduleId ?? null,
      runAfter: options.runAfter ?? createdAt,
      createdAt,
    });
    const when =
      options.runAfter && options.runAfter > createdAt
        ? ` to start at ${new Date(options.runAfter).toISOString()}`
        : '';
    appendEvent(id, 'submitted', `submitted${when} from ${options.payload.source ?? 'cli'}`);
    return getTask(id)!;
  };

  const resolveTask = (idOrPrefix: string): TaskRecord => {
    const exact = getTask(idOrPrefix);
    if (exact) return exact;
    const escaped = idOrPrefix.replace(/[\\%_]/g, (character) => `\\${character}`);
    const rows = statements.findByPrefix.all(escaped) as TaskRow[];
    if (rows.length === 1) return rowToTask(rows[0]!);
    if (rows.length === 0 || idOrPrefix.length === 0) {
      throw new CliError(
        'E_TASK_NOT_FOUND',
        `No task ${JSON.stringify(idOrPrefix)}; list them with \`meshwork tasks list\`.`,
      );
    }
    throw new CliError(
      'E_AMBIGUOUS_ID',
      `${JSON.stringify(idOrPrefix)} matches several tasks; give more of the id.`,
    );
  };

  const immediate = <T>(body: () => T): T => database.transaction(body).immediate();

  return {
    path,
    submit: (options) => immediate(() => insertTask(options)),
    get: getTask,
    resolve: resolveTask,
    list(options = {}) {
      const clauses: string[] = [];
      const parameters: unknown[] = [];
      if (options.status !== undefined) {
        const statuses = Array.isArray(options.status) ? options.status : [options.status];
        clauses.push(`status IN (${statuses.map(() => '?').join(', ')})`);
        parameters.push(...statuses);
      }
      if (options.kind !== undefined) {
        clauses.push('kind = ?');
        parameters.push(options.kind);
      }
      const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
      const limit = options.limit ?? 1000;
      const rows = database
        .prepare(`SELECT * FROM tasks ${where} ORDER BY rowid DESC LIMIT ${Math.max(1, Math.floor(limit))}`)
        .all(...parameters) as TaskRow[];
      return rows.map(rowToTask);
    },
    counts() {
      const result = {
        queued: 0,
        running: 0,
        interrupted: 0,
        waiting_budget: 0,
        succeeded: 0,
        failed: 0,
        cancelled: 0,
      } satisfies Record<TaskStatus, number>;
      for (const row of statements.counts.all() as Array<{ status: TaskStatus; n: number }>)
        result[row.status] = row.n;
      return result;
    },
    events(taskId, afterEventId = 0) {
      return (statements.events.all(taskId, afterEventId) as EventRow[]).map(rowToEvent);
    },
    appendEvent,
    claim(owner, kinds = ['task', 'dream']) {
      return immediate(() => {
        const row = statements.claim.get({
          pid: owner.pid,
          ownerId: owner.id,
          now: now(),
          kinds: JSON.stringify(kinds),
        }) as TaskRow | undefined;
        if (!row) return undefined;
        appendEvent(
          row.id,
          'started',
          `attempt ${row.attempts} of ${row.max_attempts} started by pid ${owner.pid}`,
        );
        return rowToTask(row);
      });
    },
    heartbeat(owner, ids) {
      return immediate(() => {
        const lost: string[] = [];
        const cancelRequested: string[] = [];
        const at = now();
        for (const id of ids) {
          const row = statements.heartbeat.get(at, id, owner.id) as { cancel_requested: number } | undefined;
          if (!row) lost.push(id);
          else if (row.cancel_requested === 1) cancelRequested.push(id);
        }
        return { lost, cancelRequested };
      });
    },
    recordUsage(id, owner, usage) {
      statements.recordUsage.run({ id, ownerId: owner.id, ...usage });
    },
    finish(id, owner, result) {
      return immediate(() => {
        const usage = result.usage ?? { inputTokens: 0, outputTokens: 0, costUsd: 0 };
        const changes = statements.finish.run({
          id,
          ownerId: owner.id,
          status: result.status,
          result: JSON.stringify(result),
          now: now(),
          ...usage,
        }).changes;
        if (changes === 1) appendEvent(id, 'finished', `${result.status}: ${result.summary}`);
        return changes === 1;
      });
    },
    release(id, owner, reason, runAfter) {
      return immediate(() => {
        const changes = statements.release.run({
          id,
          ownerId: owner.id,
          reason,
          runAfter: runAfter ?? null,
        }).changes;
        if (changes === 1) appendEvent(id, 'released', reason);
        return changes === 1;
      });
    },
    retryConfigHolds() {
      return statements.retryConfigHolds.run(now(), CONFIG_HOLD_PREFIX.length, CONFIG_HOLD_PREFIX).changes;
    },
    recoverStale({ isOwnerAlive, leaseMs, self }) {
      return immediate(() => {
        const report: RecoveryReport = { requeued: [], failed: [] };
        const at = now();
        for (const row of statements.running.all() as TaskRow[]) {
          if (self && row.owner_id === self.id) continue;
          const dead = row.owner_pid === null || !isOwnerAlive(row.owner_pid);
          const expired = (row.heartbeat_at ?? 0) + leaseMs < at;
          if (!dead && !expired) continue;
          const why = dead
            ? `owner pid ${row.owner_pid} is gone`
            : `lease expired (no heartbeat for ${leaseMs} ms)`;
          if (row.attempts < row.max_attempts) {
            const reason = `interrupted: ${why}; retrying (attempt ${row.attempts + 1} of ${row.max_attempts})`;
            statements.interrupt.run({ id: row.id, ownerId: row.owner_id, reason });
            appendEvent(row.id, 'interrupted', reason);
            report.requeued.push(row.id);
          } else {
            const reason = `interrupted: ${why}; no attempts left (${row.attempts} of ${row.max_attempts})`;
            const result: TaskResult = {
              status: 'failed',
              summary: reason,
              error: { code: 'E_INTERRUPTED', message: `${reason}. Submit it again to retry.` },
            };
            statements.failInterrupted.run({
              id: row.id,
              ownerId: row.owner_id,
              reason,
              result: JSON.stringify(result),
              now: at,
            });
            appendEvent(row.id, 'finished', `failed: ${reason}`);
            report.failed.push(row.id);
          }
        }
        return report;
      });
    },
    requestCancel(idOrPrefix, reason = 'cancelled on request') {
      return immediate(() => {
        const task = resolveTask(idOrPrefix);
        const result: TaskResult = { status: 'cancelled', summary: reason };
        if (
          statements.cancelWaiting.run({ id: task.id, reason, result: JSON.stringify(result), now: now() })
            .changes === 1
        ) {
          appendEvent(task.id, 'finished', `cancelled: ${reason}`);
          return { outcome: 'cancelled' as const, task: getTask(task.id)! };
        }
        if (statements.requestCancel.run(task.id).changes === 1) {
          appendEvent(task.id, 'cancel_requested', reason);
          return { outcome: 'cancel_requested' as const, task: getTask(task.id)! };
        }
        return { outcome: 'already_finished' as const, task };
      });
    },
    holdForBudget(reason) {
      return immediate(() => statements.holdForBudget.run(reason, now()).changes);
    },
    releaseBudgetHolds() {
      return immediate(() => statements.releaseBudgetHolds.run().changes);
    },
    usageSince(since) {
      return statements.usageSince.get(since) as TaskUsage;
    },
    nextDueAt() {
      const task = (statements.nextTaskDue.get(now()) as { at: number | null }).at;
      const schedule = (statements.nextScheduleDue.get() as { at: number | null }).at;
      const candidates = [task, schedule].filter((value): value is number => value !== null);
      return candidates.length > 0 ? Math.min(...candidates) : undefined;
    },
    lastActivityAt() {
      return (statements.lastActivity.get() as { at: number | null }).at ?? 0;
    },
    addSchedule(options) {
      const createdAt = now();
      const nextRunAt = nextCronTime(options.cron, createdAt);
      const id = `s-${makeId()}`;
      immediate(() =>
        statements.insertSchedule.run({
          id,
          cron: options.cron,
          kind: options.kind ?? 'task',
          payload: JSON.stringify(options.payload),
          nextRunAt,
          createdAt,
        }),
      );
      return rowToSchedule(statements.getSchedule.get(id) as ScheduleRow);
    },
    listSchedules() {
      return (statements.listSchedules.all() as ScheduleRow[]).map(rowToSchedule);
    },
    disableSchedule(id) {
      return statements.disableSchedule.run(id).changes === 1;
    },
    materializeDueSchedules(maxAttempts) {
      return immediate(() => {
        const at = now();
        const created: TaskRecord[] = [];
        for (const row of statements.dueSchedules.all(at) as ScheduleRow[]) {
          const schedule = rowToSchedule(row);
          // One task per due schedule even if several occurrences were missed while down.
          const task = insertTask({
            kind: schedule.kind,
            payload: { ...schedule.payload, source: 'schedule' },
            scheduleId: schedule.id,
            ...(maxAttempts === undefined ? {} : { maxAttempts }),
          });
          statements.advanceSchedule.run(nextCronTime(schedule.cron, at), task.id, schedule.id);
          created.push(task);
        }
        return created;
      });
    },
    close() {
      if (database.open) database.close();
    },
  };
}

export type { CancelOutcome, ListOptions, RecoveryReport, SubmitOptions, TaskQueue, TaskQueueOptions };
