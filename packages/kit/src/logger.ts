import { pino, type Logger } from 'pino';

/** Log levels accepted by `--log-level` and `MESHWORK_LOG_LEVEL`. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Options for {@link createLogger}. */
export interface LoggerOptions {
  /** Component name stamped on every line. */
  name: string;
  /** Minimum level; defaults to `MESHWORK_LOG_LEVEL`, then `info`. */
  level?: LogLevel | undefined;
  /** Where lines go; defaults to file descriptor 2 (stderr). Never stdout: that carries protocol frames. */
  destination?: NodeJS.WritableStream | undefined;
}

/**
 * Key paths whose values are replaced before a line is written. Covers the shapes secrets take in
 * our own logs (tokens, headers, env maps); callers must still avoid logging raw secrets in messages.
 */
export const REDACTED_PATHS = [
  'token',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'authorization',
  '*.token',
  '*.apiKey',
  '*.api_key',
  '*.password',
  '*.secret',
  '*.authorization',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
  'env.*',
  '*.env.*',
];

/** True when `value` names a level pino understands. */
export function isLogLevel(value: unknown): value is LogLevel {
  return typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value);
}

/**
 * A pino logger that writes JSON lines to stderr with secrets redacted. The level comes from the
 * options, then `MESHWORK_LOG_LEVEL`, then `info`.
 */
export function createLogger(options: LoggerOptions): Logger {
  const fromEnvironment = process.env.MESHWORK_LOG_LEVEL;
  const level = options.level ?? (isLogLevel(fromEnvironment) ? fromEnvironment : 'info');
  return pino(
    {
      name: options.name,
      level,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      base: { pid: process.pid },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
}

export type { Logger };
