import type { McpServer } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import type { Logger } from 'pino';
import type { ServeSettings } from './cli-options.js';
import { serveHttp } from './serve-http.js';
import { loadToken } from './token.js';

/** Options for {@link runServer}. */
export interface RunServerOptions {
  /** Makes one SDK server; called once per stdio connection and per HTTP exchange, so keep it cheap. */
  factory: () => McpServer;
  settings: ServeSettings;
  logger: Logger;
  /** Releases what the server holds (databases, child processes); called once on shutdown. */
  onShutdown?: () => Promise<void> | void;
  /** Where the HTTP URL line goes; defaults to stderr. */
  announce?: (line: string) => void;
}

/** A served server; `closed` settles once shutdown has finished. */
export interface RunningServer {
  /** The HTTP endpoint, when serving over HTTP. */
  url: URL | undefined;
  /** Resolves with the reason once the server has shut down and released everything. */
  closed: Promise<string>;
  /** Starts a shutdown; idempotent. */
  shutdown(reason: string): Promise<string>;
}

/**
 * Serves `factory` over stdio or HTTP and shuts down cleanly on SIGINT, SIGTERM or stdin EOF
 * (stdio). It never calls `process.exit`: the bin decides that once `closed` settles.
 */
export async function runServer(options: RunServerOptions): Promise<RunningServer> {
  const { settings, logger } = options;
  let stopTransport: () => Promise<void> = async () => {};
  let url: URL | undefined;

  if (settings.transport === 'http') {
    const token = await loadToken(settings.tokenFile);
    const handle = await serveHttp(() => options.factory(), {
      host: settings.host,
      port: settings.port,
      token,
      allowedHosts: settings.allowedHosts,
      maxBodyBytes: settings.maxBodyBytes,
      logger,
    });
    url = handle.url;
    stopTransport = () => handle.close();
    (options.announce ?? ((line) => process.stderr.write(`${line}\n`)))(`MCP endpoint: ${handle.url.href}`);
    logger.info({ url: handle.url.href, auth: token ? 'bearer' : 'none' }, 'serving over http');
  } else {
    const handle = serveStdio(() => options.factory(), {
      onerror: (error) => logger.warn({ err: error }, 'stdio transport error'),
    });
    stopTransport = () => handle.close();
    logger.debug('serving over stdio');
  }

  let resolveClosed: (reason: string) => void = () => {};
  const closed = new Promise<string>((resolve) => {
    resolveClosed = resolve;
  });
  let shuttingDown: Promise<string> | undefined;
  const onSignal = (signal: NodeJS.Signals) => void shutdown(signal);
  const onStdinEnd = () => void shutdown('stdin closed');

  const shutdown = (reason: string): Promise<string> => {
    if (shuttingDown) return shuttingDown;
    shuttingDown = (async () => {
      logger.debug({ reason }, 'shutting down');
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stdin.off('end', onStdinEnd);
      process.stdin.off('close', onStdinEnd);
      try {
        await stopTransport();
      } catch (error) {
        logger.warn({ err: error }, 'error while closing transport');
      }
      try {
        await options.onShutdown?.();
      } catch (error) {
        logger.warn({ err: error }, 'error while releasing resources');
      }
      resolveClosed(reason);
      return reason;
    })();
    return shuttingDown;
  };

  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (settings.transport === 'stdio') {
    process.stdin.on('end', onStdinEnd);
    process.stdin.on('close', onStdinEnd);
  }
  return { url, closed, shutdown };
}
