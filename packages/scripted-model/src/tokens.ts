import { createHash } from 'node:crypto';
import type { ScriptedRequestBody } from './types.js';

/** Roughly four characters per token, like English text through Claude's tokenizer; at least 1. */
export function estimateTokens(text: string): number {
  return Math.max(1, Math.ceil(text.length / 4));
}

/** Input-side usage of one request. */
export interface InputUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
}

interface Segment {
  text: string;
  tokens: number;
  ttl: '5m' | '1h' | undefined;
}

/** Per-message framing the real tokenizer adds around each turn (role markers). */
const MESSAGE_OVERHEAD_TOKENS = 3;

/**
 * A prompt cache like the API's: prefixes ending at a `cache_control` breakpoint are remembered per
 * server; a request reads the longest remembered prefix and writes the rest up to its last
 * breakpoint. Prefix order is tools, then system, then messages, as in the real API.
 */
export interface PromptCache {
  /** Usage for a request; remembers its breakpoint prefixes when `remember` is true. */
  measure(body: ScriptedRequestBody, remember: boolean): InputUsage;
}

/** Creates an empty prompt cache (one per server, so servers never share state). */
export function createPromptCache(): PromptCache {
  const known = new Set<string>();
  return {
    measure(body, remember) {
      const segments = segmentsOf(body);
      const total = segments.reduce((sum, segment) => sum + segment.tokens, 0);
      const hash = createHash('sha256');
      const breakpoints: Array<{ key: string; tokens: number; ttl: '5m' | '1h' }> = [];
      let prefixTokens = 0;
      for (const segment of segments) {
        hash.update(segment.text).update('\u0000');
        prefixTokens += segment.tokens;
        if (segment.ttl)
          breakpoints.push({ key: hash.copy().digest('hex'), tokens: prefixTokens, ttl: segment.ttl });
      }
      const last = breakpoints.at(-1);
      if (!last) {
        return {
          input_tokens: total,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
        };
      }
      const hit = [...breakpoints].reverse().find((breakpoint) => known.has(breakpoint.key));
      const read = hit?.tokens ?? 0;
      const created = last.tokens - read;
      if (remember) for (const breakpoint of breakpoints) known.add(breakpoint.key);
      return {
        input_tokens: total - last.tokens,
        cache_creation_input_tokens: created,
        cache_read_input_tokens: read,
        cache_creation: {
          ephemeral_5m_input_tokens: last.ttl === '5m' ? created : 0,
          ephemeral_1h_input_tokens: last.ttl === '1h' ? created : 0,
        },
      };
    },
  };
}

/** Total estimated input tokens of a request, as `count_tokens` reports them. */
export function countInputTokens(body: Partial<ScriptedRequestBody>): number {
  return segmentsOf(body).reduce((sum, segment) => sum + segment.tokens, 0);
}

function segmentsOf(body: Partial<ScriptedRequestBody>): Segment[] {
  const segments: Segment[] = [];
  for (const tool of asArray(body.tools)) segments.push(segmentOf(tool, 0));
  if (typeof body.system === 'string') segments.push(segmentOf(body.system, 0));
  else for (const block of asArray(body.system)) segments.push(segmentOf(block, 0));
  for (const message of asArray(body.messages)) {
    const content = (message as { content?: unknown }).content;
    if (typeof content === 'string' || !Array.isArray(content)) {
      segments.push(segmentOf(content ?? '', MESSAGE_OVERHEAD_TOKENS));
      continue;
    }
    content.forEach((block, position) => {
      segments.push(segmentOf(block, position === 0 ? MESSAGE_OVERHEAD_TOKENS : 0));
    });
  }
  // Top-level `cache_control` is automatic caching: the breakpoint sits on the last block.
  const automatic = ttlOf(body.cache_control);
  const lastSegment = segments.at(-1);
  if (automatic && lastSegment) lastSegment.ttl = automatic;
  return segments;
}

function segmentOf(value: unknown, overhead: number): Segment {
  if (typeof value === 'string')
    return { text: value, tokens: estimateTokens(value) + overhead, ttl: undefined };
  const { cache_control: cacheControl, ...rest } = (value ?? {}) as Record<string, unknown>;
  const text = JSON.stringify(rest);
  return { text, tokens: estimateTokens(text) + overhead, ttl: ttlOf(cacheControl) };
}

function ttlOf(cacheControl: unknown): '5m' | '1h' | undefined {
  if (!cacheControl || typeof cacheControl !== 'object') return undefined;
  return (cacheControl as { ttl?: unknown }).ttl === '1h' ? '1h' : '5m';
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
