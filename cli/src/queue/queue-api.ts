import type {
  LeaseOwner,
  ScheduleRecord,
  TaskEvent,
  TaskKind,
  TaskPayload,
  TaskRecord,
  TaskResult,
  TaskStatus,
  TaskUsage,
} from './types.js';

/** Options for `openTaskQueue`. */
export interface TaskQueueOptions {
  /** Path of the SQLite file; its directory is created. */
  path: string;
  /** How long a writer waits for the lock before failing; default 5 s. */
  busyTimeoutMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** What {@link TaskQueue.submit} takes. */
export interface SubmitOptions {
  kind?: TaskKind;
  payload: TaskPayload;
  /** Epoch ms; the task is not started before. */
  runAfter?: number;
  /** 1 + retries after an interruption; default 2 (one retry). */
  maxAttempts?: number;
  scheduleId?: string;
}

/** What {@link TaskQueue.recoverStale} decides about tasks whose owner died or lost its lease. */
export interface RecoveryReport {
  /** Interrupted tasks that will run again. */
  requeued: string[];
  /** Interrupted tasks with no attempts left; they failed with `E_INTERRUPTED`. */
  failed: string[];
}

/** What {@link TaskQueue.requestCancel} did. */
export type CancelOutcome = 'cancelled' | 'cancel_requested' | 'already_finished';

/** Filters for {@link TaskQueue.list}. */
export interface ListOptions {
  status?: TaskStatus | TaskStatus[];
  kind?: TaskKind;
  limit?: number;
}

/**
 * The durable task queue. Every state change is one SQLite transaction, so several processes (the
 * daemon, CLI submissions, `meshwork serve`) can share the file: claims are atomic, a task is
 * owned by one lease at a time, and its result is written once (a trigger enforces it).
 */
export interface TaskQueue {
  readonly path: string;
  submit(options: SubmitOptions): TaskRecord;
  get(id: string): TaskRecord | undefined;
  /** Finds a task by id or by a unique id prefix; throws `E_TASK_NOT_FOUND` / `E_AMBIGUOUS_ID`. */
  resolve(idOrPrefix: string): TaskRecord;
  list(options?: ListOptions): TaskRecord[];
  counts(): Record<TaskStatus, number>;
  events(taskId: string, afterEventId?: number): TaskEvent[];
  appendEvent(taskId: string, type: string, message: string, data?: unknown): void;
  /** Atomically takes the oldest runnable task (interrupted ones first) and leases it to `owner`. */
  claim(owner: LeaseOwner, kinds?: readonly TaskKind[]): TaskRecord | undefined;
  /** Renews the lease on `ids`; returns the ids no longer owned and those asked to cancel. */
  heartbeat(owner: LeaseOwner, ids: readonly string[]): { lost: string[]; cancelRequested: string[] };
  /** Records running usage totals reported by a runner (counted against the daily budget). */
  recordUsage(id: string, owner: LeaseOwner, usage: TaskUsage): void;
  /** Records the result and the final state, once; false when the lease was lost (result dropped). */
  finish(id: string, owner: LeaseOwner, result: TaskResult): boolean;
  /**
   * Gives a running task back (clean shutdown, or a configuration error): queued again, the
   * attempt not counted; with `runAfter`, not claimed again before then.
   */
  release(id: string, owner: LeaseOwner, reason: string, runAfter?: number): boolean;
  /** Makes the tasks held for a configuration fix ({@link CONFIG_HOLD_PREFIX}) runnable now. */
  retryConfigHolds(): number;
  /** Interrupts tasks whose owner is dead or whose lease expired; requeues or fails them. */
  recoverStale(options: {
    isOwnerAlive(pid: number): boolean;
    leaseMs: number;
    self?: LeaseOwner;
  }): RecoveryReport;
  requestCancel(id: string, reason?: string): { outcome: CancelOutcome; task: TaskRecord };
  /** Moves runnable queued tasks to `waiting_budget` with `reason`; returns how many. */
  holdForBudget(reason: string): number;
  /** Moves `waiting_budget` tasks back to `queued`; returns how many. */
  releaseBudgetHolds(): number;
  /** Usage of tasks finished at or after `since`, plus tasks still running. */
  usageSince(since: number): TaskUsage;
  /** The earliest future moment something becomes due (a delayed task or a schedule). */
  nextDueAt(): number | undefined;
  /** Epoch ms of the latest submission, start or finish of a `task` (not dreams); 0 when none. */
  lastActivityAt(): number;
  addSchedule(options: { cron: string; kind?: TaskKind; payload: TaskPayload }): ScheduleRecord;
  listSchedules(): ScheduleRecord[];
  disableSchedule(id: string): boolean;
  /** Turns every due schedule into a task and advances it; returns the new tasks. */
  materializeDueSchedules(maxAttempts?: number): TaskRecord[];
  close(): void;
}
