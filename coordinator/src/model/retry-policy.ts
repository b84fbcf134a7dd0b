import { APIConnectionError, APIError, APIUserAbortError } from '@anthropic-ai/sdk';

/** Why a model call is retried. */
export type RetryReason = 'rate_limited' | 'overloaded' | 'server_error' | 'connection' | 'broken_stream';

/** Classifies a failed model call: a reason to retry, or undefined for a final failure. */
export function retryReasonOf(error: unknown): RetryReason | undefined {
  if (error instanceof APIUserAbortError) return undefined;
  if (error instanceof APIConnectionError) return 'connection';
  if (error instanceof APIError) {
    const status = error.status;
    if (status === 429) return 'rate_limited';
    if (status === 529) return 'overloaded';
    if (status === 408 || status === 409) return 'server_error';
    if (status !== undefined && status >= 500) return 'server_error';
    if (status === undefined) {
      // An `error` event in the middle of a stream: no status, the type says what happened.
      const type = error.type ?? (error.error as { error?: { type?: string } } | undefined)?.error?.type;
      if (type === 'overloaded_error') return 'overloaded';
      if (type === 'rate_limit_error') return 'rate_limited';
      if (type === 'api_error' || type === undefined || type === null) return 'broken_stream';
      return undefined;
    }
    return undefined;
  }
  if (error instanceof Error && error.name === 'AbortError') return undefined;
  // Anything else thrown while reading a stream (socket reset, truncated SSE, bad JSON) is a broken stream.
  return 'broken_stream';
}

/** Milliseconds the server asked us to wait (`retry-after-ms`, then `retry-after`), if any. */
export function retryAfterMs(error: unknown): number | undefined {
  if (!(error instanceof APIError) || !error.headers) return undefined;
  const headers = error.headers as Headers;
  const rawMs = headers.get?.('retry-after-ms');
  const ms = rawMs === null || rawMs === undefined ? Number.NaN : Number(rawMs);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const raw = headers.get?.('retry-after');
  if (raw === null || raw === undefined) return undefined;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s, … capped at 16 s; a server hint wins (capped at 60 s). */
export function backoffMs(attempt: number, hintMs?: number): number {
  if (hintMs !== undefined) return Math.min(hintMs, 60_000);
  const base = Math.min(500 * 2 ** attempt, 16_000);
  return Math.round(base * (0.75 + Math.random() * 0.5));
}
