import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, type McpServerFactory } from '@modelcontextprotocol/server';
import type { Logger } from 'pino';
import { KitError } from './errors.js';
import { allowedHostnamesFor, checkRequestOrigin, isLoopbackHost } from './http-guards.js';
import { isTokenMatch } from './token.js';

/** Default cap on an HTTP request body: 4 MiB, enough for any tool call we expect. */
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Options for {@link serveHttp}. */
export interface ServeHttpOptions {
  /** Interface to bind; defaults to 127.0.0.1. A non-loopback host requires `token`. */
  host?: string;
  /** Port; 0 picks a free one. */
  port?: number;
  /** Path of the MCP endpoint; defaults to `/mcp`. */
  path?: string;
  /** Bearer token every request must carry. */
  token?: string | undefined;
  /** Extra hostnames accepted in Host/Origin, for example a reverse proxy's name. */
  allowedHosts?: readonly string[];
  /** Largest accepted request body in bytes. */
  maxBodyBytes?: number;
  logger: Logger;
}

/** A running HTTP endpoint. */
export interface HttpServerHandle {
  /** The endpoint URL, with the real port when 0 was asked for. */
  url: URL;
  /** Stops accepting, closes open connections and the MCP handler. */
  close(): Promise<void>;
}

/** Why `listen` failed and what to do, from the system error's code (EADDRINUSE, EACCES, …). */
function listenFailure(error: Error, host: string, port: number): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EADDRINUSE')
    return `EADDRINUSE: port ${port} is in use; pick another with --port or stop the other process.`;
  if (code === 'EACCES')
    return `EACCES: port ${port} needs privileges on this system; pick one above 1023 with --port.`;
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND')
    return `${code}: ${host} is not an address of this machine; pick another with --host (default 127.0.0.1).`;
  return `${code ? `${code}: ` : ''}${error.message}.`;
}

/**
 * Serves a server factory over Streamable HTTP for both protocol eras: 2026-07-28 requests go to
 * the modern handler, 2025-era requests to a stateless instance from the same factory.
 */
export async function serveHttp(
  factory: McpServerFactory,
  options: ServeHttpOptions,
): Promise<HttpServerHandle> {
  const host = options.host ?? '127.0.0.1';
  const path = options.path ?? '/mcp';
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const { logger, token } = options;
  if (!isLoopbackHost(host) && !token) {
    throw new KitError(
      'E_INSECURE_BIND',
      `Refusing to serve on non-loopback host ${host} without a bearer token. Pass --token-file <file> or set MESHWORK_TOKEN, or bind to 127.0.0.1.`,
    );
  }
  const allowedHostnames = allowedHostnamesFor(host, options.allowedHosts);
  const mcpHandler = createMcpHandler(factory, {
    legacy: 'stateless',
    maxRequestBodySize: maxBodyBytes,
    onerror: (error) => logger.warn({ err: error }, 'mcp handler error'),
  });
  // Loaded here, not at import: a stdio-only server never loads the HTTP adapter.
  const { toNodeHandler } = await import('@modelcontextprotocol/node');
  const nodeHandler = toNodeHandler(mcpHandler, {
    maxRequestBodySize: maxBodyBytes,
    onerror: (error) => logger.error({ err: error }, 'http adapter error'),
  });

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const refusal = checkRequestOrigin(request, allowedHostnames);
    if (refusal) {
      logger.warn({ refusal }, 'refused request');
      return sendJsonError(response, 403, -32000, `Forbidden: ${refusal}.`);
    }
    const url = new URL(request.url ?? '/', 'http://placeholder');
    if (url.pathname !== path) {
      return sendJsonError(response, 404, -32601, `Not found: the MCP endpoint is ${path}.`);
    }
    if (token) {
      const presented = bearerTokenOf(request.headers.authorization);
      if (presented === undefined || !isTokenMatch(presented, token)) {
        // RFC 6750 section 3: no error code when the request carried no credentials at all.
        const challenge = presented === undefined ? '' : ', error="invalid_token"';
        response.setHeader('WWW-Authenticate', `Bearer realm="meshwork"${challenge}`);
        logger.warn(
          { method: request.method, credentials: presented === undefined ? 'none' : 'wrong' },
          'unauthorized request',
        );
        return sendJsonError(response, 401, -32001, 'Unauthorized: send Authorization: Bearer <token>.');
      }
    }
    const declaredLength = Number(request.headers['content-length'] ?? 0);
    if (declaredLength > maxBodyBytes) {
      // Close rather than drain: the client would otherwise keep uploading a body we will not read.
      response.setHeader('connection', 'close');
      return sendJsonError(response, 413, -32000, `Request body over the ${maxBodyBytes}-byte limit.`);
    }
    // Chunked bodies have no declared length; the adapter counts them and answers 413 itself.
    await nodeHandler(request, response);
  };

  const server = createHttpServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!response.headersSent) sendJsonError(response, 500, -32603, 'Internal error.');
      else response.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onListenError = (error: Error) =>
      reject(
        new KitError(
          'E_LISTEN',
          `Cannot listen on ${host}:${options.port ?? 0}: ${listenFailure(error, host, options.port ?? 0)}`,
          {
            cause: error,
          },
        ),
      );
    server.once('error', onListenError);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', onListenError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error({ err: error }, 'http server error'));
  const address = server.address() as AddressInfo;
  if (!token && !isLoopbackHost(address.address)) {
    // A name like `localhost` can resolve to a routable address; judge what we actually bound.
    await new Promise((resolve) => server.close(resolve));
    await mcpHandler.close();
    throw new KitError(
      'E_INSECURE_BIND',
      `Refusing to serve on ${address.address} (from --host ${host}) without a bearer token. Pass --token-file <file> or set MESHWORK_TOKEN, or bind to 127.0.0.1.`,
    );
  }
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = new URL(`http://${urlHost}:${address.port}${path}`);
  return {
    url,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await mcpHandler.close();
    },
  };
}

/** The credentials of an `Authorization: Bearer <token>` header (scheme case-insensitive), if any. */
function bearerTokenOf(header: string | undefined): string | undefined {
  const match = /^bearer[ \t]+(\S.*)$/i.exec(header?.trim() ?? '');
  return match?.[1]?.trim();
}

function sendJsonError(response: ServerResponse, status: number, code: number, message: string): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}
