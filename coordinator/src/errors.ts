/** Options of {@link CoordinatorError}. */
export interface CoordinatorErrorOptions {
  cause?: unknown;
}

/** Base error of the coordinator: a stable `code` (E_…) plus a message that says what to do. */
export class CoordinatorError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options: CoordinatorErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

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

/** The message of anything thrown. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
