import { ToolError } from '@meshwork/kit';

/** Every code `@meshwork/shell-server` raises. */
export const SHELL_ERROR_CODES = [
  /** A flag or the policy file is malformed; the bin exits 2. */
  'E_USAGE',
  /** The server was built with no root. */
  'E_CONFIG',
  /** bash was not found. */
  'E_NO_BASH',
  /** `--sandbox` was asked for and bubblewrap is missing. */
  'E_NO_SANDBOX',
  /** A rule is empty or not a valid glob. */
  'E_RULE',
  /** A line is not valid bash. */
  'E_PARSE',
  /** The bash parser did not calibrate; nothing runs. */
  'E_PARSER_INIT',
  /** Some part of a line cannot be resolved before it runs, or is never allowed. */
  'E_REFUSED',
  /** The policy denies the line. */
  'E_DENIED',
  /** An ask rule matches; this server never prompts. */
  'E_NEEDS_APPROVAL',
  /** The working directory is missing or outside the roots. */
  'E_CWD',
  /** A variable name is invalid or may not be set. */
  'E_ENV',
  /** No background process has that id. */
  'E_NO_PROCESS',
  /** The command line could not be started at all (too long for the kernel, no shell, …). */
  'E_SPAWN',
  /** The cap on background processes is reached. */
  'E_TOO_MANY_PROCESSES',
  /** The server is shutting down. */
  'E_CLOSED',
] as const;

/** One of {@link SHELL_ERROR_CODES}. */
export type ShellErrorCode = (typeof SHELL_ERROR_CODES)[number];

/**
 * The error class of `@meshwork/shell-server`. It is a `ToolError`, so thrown from a tool handler it
 * becomes an `isError` result carrying its code; `message` says what happened and what to do instead.
 */
export class ShellError extends ToolError<ShellErrorCode> {}
