/** Every state a queued task can be in. */
export const TASK_STATUSES = [
  'queued',
  'running',
  'interrupted',
  'waiting_budget',
  'succeeded',
  'failed',
  'cancelled',
] as const;

/** One of {@link TASK_STATUSES}. */
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** States a task never leaves; its result is recorded when it enters one. */
export const FINAL_STATUSES: readonly TaskStatus[] = ['succeeded', 'failed', 'cancelled'];

/** `task` is work for the coordinator; `dream` is a memory consolidation run. */
export type TaskKind = 'task' | 'dream';

/** What a task asks for; stored as JSON. */
export interface TaskPayload {
  /** The task text handed to the coordinator. */
  task: string;
  /** Agent name from the project config. */
  agent?: string | undefined;
  /** Path of a plan file. */
  plan?: string | undefined;
  /** Dream options (kind `dream` only). */
  dryRun?: boolean | undefined;
  /** Where the task came from: `cli`, `mcp`, `schedule`, `daemon`. */
  source?: string | undefined;
}

/** Token and cost usage of one task. */
export interface TaskUsage {
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

/** The result recorded, exactly once, when a task reaches a final state. */
export interface TaskResult {
  status: 'succeeded' | 'failed' | 'cancelled';
  summary: string;
  /** Runner-specific detail, for example the coordinator's run report. */
  output?: unknown;
  error?: { code: string; message: string } | undefined;
  usage?: TaskUsage | undefined;
}

/** A task row as the queue returns it. */
export interface TaskRecord {
  id: string;
  kind: TaskKind;
  payload: TaskPayload;
  status: TaskStatus;
  /** Why a task waits or was interrupted, for people. */
  reason: string | null;
  attempts: number;
  maxAttempts: number;
  scheduleId: string | null;
  /** Epoch ms before which the task is not started (`--at`, schedules). */
  runAfter: number;
  ownerPid: number | null;
  ownerId: string | null;
  heartbeatAt: number | null;
  cancelRequested: boolean;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  result: TaskResult | null;
  usage: TaskUsage;
}

/** A progress or lifecycle line in a task's log. */
export interface TaskEvent {
  id: number;
  taskId: string;
  at: number;
  /** `submitted`, `started`, `progress`, `interrupted`, `requeued`, `finished`, `cancel_requested`, ... */
  type: string;
  message: string;
  data?: unknown;
}

/** A recurring submission (`meshwork submit --every <cron>`). */
export interface ScheduleRecord {
  id: string;
  cron: string;
  kind: TaskKind;
  payload: TaskPayload;
  nextRunAt: number;
  enabled: boolean;
  createdAt: number;
  lastTaskId: string | null;
}

/** Who holds a task's lease. */
export interface LeaseOwner {
  /** Random per-process id, so a reused pid never looks like the old owner. */
  id: string;
  pid: number;
}

/**
 * How the reason of a task held for a configuration fix begins (no model access, a broken
 * meshwork.json): such a task waits, queued, with its attempt given back, and a daemon start
 * retries it at once.
 */
export const CONFIG_HOLD_PREFIX = 'waiting for a configuration fix: ';
