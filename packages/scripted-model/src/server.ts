import { createHash } from 'node:crypto';
import { once, setMaxListeners } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as delay } from 'node:timers/promises';
import { ScriptedModelError } from './errors.js';
import { createScriptRouter } from './script-router.js';
import { countInputTokens, createPromptCache } from './tokens.js';
import type {
  RecordedRequest,
  ScriptedFault,
  ScriptedModelServerOptions,
  ScriptedRequestBody,
  ScriptedRequestContext,
  ScriptedTurn,
} from './types.js';
import {
  buildReply,
  createId,
  errorBody,
  formatSse,
  messageOf,
  type SseEvent,
  streamEventsOf,
  usageOf,
} from './wire.js';

/** A running scripted Messages API server. */
export interface ScriptedModelServer {
  /** Base URL for the SDK's `baseURL` (or `ANTHROPIC_BASE_URL`), e.g. `http://127.0.0.1:PORT`. */
  url: string;
  /** Every request received, in arrival order, any path (live array: it grows as requests come). */
  requests: RecordedRequest[];
  /** Only the `POST /v1/messages` requests, retries included. */
  messageRequests(): RecordedRequest[];
  /**
   * Resolves once at least `count` `POST /v1/messages` requests have arrived (immediately if they
   * already have), so tests wait on the model being called instead of sleeping. Rejects after
   * `timeoutMs` (default 10 s) or when the server closes.
   */
  waitForMessageRequests(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Stops listening, drops open connections and cancels pending delays. */
  close(): Promise<void>;
}

/** Served to stream faults that a request-index fault triggers, since no turn is consumed then. */
const CUT_PLACEHOLDER: ScriptedTurn = { text: 'This reply is cut off by a scripted fault before it ends.' };

const MESSAGES_PATH = '/v1/messages';
const COUNT_TOKENS_PATH = '/v1/messages/count_tokens';

/**
 * Starts a scripted Anthropic Messages API server on 127.0.0.1 (free port). It speaks the wire format
 * of the real API closely enough for the official `@anthropic-ai/sdk` client, streaming included:
 * - `POST /v1/messages`: a JSON `Message`, or with `stream: true` SSE events (message_start,
 *   content_block_start/delta/stop with `text_delta` and multi-chunk `input_json_delta`, ping,
 *   message_delta with stop reason and usage, message_stop);
 * - `POST /v1/messages/count_tokens`: `{ input_tokens }`, a rough estimate;
 * - anything else: 404 `not_found_error`. Every error has the API's body shape and a `request-id`.
 *
 * Requests need `x-api-key` (or a bearer token) and `anthropic-version`, like the real API; the SDK
 * sends both. See {@link ScriptedModelServerOptions} for scripts, routing and fault injection.
 */
export async function createScriptedModelServer(
  options: ScriptedModelServerOptions,
): Promise<ScriptedModelServer> {
  const requests: RecordedRequest[] = [];
  const router = createScriptRouter(options.script, options.fallback);
  const cache = createPromptCache();
  const bodyCounts = new Map<string, number>();
  const closing = new AbortController();
  // Every reply in flight listens for the close (a delayed reply stops waiting), and each removes
  // its listener when it ends: many concurrent replies are not a leak, so no warning for them.
  setMaxListeners(0, closing.signal);
  let messageCount = 0;
  const textChunkSize = Math.max(1, options.textChunkSize ?? 12);
  const jsonChunks = Math.max(1, options.jsonChunks ?? 3);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    const raw = await readBody(request);
    const path = (request.url ?? '/').split('?')[0] ?? '/';
    const headers = lowerCaseHeaders(request);
    const requestId = createId('req_011C', 20);
    let parsed: unknown;
    let parseFailed = false;
    try {
      parsed = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined;
    } catch {
      parseFailed = true;
    }
    const record: RecordedRequest = {
      index: requests.length,
      method: request.method ?? 'GET',
      path,
      headers,
      body: parsed as ScriptedRequestBody,
      receivedAt,
      requestId,
      status: 0,
    };
    requests.push(record);
    notifyWaiters();

    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      response.writeHead(status, { 'content-type': 'application/json', 'request-id': requestId, ...extra });
      response.end(JSON.stringify(payload));
    };
    const sendError = (status: number, type: string, message: string, extra: Record<string, string> = {}) =>
      send(status, errorBody(type, message, requestId), extra);

    if (record.method !== 'POST' || (path !== MESSAGES_PATH && path !== COUNT_TOKENS_PATH)) {
      return sendError(404, 'not_found_error', 'Not Found');
    }
    const authProblem = checkAuth(headers, options.apiKey);
    if (authProblem) return sendError(401, 'authentication_error', authProblem);
    if (!headers['anthropic-version']) {
      return sendError(400, 'invalid_request_error', 'anthropic-version: header is required');
    }
    if (parseFailed || typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return sendError(400, 'invalid_request_error', "There was an issue with your request body's JSON");
    }
    const body = parsed as ScriptedRequestBody;
    const invalid = validate(body, path === MESSAGES_PATH);
    if (invalid) return sendError(400, 'invalid_request_error', invalid);
    if (path === COUNT_TOKENS_PATH) return send(200, { input_tokens: countInputTokens(body) });

    const hash = createHash('sha256').update(raw).digest('hex');
    const attempt = bodyCounts.get(hash) ?? 0;
    bodyCounts.set(hash, attempt + 1);
    const context: ScriptedRequestContext = { body, headers, requestIndex: messageCount, attempt };
    messageCount += 1;
    const stream = body.stream === true;

    const indexFault = options.faults?.find((entry) => entry.requestIndex === context.requestIndex)?.fault;
    if (indexFault) {
      record.fault = indexFault.type;
      return serveFault(indexFault, CUT_PLACEHOLDER);
    }
    const answer = await router.route(context);
    if (answer.route !== undefined) record.route = answer.route;
    if (answer.kind !== 'none' && answer.turnIndex !== undefined) record.turnIndex = answer.turnIndex;
    if (answer.kind === 'none') {
      return sendError(400, 'invalid_request_error', answer.message, { 'x-should-retry': 'false' });
    }
    if (answer.kind === 'fault') {
      record.fault = answer.fault.type;
      return serveFault(answer.fault, answer.turn ?? CUT_PLACEHOLDER);
    }
    if (answer.turn.delayMs) await delay(answer.turn.delayMs, undefined, { signal: closing.signal });
    return serveTurn(answer.turn, true);

    async function serveTurn(
      turn: ScriptedTurn,
      remember: boolean,
      cut?: { afterEvents: number; error?: SseEvent },
    ) {
      const reply = buildReply(turn, body);
      const usage = usageOf(cache.measure(body, remember), reply.outputTokens, turn);
      const message = messageOf(createId('msg_01'), turn.model ?? body.model, reply, usage);
      if (!stream) return send(200, message);
      const events = streamEventsOf(message, { textChunkSize, jsonChunks });
      record.status = 200;
      response.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache',
        'request-id': requestId,
      });
      response.flushHeaders();
      const eventDelayMs = turn.eventDelayMs ?? options.eventDelayMs ?? 0;
      for (const [position, event] of events.entries()) {
        if (cut && position === cut.afterEvents) {
          if (cut.error) {
            await write(response, formatSse(cut.error));
            response.end();
          } else {
            // Destroy only after the earlier events reached the socket, so the client saw a 200 stream.
            response.socket?.destroy();
          }
          return;
        }
        await write(response, formatSse(event));
        if (eventDelayMs > 0) await delay(eventDelayMs, undefined, { signal: closing.signal });
      }
      response.end();
    }

    async function serveFault(fault: ScriptedFault, turn: ScriptedTurn) {
      switch (fault.type) {
        case 'rate_limit': {
          const extra: Record<string, string> = {};
          if (fault.retryAfterSeconds !== undefined) extra['retry-after'] = String(fault.retryAfterSeconds);
          else {
            const ms = fault.retryAfterMs ?? 10;
            extra['retry-after-ms'] = String(ms);
            extra['retry-after'] = String(Math.ceil(ms / 1000));
          }
          return sendError(
            429,
            'rate_limit_error',
            fault.message ?? 'This request would exceed the rate limit for your organization (scripted).',
            extra,
          );
        }
        case 'overloaded':
          return sendError(
            529,
            'overloaded_error',
            fault.message ?? 'Overloaded',
            retryAfterMsHeader(fault.retryAfterMs),
          );
        case 'api_error':
          return sendError(
            500,
            'api_error',
            fault.message ?? 'Internal server error',
            retryAfterMsHeader(fault.retryAfterMs),
          );
        case 'http_error':
          return sendError(fault.status, fault.errorType, fault.message ?? fault.errorType, fault.headers);
        case 'stream_cut':
          if (!stream) {
            request.socket.destroy();
            return;
          }
          return serveTurn(turn, false, { afterEvents: fault.afterEvents ?? 4 });
        case 'stream_error': {
          const errorType = fault.errorType ?? 'overloaded_error';
          const message =
            fault.message ?? (errorType === 'overloaded_error' ? 'Overloaded' : 'Internal server error');
          if (!stream) return sendError(statusOfErrorType(errorType), errorType, message);
          const error: SseEvent = { event: 'error', data: errorBody(errorType, message, requestId) };
          return serveTurn(turn, false, { afterEvents: fault.afterEvents ?? 4, error });
        }
      }
    }
  }

  const waiters = new Set<() => void>();
  const notifyWaiters = () => {
    for (const waiter of waiters) waiter();
  };
  const messageRequests = () =>
    requests.filter((entry) => entry.method === 'POST' && entry.path === MESSAGES_PATH);

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      // A delay cancelled by close(), or a client that went away mid-write: nothing left to answer.
      if (!response.headersSent && !closing.signal.aborted) {
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(
          JSON.stringify(errorBody('api_error', 'Internal server error', createId('req_011C', 20))),
        );
      } else response.destroy();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    messageRequests,
    waitForMessageRequests(count, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const arrived = messageRequests();
          if (arrived.length < count) return;
          finish();
          resolve(arrived);
        };
        const fail = () => {
          finish();
          reject(
            new ScriptedModelError(
              'E_WAIT',
              `Expected ${count} model requests, got ${messageRequests().length}.`,
            ),
          );
        };
        const timer = setTimeout(fail, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
          closing.signal.removeEventListener('abort', fail);
        };
        waiters.add(check);
        closing.signal.addEventListener('abort', fail);
        check();
      });
    },
    async close() {
      if (!server.listening) return;
      closing.abort();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function retryAfterMsHeader(ms: number | undefined): Record<string, string> {
  return ms === undefined ? {} : { 'retry-after-ms': String(ms) };
}

function statusOfErrorType(type: string): number {
  const statuses: Record<string, number> = {
    invalid_request_error: 400,
    authentication_error: 401,
    permission_error: 403,
    not_found_error: 404,
    request_too_large: 413,
    rate_limit_error: 429,
    api_error: 500,
    overloaded_error: 529,
  };
  return statuses[type] ?? 500;
}

function checkAuth(headers: Record<string, string>, apiKey: string | undefined): string | undefined {
  const key = headers['x-api-key'];
  const bearer = /^Bearer (.+)$/i.exec(headers.authorization ?? '')?.[1];
  if (!key && !bearer) return 'x-api-key header is required';
  if (apiKey !== undefined && key !== apiKey && bearer !== apiKey) return 'invalid x-api-key';
  return undefined;
}

function validate(body: ScriptedRequestBody, isCreate: boolean): string | undefined {
  if (typeof body.model !== 'string' || body.model === '') return 'model: Field required';
  if (!Array.isArray(body.messages)) return 'messages: Field required';
  if (
    isCreate &&
    (typeof body.max_tokens !== 'number' || !Number.isInteger(body.max_tokens) || body.max_tokens < 1)
  ) {
    return 'max_tokens: Field required';
  }
  for (const [position, message] of body.messages.entries()) {
    const role = (message as { role?: unknown })?.role;
    if (role !== 'user' && role !== 'assistant' && role !== 'system') {
      return `messages.${position}.role: Input should be 'user' or 'assistant'`;
    }
  }
  return undefined;
}

function lowerCaseHeaders(request: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function write(response: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    response.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
