import { randomBytes } from 'node:crypto';
import type {
  Message,
  RawMessageStreamEvent,
  StopReason,
  TextBlock,
  ToolUseBlock,
  Usage,
} from '@anthropic-ai/sdk/resources/messages';
import { estimateTokens, type InputUsage } from './tokens.js';
import type { ScriptedRequestBody, ScriptedTurn } from './types.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random id in the API's style, e.g. `msg_01…`, `toolu_01…`, `req_011C…`. */
export function createId(prefix: 'msg_01' | 'toolu_01' | 'req_011C', length = 22): string {
  const bytes = randomBytes(length);
  let id = prefix;
  for (const byte of bytes) id += BASE62[byte % BASE62.length];
  return id;
}

/** The content, stop reason and stop sequence of a scripted reply after applying request limits. */
export interface ScriptedReply {
  content: Array<TextBlock | ToolUseBlock>;
  stopReason: StopReason;
  stopSequence: string | null;
  outputTokens: number;
}

/**
 * Turns a scripted turn into the reply the API would give for this request: ids generated, stop
 * sequences and `max_tokens` applied, stop reason derived unless the turn forces one.
 */
export function buildReply(turn: ScriptedTurn, body: ScriptedRequestBody): ScriptedReply {
  const blocks = [
    ...(turn.text !== undefined ? [{ type: 'text' as const, text: turn.text }] : []),
    ...(turn.content ?? []),
  ];
  const content: Array<TextBlock | ToolUseBlock> = [];
  let derived: StopReason = 'end_turn';
  let stopSequence: string | null = null;
  let budget =
    typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : Number.POSITIVE_INFINITY;
  for (const block of blocks) {
    if (block.type === 'text') {
      let text = block.text;
      const stop = firstStopSequence(text, body.stop_sequences);
      if (stop) text = text.slice(0, stop.index);
      const tokens = estimateTokens(text);
      if (tokens > budget) {
        content.push(textBlock(text.slice(0, Math.max(0, budget) * 4)));
        derived = 'max_tokens';
        break;
      }
      budget -= tokens;
      content.push(textBlock(text));
      if (stop) {
        derived = 'stop_sequence';
        stopSequence = stop.sequence;
        break;
      }
      continue;
    }
    const tokens = estimateTokens(JSON.stringify(block.input)) + estimateTokens(block.name);
    if (tokens > budget) {
      derived = 'max_tokens';
      break;
    }
    budget -= tokens;
    content.push({
      type: 'tool_use',
      id: block.id ?? createId('toolu_01'),
      name: block.name,
      input: block.input,
      caller: { type: 'direct' },
    });
    derived = 'tool_use';
  }
  const outputTokens = turn.usage?.output_tokens ?? outputTokensOf(content);
  return { content, stopReason: turn.stop_reason ?? derived, stopSequence, outputTokens };
}

function textBlock(text: string): TextBlock {
  return { type: 'text', text, citations: null };
}

function firstStopSequence(
  text: string,
  sequences: unknown,
): { index: number; sequence: string } | undefined {
  if (!Array.isArray(sequences)) return undefined;
  let best: { index: number; sequence: string } | undefined;
  for (const sequence of sequences) {
    if (typeof sequence !== 'string' || sequence === '') continue;
    const index = text.indexOf(sequence);
    if (index >= 0 && (!best || index < best.index)) best = { index, sequence };
  }
  return best;
}

function outputTokensOf(content: Array<TextBlock | ToolUseBlock>): number {
  let tokens = 1;
  for (const block of content) {
    tokens +=
      block.type === 'text' ? estimateTokens(block.text) : estimateTokens(JSON.stringify(block.input)) + 8;
  }
  return tokens;
}

/** The full `Usage` object of a reply. */
export function usageOf(input: InputUsage, outputTokens: number, turn: ScriptedTurn): Usage {
  const forced = turn.usage ?? {};
  return {
    input_tokens: forced.input_tokens ?? input.input_tokens,
    cache_creation_input_tokens: forced.cache_creation_input_tokens ?? input.cache_creation_input_tokens,
    cache_read_input_tokens: forced.cache_read_input_tokens ?? input.cache_read_input_tokens,
    cache_creation: input.cache_creation,
    output_tokens: outputTokens,
    output_tokens_details: null,
    server_tool_use: null,
    service_tier: 'standard',
    inference_geo: null,
    speed: null,
  };
}

/** The non-streaming response body. */
export function messageOf(id: string, model: string, reply: ScriptedReply, usage: Usage): Message {
  return {
    id,
    type: 'message',
    role: 'assistant',
    model,
    content: reply.content,
    stop_reason: reply.stopReason,
    stop_sequence: reply.stopSequence,
    stop_details: null,
    container: null,
    diagnostics: null,
    usage,
  };
}

/** One SSE event: its name and JSON payload. */
export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * The SSE events of a streamed reply, in the API's order: message_start, then per block
 * content_block_start / deltas / content_block_stop (a ping after the first block starts),
 * message_delta with the stop reason and final usage, message_stop.
 */
export function streamEventsOf(
  message: Message,
  options: { textChunkSize: number; jsonChunks: number },
): SseEvent[] {
  const events: SseEvent[] = [];
  const push = (event: RawMessageStreamEvent) => events.push({ event: event.type, data: event });
  const ping = () => events.push({ event: 'ping', data: { type: 'ping' } });
  push({
    type: 'message_start',
    message: {
      ...message,
      content: [],
      stop_reason: null,
      stop_sequence: null,
      usage: { ...message.usage, output_tokens: Math.min(1, message.usage.output_tokens) },
    },
  });
  if (message.content.length === 0) ping();
  message.content.forEach((block, index) => {
    if (block.type === 'text') {
      push({
        type: 'content_block_start',
        index,
        content_block: { type: 'text', text: '', citations: null },
      });
      if (index === 0) ping();
      for (const text of chunk(block.text, options.textChunkSize)) {
        push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text } });
      }
    } else if (block.type === 'tool_use') {
      push({ type: 'content_block_start', index, content_block: { ...block, input: {} } });
      if (index === 0) ping();
      // The API opens every tool input with an empty partial_json before the real pieces.
      push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
      const json = JSON.stringify(block.input);
      const size = Math.max(1, Math.ceil(Array.from(json).length / Math.max(1, options.jsonChunks)));
      for (const piece of chunk(json, size)) {
        push({
          type: 'content_block_delta',
          index,
          delta: { type: 'input_json_delta', partial_json: piece },
        });
      }
    }
    push({ type: 'content_block_stop', index });
  });
  push({
    type: 'message_delta',
    delta: {
      stop_reason: message.stop_reason,
      stop_sequence: message.stop_sequence,
      stop_details: null,
      container: null,
    },
    usage: {
      input_tokens: message.usage.input_tokens,
      cache_creation_input_tokens: message.usage.cache_creation_input_tokens,
      cache_read_input_tokens: message.usage.cache_read_input_tokens,
      output_tokens: message.usage.output_tokens,
      output_tokens_details: null,
      server_tool_use: null,
    },
  });
  push({ type: 'message_stop' });
  return events;
}

/** Serialises one SSE event as the API writes it. */
export function formatSse(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** The API's error body. */
export function errorBody(type: string, message: string, requestId: string): unknown {
  return { type: 'error', error: { type, message }, request_id: requestId };
}

/** Splits text into pieces of `size` code points (never splitting a surrogate pair). */
function chunk(text: string, size: number): string[] {
  const points = Array.from(text);
  const pieces: string[] = [];
  const step = Math.max(1, size);
  for (let start = 0; start < points.length; start += step)
    pieces.push(points.slice(start, start + step).join(''));
  return pieces;
}
