import Anthropic, { APIConnectionError } from '@anthropic-ai/sdk';
import type { Message, MessageCreateParamsBase } from '@anthropic-ai/sdk/resources/messages';
import { CoordinatorError, messageOf } from '../errors.js';
import { createMessageAccumulator } from './message-accumulator.js';
import { backoffMs, type RetryReason, retryAfterMs, retryReasonOf } from './retry-policy.js';

/**
 * The `fetch` the SDK sends requests with. Without one the SDK uses the global `fetch`, so a proxy
 * dispatcher an embedding app installs (undici's `setGlobalDispatcher`, `NODE_USE_ENV_PROXY`)
 * applies to model calls too.
 */
export type ModelFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Where the model lives. Without `apiKey` and `baseURL` the SDK's own env handling applies. */
export interface ModelAccess {
  apiKey?: string;
  baseURL?: string;
  /** True when serving the bundled offline script (no model is called). */
  offline?: boolean;
}

/** A retry about to happen. */
export interface RetryInfo {
  attempt: number;
  reason: RetryReason;
  delayMs: number;
  message: string;
}

/** Options of one model call. */
export interface ModelCallOptions {
  signal?: AbortSignal;
  /** Extra request headers (the coordinator tags requests with the agent name). */
  headers?: Record<string, string>;
  onRetry?: (info: RetryInfo) => void;
  /** Streamed text, as it arrives. */
  onText?: (delta: string) => void;
}

/** Parameters of one call (always streamed). */
export type ModelRequest = Omit<MessageCreateParamsBase, 'stream'>;

/** A streaming Messages API client with retries. */
export interface ModelClient {
  /** Streams one reply and returns the final message. Retries 429/529/5xx/connection/broken streams. */
  create(request: ModelRequest, options?: ModelCallOptions): Promise<Message>;
}

/** Options of {@link createModelClient}. */
export interface ModelClientOptions extends ModelAccess {
  /** Retries after the first attempt (default 5). */
  maxRetries?: number;
  /** Per-attempt timeout in ms (default 10 minutes). */
  timeoutMs?: number;
  /**
   * Sends the requests instead of the global `fetch` (a test double, an instrumented client, a
   * client bound to its own dispatcher). It must return a WHATWG `Response` with a streamed body.
   */
  fetch?: ModelFetch;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The Messages endpoint under `baseURL`, without credentials or query (where a gateway may carry a key). */
function messagesUrlOf(baseURL: string): string {
  try {
    const parsed = new URL(baseURL);
    parsed.username = '';
    parsed.password = '';
    parsed.search = '';
    parsed.hash = '';
    return `${parsed.toString().replace(/\/+$/, '')}/v1/messages`;
  } catch {
    return '(an unparsable base URL)';
  }
}

/** The innermost system error code (`ECONNREFUSED`, `ENOTFOUND`) under an error's causes. */
function systemCodeOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/**
 * A failure's message. The SDK's "Connection error." says nothing of where: name the URL it
 * could not reach (never a key or a header) and the system error under it.
 */
function failureMessage(error: unknown, url: string): string {
  const message = messageOf(error);
  if (!(error instanceof APIConnectionError)) return message;
  const code = systemCodeOf(error.cause);
  return `${message} (${url}${code ? `: ${code}` : ''})`;
}

/**
 * Creates the client. The SDK's own retries are off: this client retries every attempt itself so
 * that a stream broken mid-message is retried like a 529, and each retry is reported.
 */
export function createModelClient(options: ModelClientOptions = {}): ModelClient {
  const maxRetries = options.maxRetries ?? 5;
  const anthropic = new Anthropic({
    maxRetries: 0,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    timeout: options.timeoutMs ?? 600_000,
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.baseURL !== undefined ? { baseURL: options.baseURL } : {}),
  });
  const messagesUrl = messagesUrlOf(anthropic.baseURL);
  return {
    async create(request, callOptions = {}) {
      for (let attempt = 0; ; attempt += 1) {
        try {
          const stream = await anthropic.messages.create(
            { ...(request as MessageCreateParamsBase), stream: true },
            {
              ...(callOptions.signal ? { signal: callOptions.signal } : {}),
              ...(callOptions.headers ? { headers: callOptions.headers } : {}),
            },
          );
          const accumulator = createMessageAccumulator(callOptions.onText);
          for await (const event of stream) accumulator.push(event);
          return accumulator.finish();
        } catch (error) {
          if (callOptions.signal?.aborted) throw callOptions.signal.reason ?? error;
          const reason = retryReasonOf(error);
          if (reason === undefined || attempt >= maxRetries) {
            throw new CoordinatorError(
              reason === undefined ? 'E_MODEL' : 'E_MODEL_RETRIES',
              `The model call failed${reason === undefined ? '' : ` after ${attempt + 1} attempts`}: ${failureMessage(error, messagesUrl)}`,
              { cause: error },
            );
          }
          const delayMs = backoffMs(attempt, retryAfterMs(error));
          callOptions.onRetry?.({
            attempt: attempt + 1,
            reason,
            delayMs,
            message: failureMessage(error, messagesUrl),
          });
          await sleep(delayMs, callOptions.signal);
        }
      }
    },
  };
}
