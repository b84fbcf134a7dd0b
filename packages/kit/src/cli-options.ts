import type { ParseArgsConfig } from 'node:util';
import { KitError } from './errors.js';
import { isLogLevel, type LogLevel } from './logger.js';
import { DEFAULT_MAX_BODY_BYTES } from './serve-http.js';

/**
 * `node:util` parseArgs option specs shared by every meshwork server bin. Spread them into a
 * server's own options.
 */
export const SERVE_CLI_OPTIONS = {
  stdio: { type: 'boolean' },
  http: { type: 'boolean' },
  host: { type: 'string' },
  port: { type: 'string' },
  'token-file': { type: 'string' },
  'allowed-host': { type: 'string', multiple: true },
  'max-body-bytes': { type: 'string' },
  'log-level': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Usage lines for {@link SERVE_CLI_OPTIONS}, appended to each bin's own help. */
export const SERVE_CLI_USAGE = `Transport:
  --stdio                 serve over stdin/stdout (default)
  --http                  serve Streamable HTTP at /mcp
  --host <host>           bind address for --http (default 127.0.0.1)
  --port <port>           port for --http; 0 picks a free one (default 0); the URL is printed on stderr
  --token-file <file>     bearer token required on every HTTP request (or set MESHWORK_TOKEN)
  --allowed-host <name>   extra hostname accepted in Host/Origin (repeatable)
  --max-body-bytes <n>    largest HTTP request body (default ${DEFAULT_MAX_BODY_BYTES})
  --log-level <level>     fatal|error|warn|info|debug|trace|silent (or MESHWORK_LOG_LEVEL); logs go to stderr
  -h, --help              show this help
  --version               print the version`;

/** How a server should be served, read from {@link SERVE_CLI_OPTIONS} values. */
export interface ServeSettings {
  transport: 'stdio' | 'http';
  host: string;
  port: number;
  tokenFile: string | undefined;
  allowedHosts: string[];
  maxBodyBytes: number;
  logLevel: LogLevel | undefined;
}

type ServeValues = { [K in keyof typeof SERVE_CLI_OPTIONS]?: unknown };

/** Validates the transport flags; throws a {@link KitError} that names the flag and the fix. */
export function readServeSettings(values: ServeValues): ServeSettings {
  if (values.stdio === true && values.http === true) {
    throw new KitError('E_USAGE', 'Pass either --stdio or --http, not both.');
  }
  const port = parseInteger(values.port, '--port', 0, 0, 65_535);
  const maxBodyBytes = parseInteger(
    values['max-body-bytes'],
    '--max-body-bytes',
    DEFAULT_MAX_BODY_BYTES,
    1,
    2 ** 31,
  );
  const logLevel = values['log-level'];
  if (logLevel !== undefined && !isLogLevel(logLevel)) {
    throw new KitError(
      'E_USAGE',
      `--log-level must be one of fatal, error, warn, info, debug, trace, silent; got ${String(logLevel)}.`,
    );
  }
  return {
    transport: values.http === true ? 'http' : 'stdio',
    host: readHost(values.host),
    port,
    tokenFile: typeof values['token-file'] === 'string' ? values['token-file'] : undefined,
    allowedHosts: readList(values['allowed-host']),
    maxBodyBytes,
    logLevel,
  };
}

function readList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.map(String).filter((item) => item.trim() !== '');
}

function readHost(value: unknown): string {
  if (value === undefined) return '127.0.0.1';
  if (typeof value !== 'string' || value.trim() === '') {
    throw new KitError('E_USAGE', '--host takes an address to bind, for example 127.0.0.1.');
  }
  return value.trim();
}

function parseInteger(
  value: unknown,
  flag: string,
  fallback: number,
  minimum: number,
  maximum: number,
): number {
  if (value === undefined) return fallback;
  // Digits only: Number() would also accept '', ' ', '0x1f' and '1e3', which are typos here.
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < minimum || number > maximum) {
    throw new KitError(
      'E_USAGE',
      `${flag} takes a whole number from ${minimum} to ${maximum}; got ${String(value)}.`,
    );
  }
  return number;
}
