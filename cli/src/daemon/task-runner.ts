import type { Logger } from 'pino';
import type { TaskKind, TaskPayload, TaskUsage } from '../queue/types.js';
import type { DaemonSettings } from './settings.js';

/** A progress update from a running task; stored in the task's log and relayed to MCP clients. */
export interface TaskProgress {
  message: string;
  /** Steps done so far, for MCP progress notifications. */
  progress?: number;
  total?: number;
  /** Running usage totals for the task; counted against the daily budget right away. */
  usage?: TaskUsage;
  data?: unknown;
}

/** What a runner gets besides the payload. */
export interface TaskRunContext {
  taskId: string;
  kind: TaskKind;
  /** 1 for the first run; higher after an interruption. */
  attempt: number;
  maxAttempts: number;
  /** Project directory. */
  cwd: string;
  /** Aborted on cancel, on shutdown and when the lease is lost. */
  signal: AbortSignal;
  progress(update: TaskProgress): void;
  logger: Logger;
}

/** How a run ended. A thrown error counts as `failed`. */
export interface TaskOutcome {
  status: 'succeeded' | 'failed';
  summary: string;
  output?: unknown;
  usage?: TaskUsage | undefined;
  error?: { code: string; message: string } | undefined;
}

/** Runs one task. The daemon owns retries, leases and recording; a runner only does the work. */
export type TaskRunner = (payload: TaskPayload, context: TaskRunContext) => Promise<TaskOutcome>;

/** A runner plus what it holds (server connections, clients). */
export interface TaskRunnerHandle {
  run: TaskRunner;
  close?(): Promise<void>;
}

/** What a runner module's `createTaskRunner` export receives. */
export interface TaskRunnerFactoryOptions {
  cwd: string;
  settings: DaemonSettings;
  logger: Logger;
  configPath?: string | undefined;
}

/** The shape of a runner module named by `daemon.runner` or `--runner`. */
export type TaskRunnerFactory = (
  options: TaskRunnerFactoryOptions,
) => TaskRunnerHandle | Promise<TaskRunnerHandle>;

/** True when a value can serve as a {@link TaskRunnerHandle}. */
export function isTaskRunnerHandle(value: unknown): value is TaskRunnerHandle {
  return (
    typeof value === 'object' && value !== null && typeof (value as { run?: unknown }).run === 'function'
  );
}
