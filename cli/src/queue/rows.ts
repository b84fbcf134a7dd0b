import type {
  ScheduleRecord,
  TaskEvent,
  TaskKind,
  TaskPayload,
  TaskRecord,
  TaskResult,
  TaskStatus,
} from './types.js';

/** A `tasks` row as SQLite returns it. */
export interface TaskRow {
  id: string;
  kind: TaskKind;
  payload: string;
  status: TaskStatus;
  reason: string | null;
  attempts: number;
  max_attempts: number;
  schedule_id: string | null;
  run_after: number;
  owner_pid: number | null;
  owner_id: string | null;
  heartbeat_at: number | null;
  cancel_requested: number;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  result: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
}

/** A `task_events` row. */
export interface EventRow {
  id: number;
  task_id: string;
  at: number;
  type: string;
  message: string;
  data: string | null;
}

/** A `schedules` row. */
export interface ScheduleRow {
  id: string;
  cron: string;
  kind: TaskKind;
  payload: string;
  next_run_at: number;
  enabled: number;
  created_at: number;
  last_task_id: string | null;
}

/** Maps a row to the public record. */
export function rowToTask(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    kind: row.kind,
    payload: JSON.parse(row.payload) as TaskPayload,
    status: row.status,
    reason: row.reason,
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    scheduleId: row.schedule_id,
    runAfter: row.run_after,
    ownerPid: row.owner_pid,
    ownerId: row.owner_id,
    heartbeatAt: row.heartbeat_at,
    cancelRequested: row.cancel_requested === 1,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result === null ? null : (JSON.parse(row.result) as TaskResult),
    usage: { inputTokens: row.input_tokens, outputTokens: row.output_tokens, costUsd: row.cost_usd },
  };
}

/** Maps an event row. */
export function rowToEvent(row: EventRow): TaskEvent {
  return {
    id: row.id,
    taskId: row.task_id,
    at: row.at,
    type: row.type,
    message: row.message,
    ...(row.data === null ? {} : { data: JSON.parse(row.data) as unknown }),
  };
}

/** Maps a schedule row. */
export function rowToSchedule(row: ScheduleRow): ScheduleRecord {
  return {
    id: row.id,
    cron: row.cron,
    kind: row.kind,
    payload: JSON.parse(row.payload) as TaskPayload,
    nextRunAt: row.next_run_at,
    enabled: row.enabled === 1,
    createdAt: row.created_at,
    lastTaskId: row.last_task_id,
  };
}
