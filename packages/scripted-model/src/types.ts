import type { MessageCreateParamsBase, StopReason } from '@anthropic-ai/sdk/resources/messages';

/** A text block the scripted model replies with. */
export interface ScriptedTextBlock {
  type: 'text';
  text: string;
}

/** A tool call the scripted model makes; `id` is generated (`toolu_…`) unless given. */
export interface ScriptedToolUseBlock {
  type: 'tool_use';
  name: string;
  input: Record<string, unknown>;
  id?: string;
}

/** One content block of a scripted reply. */
export type ScriptedBlock = ScriptedTextBlock | ScriptedToolUseBlock;

/**
 * A fault the server injects instead of (or in the middle of) a reply. Every HTTP error body has the
 * real shape `{ type: 'error', error: { type, message }, request_id }` and a `request-id` header.
 * - `rate_limit`: 429 `rate_limit_error` with `retry-after` (seconds). `retryAfterSeconds` sends only
 *   that header, as the real API does; otherwise `retryAfterMs` (default 10) is sent as
 *   `retry-after-ms` (which the SDK prefers) plus `retry-after` rounded up to whole seconds.
 * - `overloaded`: 529 `overloaded_error`. `api_error`: 500 `api_error`. The SDK retries all three.
 * - `http_error`: any status and error type, e.g. 400 `invalid_request_error` (not retried).
 * - `stream_cut`: the socket is destroyed after `afterEvents` SSE events (default 3: message_start,
 *   content_block_start, ping) so the SDK sees a broken stream; on a non-streaming request the socket
 *   is destroyed before any response (the SDK reports a connection error and retries).
 * - `stream_error`: after `afterEvents` events an SSE `error` event is sent (default
 *   `overloaded_error`), as the real API does when it fails mid-stream; non-streaming requests get the
 *   matching HTTP status instead.
 */
export type ScriptedFault =
  | { type: 'rate_limit'; retryAfterSeconds?: number; retryAfterMs?: number; message?: string }
  | { type: 'overloaded'; retryAfterMs?: number; message?: string }
  | { type: 'api_error'; retryAfterMs?: number; message?: string }
  | {
      type: 'http_error';
      status: number;
      errorType: string;
      message?: string;
      headers?: Record<string, string>;
    }
  | { type: 'stream_cut'; afterEvents?: number }
  | { type: 'stream_error'; afterEvents?: number; errorType?: string; message?: string };

/** Usage numbers a turn may force; anything left out is estimated from the request and reply. */
export interface ScriptedUsage {
  input_tokens?: number;
  output_tokens?: number;
  cache_creation_input_tokens?: number;
  cache_read_input_tokens?: number;
}

/**
 * One reply of the scripted model.
 *
 * `text` is shorthand for a single leading text block; `content` lists text and tool_use blocks in
 * order (both may be given: `text` comes first). `stop_reason` is derived unless given: `tool_use`
 * when the reply calls a tool; `stop_sequence` when a request `stop_sequences` entry occurs in the
 * text (the text is cut there); `max_tokens` when the reply's estimated tokens exceed the request's
 * `max_tokens` (text is truncated to fit and trailing tool calls dropped); otherwise `end_turn`.
 */
export interface ScriptedTurn {
  text?: string;
  content?: ScriptedBlock[];
  stop_reason?: StopReason;
  usage?: ScriptedUsage;
  /** Replies with this model name instead of echoing the request's `model`. */
  model?: string;
  /** Waits this long before answering (the whole response, headers included). */
  delayMs?: number;
  /** Waits this long between SSE events when streaming. */
  eventDelayMs?: number;
  /**
   * Faults served, in order, on the first attempts at this turn; the turn itself is served on the
   * attempt after the last fault. A retry of the same request is the next attempt, so
   * `faults: [{ type: 'rate_limit' }]` means "429 once, then this reply". A `stream_cut` or
   * `stream_error` counts as an attempt too.
   */
  faults?: ScriptedFault[];
}

/** The request as the scripted model sees it: the parsed JSON body of `POST /v1/messages`. */
export type ScriptedRequestBody = MessageCreateParamsBase;

/** What a responder function or a route matcher gets for each `POST /v1/messages`. */
export interface ScriptedRequestContext {
  body: ScriptedRequestBody;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** 0-based index among all `POST /v1/messages` requests this server received. */
  requestIndex: number;
  /** How many earlier requests had a byte-identical body (0 on the first try; retries count up). */
  attempt: number;
}

/**
 * A function script: called for every `POST /v1/messages` (retries included) and answers with the
 * turn to serve. It is stateless from the server's point of view: use `context.attempt` to fault the
 * first try only, or count assistant messages (`countAssistantMessages`) to know how far the
 * conversation got. The returned turn's `faults` are applied by attempt, as in a `'conversation'`
 * route: `faults[context.attempt]` is served when present, else the turn.
 */
export type ScriptedResponder = (context: ScriptedRequestContext) => ScriptedTurn | Promise<ScriptedTurn>;

/**
 * A keyed script: requests for which `match` returns true (every request when `match` is omitted)
 * are served from `turns`. The server picks the first route whose `match` accepts the request.
 *
 * `progress` says which turn a request gets:
 * - `'sequential'` (default): the next unused turn of this route. Turns are shared by every
 *   conversation the route matches, so use it for one conversation per route (e.g. one route per
 *   agent role, matched on its system prompt).
 * - `'conversation'`: stateless. The turn index is the number of assistant messages in
 *   `request.messages`, so any number of concurrent conversations running the same script each
 *   progress independently (and a retry gets the same turn again).
 */
export interface ScriptedRoute {
  /** Shown in recorded requests and error messages. */
  name?: string;
  match?: (context: ScriptedRequestContext) => boolean;
  turns: ScriptedTurn[];
  progress?: 'sequential' | 'conversation';
  /**
   * Serves the last turn again to a request past the end of `turns` (default false: such a request
   * gets the fallback, or a 400 that names the route).
   */
  repeatLastTurn?: boolean;
}

/**
 * A script: a list of turns (one sequential route matching everything), one route, a list of routes
 * (first match wins), or a responder function.
 */
export type ScriptedModelScript = ScriptedTurn[] | ScriptedRoute | ScriptedRoute[] | ScriptedResponder;

/** A fault served on a given `POST /v1/messages` request index, whatever turn it would get. */
export interface ScriptedRequestFault {
  /** 0-based index among all `POST /v1/messages` requests (retries count). */
  requestIndex: number;
  fault: ScriptedFault;
}

/** Options for {@link createScriptedModelServer}. */
export interface ScriptedModelServerOptions {
  script: ScriptedModelScript;
  /** Faults injected by request index, before any turn is picked (the turn is not consumed). */
  faults?: ScriptedRequestFault[];
  /**
   * Served when no route matches or the matching route has no turn left. Without it, such a request
   * gets a 400 `invalid_request_error` with `x-should-retry: false` that names the problem.
   */
  fallback?: ScriptedTurn;
  /** Size, in characters, of each `text_delta` (default 12). */
  textChunkSize?: number;
  /** Number of `input_json_delta` events a tool input is split into (default 3; at least 1). */
  jsonChunks?: number;
  /** When set, requests must carry this key in `x-api-key` (or as a bearer token), else 401. */
  apiKey?: string;
  /** Default wait between SSE events, in ms (default 0). */
  eventDelayMs?: number;
}

/** One HTTP request the server received, in arrival order. */
export interface RecordedRequest {
  /** 0-based arrival index over every request (any path). */
  index: number;
  method: string;
  /** Path without the query string. */
  path: string;
  /** Lower-cased request headers. */
  headers: Record<string, string>;
  /** The parsed JSON body (`undefined` when empty or not JSON). */
  body: ScriptedRequestBody;
  /** `Date.now()` when the request arrived (for asserting retry waits). */
  receivedAt: number;
  /** The `request-id` the server answered with. */
  requestId: string;
  /** The HTTP status answered (200 for a stream later cut; 0 while pending or when no response was sent). */
  status: number;
  /** The route that served it (its `name`, or `#<position>`), when a route did. */
  route?: string;
  /** Index of the turn served within its route, when a turn was served. */
  turnIndex?: number;
  /** The fault served, if any. */
  fault?: ScriptedFault['type'];
}
