/**
 * Base class for every error raised by `@meshwork/permissions`. `code` is a stable string callers
 * branch on (`E_RULE` for a malformed rule, `E_PROFILE` for a malformed profile); `message` is for
 * people and names the offending field and what was expected.
 */
export class PermissionsError extends Error {
  /** Stable machine-readable code, for example `E_RULE`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** True when `value` is a {@link PermissionsError}, including one from another copy of this package. */
export function isPermissionsError(value: unknown): value is PermissionsError {
  return (
    value instanceof PermissionsError ||
    (value instanceof Error &&
      value.name === 'PermissionsError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
