/**
 * Base class for every error raised by `@meshwork/kit`. `code` is a stable string that callers
 * branch on; `message` is for people.
 */
export class KitError extends Error {
  /** Stable machine-readable code, for example `E_CONFIG`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/**
 * A tool failure the model can act on. Thrown from a tool handler, it becomes a tool result with
 * `isError: true` whose text says what went wrong and what to do instead; it is never a protocol
 * fault.
 */
export class ToolError extends KitError {
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** True when `value` is a {@link ToolError}, including one from another copy of this package. */
export function isToolError(value: unknown): value is ToolError {
  return (
    value instanceof ToolError ||
    (value instanceof Error &&
      value.name === 'ToolError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
