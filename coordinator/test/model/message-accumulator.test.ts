import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { describe, expect, it } from 'vitest';
import { createMessageAccumulator, IncompleteStreamError } from '../../src/model/message-accumulator.js';

const start = {
  type: 'message_start',
  message: {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    model: 'claude-test',
    content: [],
    stop_reason: null,
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 1, cache_creation_input_tokens: 3, cache_read_input_tokens: 4 },
  },
} as unknown as RawMessageStreamEvent;

function events(...list: unknown[]): RawMessageStreamEvent[] {
  return list as RawMessageStreamEvent[];
}

describe('message accumulator', () => {
  it('builds text, thinking and tool_use blocks, stop reason and usage from the raw events', () => {
    const streamed: string[] = [];
    const accumulator = createMessageAccumulator((text) => streamed.push(text));
    const input = { path: '/tmp/a.txt', content: 'x'.repeat(5000), nested: { list: [1, 2, 3] } };
    const json = JSON.stringify(input);
    const chunks = json.match(/.{1,37}/gs) ?? [];
    for (const event of events(
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'thinking', thinking: '', signature: '' },
      },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'Let me ' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'thinking_delta', thinking: 'think.' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'content_block_start', index: 1, content_block: { type: 'text', text: '', citations: null } },
      { type: 'ping' },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'Hello, ' } },
      { type: 'content_block_delta', index: 1, delta: { type: 'text_delta', text: 'world.' } },
      { type: 'content_block_stop', index: 1 },
      {
        type: 'content_block_start',
        index: 2,
        content_block: { type: 'tool_use', id: 't1', name: 'write', input: {} },
      },
      ...chunks.map((partial_json) => ({
        type: 'content_block_delta',
        index: 2,
        delta: { type: 'input_json_delta', partial_json },
      })),
      { type: 'content_block_stop', index: 2 },
      {
        type: 'content_block_start',
        index: 3,
        content_block: { type: 'tool_use', id: 't2', name: 'list', input: {} },
      },
      { type: 'content_block_stop', index: 3 },
      {
        type: 'message_delta',
        delta: { stop_reason: 'tool_use', stop_sequence: null },
        usage: { output_tokens: 99, input_tokens: null },
      },
      { type: 'message_stop' },
    )) {
      accumulator.push(event);
    }
    const message = accumulator.finish();
    expect(chunks.length).toBeGreaterThan(100);
    expect(streamed).toEqual(['Hello, ', 'world.']);
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig' },
      { type: 'text', text: 'Hello, world.', citations: null },
      { type: 'tool_use', id: 't1', name: 'write', input },
      { type: 'tool_use', id: 't2', name: 'list', input: {} },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toEqual({
      input_tokens: 12,
      output_tokens: 99,
      cache_creation_input_tokens: 3,
      cache_read_input_tokens: 4,
    });
    // The first event's message is not mutated (the SDK may hold on to it).
    expect((start as { message: { content: unknown[] } }).message.content).toEqual([]);
  });

  it('refuses a stream that ended before message_stop, so the call is retried', () => {
    const accumulator = createMessageAccumulator();
    accumulator.push(start);
    accumulator.push(
      events({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })[0]!,
    );
    expect(() => accumulator.finish()).toThrow(IncompleteStreamError);
    expect(() => createMessageAccumulator().finish()).toThrow(/ended before the message was complete/);
  });

  it('refuses a tool input that is not JSON rather than running the tool on a guess', () => {
    const accumulator = createMessageAccumulator();
    for (const event of events(
      start,
      {
        type: 'content_block_start',
        index: 0,
        content_block: { type: 'tool_use', id: 't', name: 'x', input: {} },
      },
      {
        type: 'content_block_delta',
        index: 0,
        delta: { type: 'input_json_delta', partial_json: '{"path": "/a' },
      },
    )) {
      accumulator.push(event);
    }
    expect(() => accumulator.push(events({ type: 'content_block_stop', index: 0 })[0]!)).toThrow(
      expect.objectContaining({
        code: 'E_STREAM_INCOMPLETE',
        message: expect.stringMatching(/not valid JSON/),
      }),
    );
  });

  it('refuses deltas for blocks that never started and events before message_start', () => {
    const accumulator = createMessageAccumulator();
    expect(() =>
      accumulator.push(
        events({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } })[0]!,
      ),
    ).toThrow(IncompleteStreamError);
    accumulator.push(start);
    expect(() =>
      accumulator.push(
        events({ type: 'content_block_delta', index: 5, delta: { type: 'text_delta', text: 'x' } })[0]!,
      ),
    ).toThrow(/never started/);
  });
});
