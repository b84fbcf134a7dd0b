/**
 * Base class for every error raised by `@meshwork/shell-server`. `code` is a stable string callers
 * branch on; `message` says what happened and what to do instead.
 */
export class ShellError extends Error {
  /** Stable machine-readable code, for example `E_PARSE`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `value` is a {@link ShellError}. */
export function isShellError(value: unknown): value is ShellError {
  return value instanceof ShellError;
}
