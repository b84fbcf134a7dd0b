/**
 * The one error base of meshwork. Every package derives its own class from {@link MeshworkError}
 * with a typed list of codes, so callers branch on `code` and people read `message`, which says
 * what happened and what to do instead.
 *
 * This module imports nothing, so pure packages can use it through `@meshwork/kit/errors` without
 * loading the serving code.
 */

/** Global marker: survives two copies of this package in one process (npm can install both). */
const MESHWORK_ERROR = Symbol.for('meshwork.error');
/** Marks the errors a tool handler throws for an `isError` result. */
const TOOL_ERROR = Symbol.for('meshwork.tool-error');

/** Options of {@link MeshworkError}. */
export interface MeshworkErrorOptions {
  cause?: unknown;
}

/**
 * Base class of every meshwork error: a stable string `code`, a `cause`, and
 * `name = new.target.name`. Subclass it once per package with that package's code list:
 * `class ShellError extends MeshworkError<ShellErrorCode> {}`.
 */
export class MeshworkError<Code extends string = string> extends Error {
  /** Stable machine-readable code, for example `E_USAGE`. */
  readonly code: Code;

  constructor(code: Code, message: string, options?: MeshworkErrorOptions) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    Object.defineProperty(this, MESHWORK_ERROR, { value: true });
  }
}

/**
 * True for any {@link MeshworkError}, including one from another copy of this package; with
 * `code`, only for that code.
 */
export function isMeshworkError(value: unknown, code?: string): value is MeshworkError {
  if (!(value instanceof Error)) return false;
  const marked = (value as unknown as Record<symbol, unknown>)[MESHWORK_ERROR] === true;
  const valueCode = (value as { code?: unknown }).code;
  return marked && typeof valueCode === 'string' && (code === undefined || valueCode === code);
}

/** The codes `@meshwork/kit` raises. */
export const KIT_ERROR_CODES = ['E_USAGE', 'E_TOKEN_FILE', 'E_LISTEN', 'E_INSECURE_BIND'] as const;
/** One of {@link KIT_ERROR_CODES}. */
export type KitErrorCode = (typeof KIT_ERROR_CODES)[number];

/** An error raised by `@meshwork/kit` itself: bad serve flags, a token file, a port. */
export class KitError extends MeshworkError<KitErrorCode> {}

/**
 * A tool failure the model can act on. Thrown from a tool handler, it becomes a tool result with
 * `isError: true` whose text says what went wrong and what to do instead, and whose `_meta`
 * carries the code; it is never a protocol fault. A server's own error class may extend it.
 */
export class ToolError<Code extends string = string> extends MeshworkError<Code> {
  constructor(code: Code, message: string, options?: MeshworkErrorOptions) {
    super(code, message, options);
    Object.defineProperty(this, TOOL_ERROR, { value: true });
  }
}

/** True when `value` is a {@link ToolError} (or a subclass), including one from another copy of this package. */
export function isToolError(value: unknown): value is ToolError {
  return isMeshworkError(value) && (value as unknown as Record<symbol, unknown>)[TOOL_ERROR] === true;
}

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
