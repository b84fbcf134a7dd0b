import { CoordinatorError } from '../errors.js';

/**
 * Error raised by the daemon, the queue, dreaming and `meshwork serve`: a {@link CoordinatorError}
 * (the package's one base class), so callers branch on `code` alone.
 */
export class DaemonError extends CoordinatorError {}

/** True when `value` is a {@link DaemonError}. */
export function isDaemonError(value: unknown): value is DaemonError {
  return value instanceof DaemonError;
}
