import { MeshworkError } from '@meshwork/kit/errors';

/** Every code `@meshwork/cli` raises: the CLI, the queue, the worker, dreams and `meshwork serve`. */
export const CLI_ERROR_CODES = [
  /** Bad flags or arguments; the CLI exits with 2. */
  'E_USAGE',
  /** The `daemon` section of meshwork.json cannot be read or is malformed. */
  'E_CONFIG',
  /** A `--plan` file is not a JSON array of `{agent, task}`. */
  'E_PLAN',
  /** A command or a plan names an agent the project does not define. */
  'E_UNKNOWN_AGENT',
  /** The `--runner` / `daemon.runner` module cannot be loaded or has the wrong shape. */
  'E_RUNNER',
  /** The queue database cannot be opened. */
  'E_QUEUE_OPEN',
  /** No task (or schedule) has that id, or an id prefix matches several. */
  'E_TASK_NOT_FOUND',
  'E_AMBIGUOUS_ID',
  /** A `--every` cron expression or an `--at` time cannot be parsed. */
  'E_BAD_CRON',
  'E_BAD_TIME',
  /** A task runner threw, or the worker was interrupted. */
  'E_TASK_FAILED',
  'E_INTERRUPTED',
  /** A coordinator run ended partial, failed or cancelled (the report is in the task's output). */
  'E_RUN_PARTIAL',
  'E_RUN_FAILED',
  'E_RUN_CANCELLED',
  /** The project has no memory server for dreams. */
  'E_NO_MEMORY_SERVER',
  /** The memory server lacks a tool with a role a dream needs, or such a tool failed. */
  'E_MEMORY_TOOL',
  /** Another dream holds the memory's dream lock. */
  'E_DREAM_RUNNING',
  /** `daemon.dream.agent` names no agent, or the dreaming agent did not succeed. */
  'E_DREAM_AGENT',
  /** A dream failed (it was rolled back), or it was aborted. */
  'E_DREAM_FAILED',
  'E_ABORTED',
] as const;
/** One of {@link CLI_ERROR_CODES}. */
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/**
 * The one error class of `@meshwork/cli`: a {@link MeshworkError} with a code from
 * {@link CLI_ERROR_CODES}, so callers branch on `code` and people read `message`.
 */
export class CliError extends MeshworkError<CliErrorCode> {}

/** True when `value` is a {@link CliError}, with `code` only for that code. */
export function isCliError(value: unknown, code?: CliErrorCode): value is CliError {
  return value instanceof CliError && (code === undefined || value.code === code);
}
