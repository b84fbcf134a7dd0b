import { MeshworkError, type MeshworkErrorOptions } from '@meshwork/kit/errors';

export { messageOf } from '@meshwork/kit/errors';

/**
 * Every code the coordinator raises or puts on a tool call's outcome, so the compiler checks each
 * one. The daemon's and the CLI's codes live in `@meshwork/cli`.
 */
export const COORDINATOR_ERROR_CODES = [
  // Configuration and agents.
  'E_CONFIG',
  'E_CONFIG_VARIABLE',
  'E_NO_AGENTS',
  'E_NO_TOOL_ROLE',
  'E_UNKNOWN_AGENT',
  'E_PLAN',
  // Servers and tool calls (the `code` of a ToolCallOutcome the coordinator sets itself).
  'E_UNKNOWN_SERVER',
  'E_SERVER_UNREACHABLE',
  'E_SERVER_START',
  'E_SERVER_CLOSED',
  'E_SERVER_DEAD',
  'E_SERVER_DIED',
  'E_SERVER_UNAVAILABLE',
  'E_SANDBOX',
  'E_SANDBOX_UNAVAILABLE',
  'E_TOOL_FAILED',
  'E_UNKNOWN_TOOL',
  'E_PERMISSION_DENIED',
  'E_WRITE_LEASE',
  'E_CANCELLED',
  'E_NO_TASK',
  // Model access.
  'E_NO_MODEL',
  'E_MODEL',
  'E_MODEL_RETRIES',
  'E_STREAM_INCOMPLETE',
] as const;
/** One of {@link COORDINATOR_ERROR_CODES}. */
export type CoordinatorErrorCode = (typeof COORDINATOR_ERROR_CODES)[number];

/** True when `value` is one of {@link COORDINATOR_ERROR_CODES}. */
export function isCoordinatorErrorCode(value: unknown): value is CoordinatorErrorCode {
  return typeof value === 'string' && (COORDINATOR_ERROR_CODES as readonly string[]).includes(value);
}

/** Options of {@link CoordinatorError}. */
export type CoordinatorErrorOptions = MeshworkErrorOptions;

/** The coordinator's error: a typed `code` plus a message that says what to do. */
export class CoordinatorError extends MeshworkError<CoordinatorErrorCode> {}

/** A bad meshwork.json or agent file: names the file, the field and what was expected. */
export class ConfigError extends CoordinatorError {
  readonly file: string;
  readonly field: string;

  constructor(file: string, field: string, expected: string, options: CoordinatorErrorOptions = {}) {
    super('E_CONFIG', `${file}: ${field}: ${expected}`, options);
    this.file = file;
    this.field = field;
  }
}

/** True for any coordinator error (including {@link ConfigError}). */
export function isCoordinatorError(value: unknown): value is CoordinatorError {
  return value instanceof CoordinatorError;
}
