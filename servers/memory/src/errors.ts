/**
 * Base class for every error raised by the memory server. `code` is a stable string callers branch
 * on (`E_BAD_SLUG`, `E_TOPIC_NOT_FOUND`, ...); `message` says what happened and what to do instead.
 */
export class MemoryError extends Error {
  /** Stable machine-readable code. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `value` is a {@link MemoryError}, including one from another copy of this package. */
export function isMemoryError(value: unknown): value is MemoryError {
  return (
    value instanceof MemoryError ||
    (value instanceof Error &&
      value.name === 'MemoryError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
