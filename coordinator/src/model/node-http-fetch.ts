import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

/** A `fetch`-shaped function, as the Anthropic SDK's `fetch` option takes it. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Options of {@link createNodeHttpFetch}. */
export interface NodeHttpFetchOptions {
  /** Where requests this transport cannot express go (default: the global `fetch`). */
  fallback?: FetchFunction;
}

/** A `fetch` over node:http with keep-alive connections, plus `close()` to free them. */
export interface NodeHttpFetch extends FetchFunction {
  /** Closes the idle keep-alive connections (in-flight requests finish). */
  close(): void;
}

/** Statuses whose response has no body, which `new Response` refuses one for. */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Response chunks buffered ahead of the reader before the socket is paused. */
const BUFFERED_CHUNKS = 16;

/**
 * Creates a `fetch` for the Messages API that runs over node:http / node:https instead of the
 * global fetch (undici).
 *
 * Why: with many agents streaming at once the coordinator's one event loop is the bottleneck, and
 * undici's fetch (the WHATWG machinery, its WebAssembly HTTP parser) is the largest share of a
 * turn's CPU. node:http parses in C++ and skips the spec's bookkeeping: about 30 % less CPU per
 * model call, measured by `pnpm bench coordinator`.
 *
 * What it does not do, it hands to `fallback` unchanged, so behaviour never silently differs: a
 * body that is not a string or bytes, a protocol other than http(s), and redirects (the request is
 * replayed through the fallback, which follows them). Compressed responses are decompressed. A
 * request that fails on a reused keep-alive connection before any response arrived (the server
 * closed it while idle) is retried once on a fresh connection, as Node's documentation advises.
 */
export function createNodeHttpFetch(options: NodeHttpFetchOptions = {}): NodeHttpFetch {
  const fallback = options.fallback ?? ((input, init) => globalThis.fetch(input, init));
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };

  const send = (
    url: URL,
    method: string,
    headers: Record<string, string>,
    body: string | Uint8Array | undefined,
    signal: AbortSignal | undefined,
    retried: boolean,
  ): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const protocol = url.protocol as 'http:' | 'https:';
      const request = (protocol === 'https:' ? httpsRequest : httpRequest)(url, {
        method,
        headers,
        agent: agents[protocol],
        ...(signal ? { signal } : {}),
      });
      let answered = false;
      request.once('response', (response: IncomingMessage) => {
        answered = true;
        resolve(response);
      });
      // `on`, not `once`: an error after the response (an abort mid-body) must stay handled; the
      // body stream reports those.
      request.on('error', (error: NodeJS.ErrnoException) => {
        if (answered) return;
        const stale = request.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE');
        if (stale && !retried && !signal?.aborted) {
          send(url, method, headers, body, signal, true).then(resolve, reject);
          return;
        }
        reject(asFetchError(error, signal));
      });
      // The whole body in end(): node:http then sends a Content-Length, as fetch does, never a
      // chunked upload (which some gateways refuse).
      request.end(body);
    });

  const nodeHttpFetch = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    if (input instanceof Request) return fallback(input, init);
    const url = new URL(input);
    const body = init.body;
    const bodyUsable =
      body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      !bodyUsable ||
      init.redirect === 'manual'
    ) {
      return fallback(input, init);
    }
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw asFetchError(undefined, signal);
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    // Only encodings decoded below are offered; without this, node:http asks for none at all.
    headers['accept-encoding'] ??= 'gzip, deflate, br';
    const method = (init.method ?? 'GET').toUpperCase();
    const response = await send(url, method, headers, body ?? undefined, signal, false);
    const status = response.statusCode ?? 0;
    if (REDIRECT_STATUSES.has(status) && response.headers.location) {
      response.resume();
      return fallback(input, init);
    }
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
      else responseHeaders.set(name, value);
    }
    if (NULL_BODY_STATUSES.has(status) || method === 'HEAD') {
      response.resume();
      return new Response(null, {
        status,
        statusText: response.statusMessage ?? '',
        headers: responseHeaders,
      });
    }
    const decoded = decode(response, responseHeaders);
    return new Response(toWebStream(response, decoded, signal), {
      status,
      statusText: response.statusMessage ?? '',
      headers: responseHeaders,
    });
  };

  return Object.assign(nodeHttpFetch, {
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  });
}

/** The body as sent, or a decompressing stream when the server compressed it. */
function decode(response: IncomingMessage, headers: Headers): Readable {
  const encoding = headers.get('content-encoding')?.trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip'
      ? createGunzip()
      : encoding === 'deflate'
        ? createInflate()
        : encoding === 'br'
          ? createBrotliDecompress()
          : undefined;
  if (!decoder) return response;
  // As fetch does, the body is now the decoded bytes, so its encoded length no longer applies.
  headers.delete('content-encoding');
  headers.delete('content-length');
  response.on('error', (error) => decoder.destroy(error));
  response.pipe(decoder);
  return decoder;
}

/**
 * A web stream over a Node readable, with backpressure: the socket is paused while the reader is
 * more than {@link BUFFERED_CHUNKS} chunks behind. A connection that closes before the body is
 * complete errors the stream instead of ending it, so a cut stream is never mistaken for a whole one.
 */
function toWebStream(
  response: IncomingMessage,
  source: Readable,
  signal: AbortSignal | undefined,
): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (error: Error) => {
          if (done) return;
          done = true;
          // An abort reads as fetch's AbortError, not as the socket error it causes.
          controller.error(signal?.aborted ? asFetchError(error, signal) : error);
        };
        source.on('data', (chunk: Buffer) => {
          if (done) return;
          controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
          if ((controller.desiredSize ?? 1) <= 0) source.pause();
        });
        source.once('end', () => {
          if (done) return;
          if (!response.complete) {
            fail(new TypeError('terminated: the response ended before its body was complete'));
            return;
          }
          done = true;
          controller.close();
        });
        source.once('error', fail);
        response.once('close', () => {
          if (!response.complete) fail(new TypeError('terminated: the connection closed mid-response'));
        });
      },
      pull() {
        source.resume();
      },
      cancel(reason) {
        done = true;
        response.destroy(reason instanceof Error ? reason : undefined);
        source.destroy();
      },
    },
    { highWaterMark: BUFFERED_CHUNKS },
  );
}

/** A rejection shaped like fetch's: AbortError when the signal fired, else a TypeError with a cause. */
function asFetchError(error: Error | undefined, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) {
    const reason: unknown = signal.reason;
    return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
  }
  return new TypeError(`fetch failed: ${error?.message ?? 'unknown error'}`, { cause: error });
}
