import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { createScriptedModelServer, type ScriptedModelServer } from '../src/index.js';

const MODEL = 'claude-test-1';
const PARAMS = { model: MODEL, max_tokens: 100, messages: [{ role: 'user' as const, content: 'hi' }] };

let server: ScriptedModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

function clientFor(url: string, maxRetries: number): Anthropic {
  return new Anthropic({ apiKey: 'test', baseURL: url, maxRetries });
}

describe('scripted model: faults', () => {
  it('429 with retry-after is retried by the SDK after the advertised wait, then succeeds', async () => {
    server = await createScriptedModelServer({
      script: [{ text: 'after the limit', faults: [{ type: 'rate_limit', retryAfterSeconds: 1 }] }],
    });
    const message = await clientFor(server.url, 2).messages.create(PARAMS);
    expect(message.content[0]).toMatchObject({ text: 'after the limit' });
    const [limited, retried] = server.messageRequests();
    expect(limited).toMatchObject({ status: 429, fault: 'rate_limit', turnIndex: 0 });
    expect(retried).toMatchObject({ status: 200, turnIndex: 0 });
    expect(retried!.headers['x-stainless-retry-count']).toBe('1');
    expect(retried!.receivedAt - limited!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it('429 body and headers have the real shape', async () => {
    server = await createScriptedModelServer({
      script: [],
      faults: [{ requestIndex: 0, fault: { type: 'rate_limit' } }],
    });
    const error = await clientFor(server.url, 0)
      .messages.create(PARAMS)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } });
    expect(rateLimit.headers.get('retry-after')).toBe('1');
    expect(rateLimit.requestID).toBe(server.requests[0]!.requestId);
  });

  it('529 overloaded then success, without consuming the turn', async () => {
    server = await createScriptedModelServer({
      script: [{ text: 'first' }, { text: 'second' }],
      faults: [{ requestIndex: 0, fault: { type: 'overloaded', retryAfterMs: 5 } }],
    });
    const client = clientFor(server.url, 2);
    expect((await client.messages.create(PARAMS)).content[0]).toMatchObject({ text: 'first' });
    expect((await client.messages.create(PARAMS)).content[0]).toMatchObject({ text: 'second' });
    expect(server.messageRequests().map((request) => request.status)).toEqual([529, 200, 200]);
  });

  it('529 surfaces as an overloaded_error APIError when retries run out', async () => {
    server = await createScriptedModelServer({
      script: [{ text: 'x', faults: [{ type: 'overloaded' }, { type: 'overloaded' }] }],
    });
    const error = await clientFor(server.url, 0)
      .messages.create(PARAMS)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({
      status: 529,
      error: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
    });
  });

  it('500 api_error fails without retries and is retried to success with them', async () => {
    server = await createScriptedModelServer({
      script: {
        progress: 'conversation',
        turns: [{ text: 'recovered', faults: [{ type: 'api_error', retryAfterMs: 5 }] }],
      },
    });
    const error = await clientFor(server.url, 0)
      .messages.create(PARAMS)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({ status: 500, error: { error: { type: 'api_error' } } });
    // Same body again: the attempt after the fault gets the reply.
    const message = await clientFor(server.url, 0).messages.create(PARAMS);
    expect(message.content[0]).toMatchObject({ text: 'recovered' });
  });

  it('a stream cut mid-message rejects finalMessage', async () => {
    server = await createScriptedModelServer({
      script: [
        { text: 'This reply will never finish streaming.', faults: [{ type: 'stream_cut', afterEvents: 4 }] },
      ],
      textChunkSize: 4,
    });
    const stream = clientFor(server.url, 2).messages.stream(PARAMS);
    const seen: string[] = [];
    stream.on('streamEvent', (event) => seen.push(event.type));
    await expect(stream.finalMessage()).rejects.toThrow();
    expect(seen).toContain('message_start');
    expect(seen).not.toContain('message_stop');
    // The SDK does not retry a stream that already started.
    expect(server.messageRequests()).toHaveLength(1);
    expect(server.messageRequests()[0]).toMatchObject({ status: 200, fault: 'stream_cut' });
  });

  it('a cut before a non-streaming response is a connection error the SDK retries', async () => {
    server = await createScriptedModelServer({
      script: [{ text: 'second try', faults: [{ type: 'stream_cut' }] }],
    });
    const message = await clientFor(server.url, 1).messages.create(PARAMS);
    expect(message.content[0]).toMatchObject({ text: 'second try' });
    expect(server.messageRequests().map((request) => request.status)).toEqual([0, 200]);
  });

  it('an SSE error event mid-stream surfaces as an APIError of that type', async () => {
    server = await createScriptedModelServer({
      script: [{ text: 'partial reply', faults: [{ type: 'stream_error', afterEvents: 3 }] }],
    });
    const stream = clientFor(server.url, 0).messages.stream(PARAMS);
    const error = await stream.finalMessage().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.APIError);
    expect(error).toMatchObject({ error: { type: 'error', error: { type: 'overloaded_error' } } });
  });

  it('an exhausted script answers 400 with x-should-retry: false, or the fallback', async () => {
    server = await createScriptedModelServer({ script: [{ text: 'only' }] });
    const client = clientFor(server.url, 3);
    await client.messages.create(PARAMS);
    const error = await client.messages.create(PARAMS).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(String((error as Error).message)).toContain('used all of its 1 turns');
    expect(server.messageRequests()).toHaveLength(2);
    await server.close();

    server = await createScriptedModelServer({ script: [], fallback: { text: 'fallback' } });
    expect((await clientFor(server.url, 0).messages.create(PARAMS)).content[0]).toMatchObject({
      text: 'fallback',
    });
  });
});
