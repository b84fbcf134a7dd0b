import { type Logger, pino } from 'pino';

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
  ...secretKeyPaths(''),
  ...secretKeyPaths('*.'),
  'headers.authorization',
  'headers.cookie',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers.cookie',
  '*.headers["x-api-key"]',
  'env.*',
  '*.env.*',
];

/** Key names that hold secrets wherever they appear at the top level or one level down. */
function secretKeyPaths(prefix: string): string[] {
  return [
    'token',
    'accessToken',
    'access_token',
    'refreshToken',
    'refresh_token',
    'apiKey',
    'api_key',
    'password',
    'secret',
    'authorization',
    'cookie',
  ].map((key) => `${prefix}${key}`);
}

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
