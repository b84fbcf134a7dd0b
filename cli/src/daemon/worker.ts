import { nanoid } from 'nanoid';
import type { Logger } from 'pino';
import type { TaskQueue } from '../queue/task-queue.js';
import { CONFIG_HOLD_PREFIX, type LeaseOwner, type TaskRecord, type TaskResult } from '../queue/types.js';
import { budgetDayStart, evaluateBudget } from './daily-budget.js';
import type { DaemonPaths } from './paths.js';
import { isProcessAlive } from './process-alive.js';
import type { DaemonSettings } from './settings.js';
import type { TaskOutcome, TaskRunner } from './task-runner.js';
import { type WakeWatcher, watchWakeFile } from './wake.js';

/** Decides whether the daemon should dream now; see `createDreamTrigger`. */
export interface DreamTriggerCheck {
  /** Resolves true when every trigger fires; never throws (a failure means "not now"). */
  shouldDream(context: { lastActivityAt: number; now: number }): Promise<boolean>;
}

/** Options for {@link createDaemon}. */
export interface DaemonOptions {
  queue: TaskQueue;
  paths: DaemonPaths;
  settings: DaemonSettings;
  cwd: string;
  logger: Logger;
  /** Runs `task` tasks. */
  runTask: TaskRunner;
  /** Runs `dream` tasks; without it, dream tasks stay queued for another worker. */
  runDream?: TaskRunner | undefined;
  /** Idle-time dreaming; off without it or when `settings.dream.enabled` is false. */
  dreamTrigger?: DreamTriggerCheck | undefined;
  /** Lease identity; defaults to this pid and a random id. */
  owner?: LeaseOwner;
  /** Watch the wake file (default true). */
  watchWake?: boolean;
  isOwnerAlive?: (pid: number) => boolean;
  /**
   * How long a task that hit a configuration error waits before it is tried again, ms (default
   * 60000); a daemon start tries it at once.
   */
  configRetryMs?: number;
}

/**
 * Codes of errors that no retry fixes until someone changes the configuration (model access,
 * meshwork.json): a task that hits one waits instead of failing or using up an attempt.
 */
const CONFIG_ERROR_CODES: ReadonlySet<string> = new Set(['E_NO_MODEL', 'E_CONFIG', 'E_CONFIG_VARIABLE']);

function configErrorOf(
  outcome: TaskOutcome | { thrown: unknown },
): { code: string; message: string } | undefined {
  const error =
    'thrown' in outcome ? (outcome.thrown as { code?: unknown; message?: unknown } | undefined) : undefined;
  if (typeof error?.code !== 'string' || !CONFIG_ERROR_CODES.has(error.code)) return undefined;
  return { code: error.code, message: typeof error.message === 'string' ? error.message : String(error) };
}

/** Counters for tests, `daemon status` and the benchmark. */
export interface DaemonStats {
  running: number;
  peakConcurrency: number;
  started: number;
  finished: number;
  ticks: number;
}

/** The worker loop: claims tasks up to the concurrency limit, runs them, records each result once. */
export interface Daemon {
  readonly owner: LeaseOwner;
  /** Recovers interrupted tasks, starts watching for submissions and claims what is runnable. */
  start(): void;
  /** Claims and starts tasks now (a submission in this process calls it). */
  wake(): void;
  /** Ids of the tasks this worker runs right now. */
  runningTaskIds(): string[];
  stats(): DaemonStats;
  /**
   * Stops claiming, aborts running tasks and gives them back to the queue (they run again on the
   * next start, without using up an attempt). Waits up to `graceMs` for runners to return.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

interface RunningTask {
  task: TaskRecord;
  controller: AbortController;
  done: Promise<void>;
}

/** Creates the worker loop over a queue. Nothing happens until {@link Daemon.start}. */
export function createDaemon(options: DaemonOptions): Daemon {
  const { queue, settings, logger } = options;
  const owner: LeaseOwner = options.owner ?? { id: nanoid(12), pid: process.pid };
  const isOwnerAlive = options.isOwnerAlive ?? isProcessAlive;
  const leaseMs = settings.leaseSeconds * 1000;
  const maxAttempts = settings.retries + 1;
  const running = new Map<string, RunningTask>();
  const stats: DaemonStats = { running: 0, peakConcurrency: 0, started: 0, finished: 0, ticks: 0 };
  let watcher: WakeWatcher | undefined;
  let dueTimer: NodeJS.Timeout | undefined;
  let pollTimer: NodeJS.Timeout | undefined;
  let heartbeatTimer: NodeJS.Timeout | undefined;
  let dreamTimer: NodeJS.Timeout | undefined;
  let tickScheduled = false;
  let stopping = false;
  let dreamCheckRunning = false;

  const kinds = options.runDream ? (['task', 'dream'] as const) : (['task'] as const);

  const scheduleTick = (): void => {
    if (tickScheduled || stopping) return;
    tickScheduled = true;
    setImmediate(() => {
      tickScheduled = false;
      tick();
    });
  };

  const tick = (): void => {
    if (stopping) return;
    stats.ticks += 1;
    try {
      const created = queue.materializeDueSchedules(maxAttempts);
      for (const task of created)
        logger.info({ taskId: task.id, scheduleId: task.scheduleId }, 'scheduled task due');
      const budget = evaluateBudget(
        settings.budget,
        queue.usageSince(budgetDayStart(Date.now())),
        Date.now(),
      );
      if (budget.exceeded) {
        const held = queue.holdForBudget(budget.reason!);
        if (held > 0) logger.warn({ held, reason: budget.reason }, 'daily budget spent; tasks wait');
      } else if (queue.releaseBudgetHolds() > 0) {
        logger.info('budget available again; waiting tasks queued');
      }
      while (!budget.exceeded && running.size < settings.concurrency) {
        const task = queue.claim(owner, kinds);
        if (!task) break;
        startTask(task);
      }
      if (running.size > 0) checkLeases();
      armDueTimer();
    } catch (error) {
      logger.error({ err: error }, 'worker tick failed; retrying on the next poll');
    }
  };

  const armDueTimer = (): void => {
    if (dueTimer) clearTimeout(dueTimer);
    dueTimer = undefined;
    const next = queue.nextDueAt();
    if (next === undefined) return;
    // Timers over ~24.8 days overflow; the poll re-arms long waits.
    const delay = Math.min(Math.max(0, next - Date.now()) + 5, settings.pollSeconds * 1000);
    dueTimer = setTimeout(scheduleTick, delay);
  };

  const startTask = (task: TaskRecord): void => {
    const controller = new AbortController();
    stats.started += 1;
    logger.info({ taskId: task.id, kind: task.kind, attempt: task.attempts }, 'task started');
    const runner = task.kind === 'dream' ? options.runDream! : options.runTask;
    const entry: RunningTask = { task, controller, done: Promise.resolve() };
    running.set(task.id, entry);
    stats.running = running.size;
    stats.peakConcurrency = Math.max(stats.peakConcurrency, running.size);
    ensureHeartbeat();
    entry.done = runGuarded(runner, task, controller).then((outcome) => settle(task, controller, outcome));
  };

  const runGuarded = async (
    runner: TaskRunner,
    task: TaskRecord,
    controller: AbortController,
  ): Promise<TaskOutcome | { thrown: unknown }> => {
    try {
      return await runner(task.payload, {
        taskId: task.id,
        kind: task.kind,
        attempt: task.attempts,
        maxAttempts: task.maxAttempts,
        cwd: options.cwd,
        signal: controller.signal,
        logger: logger.child({ taskId: task.id }),
        progress(update) {
          if (!running.has(task.id)) return;
          try {
            if (update.usage) queue.recordUsage(task.id, owner, update.usage);
            queue.appendEvent(task.id, 'progress', update.message, {
              ...(update.progress === undefined ? {} : { progress: update.progress }),
              ...(update.total === undefined ? {} : { total: update.total }),
              ...(update.data === undefined ? {} : { data: update.data }),
            });
          } catch (error) {
            logger.warn({ err: error, taskId: task.id }, 'could not record progress');
          }
        },
      });
    } catch (error) {
      return { thrown: error };
    }
  };

  const settle = (
    task: TaskRecord,
    controller: AbortController,
    outcome: TaskOutcome | { thrown: unknown },
  ): void => {
    running.delete(task.id);
    stats.running = running.size;
    stats.finished += 1;
    const abortReason = controller.signal.aborted ? String(controller.signal.reason) : undefined;
    try {
      if (abortReason === 'shutdown' && task.kind === 'dream') {
        // A dream is rolled back when aborted; the triggers decide afresh after a restart.
        queue.finish(task.id, owner, {
          status: 'cancelled',
          summary: 'worker stopped during the dream; it was rolled back',
        });
      } else if (abortReason === 'shutdown') {
        queue.release(task.id, owner, 'worker stopped; the task runs again on the next start');
      } else if (abortReason === undefined && configErrorOf(outcome) !== undefined) {
        const error = configErrorOf(outcome)!;
        const retryAt = Date.now() + (options.configRetryMs ?? 60_000);
        const reason = `${CONFIG_HOLD_PREFIX}${error.code}: ${error.message} (the attempt is not counted; tried again at ${new Date(retryAt).toISOString()} or when the daemon restarts)`;
        queue.release(task.id, owner, reason, retryAt);
        logger.warn({ taskId: task.id, code: error.code }, 'task waits for a configuration fix');
      } else if (abortReason === 'lease-lost') {
        logger.warn({ taskId: task.id }, 'lease lost while running; result dropped (another worker owns it)');
      } else {
        const result = toResult(outcome, abortReason === 'cancel');
        const recorded = queue.finish(task.id, owner, result);
        logger.info({ taskId: task.id, status: result.status, recorded }, 'task finished');
      }
    } catch (error) {
      logger.error({ err: error, taskId: task.id }, 'could not record the task outcome');
    }
    if (running.size === 0) stopHeartbeat();
    scheduleTick();
  };

  const checkLeases = (): void => {
    const { lost, cancelRequested } = queue.heartbeat(owner, [...running.keys()]);
    for (const id of lost) running.get(id)?.controller.abort('lease-lost');
    for (const id of cancelRequested) {
      const entry = running.get(id);
      if (entry && !entry.controller.signal.aborted) {
        logger.info({ taskId: id }, 'cancelling on request');
        entry.controller.abort('cancel');
      }
    }
  };

  const ensureHeartbeat = (): void => {
    if (heartbeatTimer) return;
    heartbeatTimer = setInterval(() => {
      try {
        checkLeases();
      } catch (error) {
        logger.warn({ err: error }, 'heartbeat failed');
      }
    }, settings.heartbeatSeconds * 1000);
  };
  const stopHeartbeat = (): void => {
    if (heartbeatTimer) clearInterval(heartbeatTimer);
    heartbeatTimer = undefined;
  };

  const recover = (): void => {
    const report = queue.recoverStale({ isOwnerAlive, leaseMs, self: owner });
    if (report.requeued.length > 0 || report.failed.length > 0)
      logger.warn(report, 'recovered interrupted tasks');
  };

  const checkDream = async (): Promise<void> => {
    if (!options.dreamTrigger || !options.runDream || !settings.dream.enabled) return;
    if (dreamCheckRunning || stopping || running.size > 0) return;
    const counts = queue.counts();
    if (counts.queued + counts.interrupted + counts.running + counts.waiting_budget > 0) return;
    dreamCheckRunning = true;
    try {
      const go = await options.dreamTrigger.shouldDream({
        lastActivityAt: queue.lastActivityAt(),
        now: Date.now(),
      });
      if (go && !stopping) {
        const task = queue.submit({
          kind: 'dream',
          payload: { task: 'consolidate memory', source: 'daemon' },
          maxAttempts: 1,
        });
        logger.info({ taskId: task.id }, 'dream triggered');
        scheduleTick();
      }
    } catch (error) {
      logger.warn({ err: error }, 'dream trigger check failed');
    } finally {
      dreamCheckRunning = false;
    }
  };

  return {
    owner,
    start() {
      recover();
      // A start is when a configuration fix (an edited .meshwork/env or meshwork.json) takes effect.
      queue.retryConfigHolds();
      if (options.watchWake !== false) {
        watcher = watchWakeFile(options.paths.wakeFile, scheduleTick, (error) =>
          logger.warn({ err: error }, 'cannot watch the wake file; relying on the poll'),
        );
      }
      pollTimer = setInterval(() => {
        try {
          recover();
        } catch (error) {
          logger.warn({ err: error }, 'recovery check failed');
        }
        scheduleTick();
      }, settings.pollSeconds * 1000);
      if (options.dreamTrigger && settings.dream.enabled) {
        dreamTimer = setInterval(() => void checkDream(), settings.dream.checkEveryMinutes * 60_000);
      }
      tick();
    },
    wake: scheduleTick,
    runningTaskIds: () => [...running.keys()],
    stats: () => ({ ...stats }),
    async stop({ graceMs = 10_000 } = {}) {
      if (stopping) return;
      stopping = true;
      watcher?.close();
      for (const timer of [dueTimer, pollTimer, dreamTimer]) if (timer) clearTimeout(timer);
      clearInterval(pollTimer);
      clearInterval(dreamTimer);
      const pending = [...running.values()];
      for (const entry of pending) entry.controller.abort('shutdown');
      let graceTimer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(pending.map((entry) => entry.done)),
        new Promise<void>((resolve) => {
          graceTimer = setTimeout(resolve, graceMs);
        }),
      ]);
      if (graceTimer) clearTimeout(graceTimer);
      // Runners that ignored the abort: give their tasks back so a restart runs them.
      for (const entry of running.values()) {
        queue.release(entry.task.id, owner, 'worker stopped; the task runs again on the next start');
      }
      running.clear();
      stopHeartbeat();
    },
  };
}

function toResult(outcome: TaskOutcome | { thrown: unknown }, cancelled: boolean): TaskResult {
  if (cancelled) {
    return {
      status: 'cancelled',
      summary: 'cancelled on request while running',
      ...('thrown' in outcome ? {} : { usage: outcome.usage, output: outcome.output }),
    };
  }
  if ('thrown' in outcome) {
    const error = outcome.thrown as { code?: unknown; message?: unknown } | undefined;
    const message = typeof error?.message === 'string' ? error.message : String(outcome.thrown);
    return {
      status: 'failed',
      summary: message,
      error: { code: typeof error?.code === 'string' ? error.code : 'E_TASK_FAILED', message },
    };
  }
  return {
    status: outcome.status,
    summary: outcome.summary,
    ...(outcome.output === undefined ? {} : { output: outcome.output }),
    ...(outcome.usage === undefined ? {} : { usage: outcome.usage }),
    ...(outcome.error === undefined ? {} : { error: outcome.error }),
  };
}
