import { createServer } from 'node:net';
import { createScriptedModelServer, type ScriptedModelServer } from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createModelClient, type RetryInfo } from '../../src/model/model-client.js';
import { costOf } from '../../src/model/pricing.js';
import { backoffMs } from '../../src/model/retry-policy.js';

describe('model client', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('honours retry-after on a 429, retries a 500 and a mid-stream error event, and streams the reply', async () => {
    server = await createScriptedModelServer({
      script: [
        {
          text: 'Hello after three faults.',
          faults: [
            { type: 'rate_limit', retryAfterSeconds: 1 },
            { type: 'api_error', retryAfterMs: 5 },
            { type: 'stream_error', afterEvents: 3 },
          ],
        },
      ],
    });
    const retries: RetryInfo[] = [];
    const streamed: string[] = [];
    const client = createModelClient({ baseURL: server.url, apiKey: 'k', maxRetries: 4 });
    const started = performance.now();
    const message = await client.create(
      { model: 'claude-sonnet-4-6', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] },
      { onRetry: (info) => retries.push(info), onText: (delta) => streamed.push(delta) },
    );
    expect(message.content).toMatchObject([{ type: 'text', text: 'Hello after three faults.' }]);
    expect(streamed.join('')).toContain('Hello after three faults.');
    expect(retries.map((retry) => retry.reason)).toEqual(['rate_limited', 'server_error', 'overloaded']);
    expect(retries[0]?.delayMs).toBe(1000);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1000);
    expect(server.messageRequests().map((request) => request.status)).toEqual([429, 500, 200, 200]);
  });

  it('does not retry a 400 and gives up after maxRetries', async () => {
    const request = { model: 'm', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
    server = await createScriptedModelServer({
      script: [
        {
          text: 'never',
          faults: [
            { type: 'http_error', status: 400, errorType: 'invalid_request_error', message: 'bad request' },
          ],
        },
      ],
    });
    await expect(
      createModelClient({ baseURL: server.url, apiKey: 'k', maxRetries: 3 }).create(request),
    ).rejects.toMatchObject({
      code: 'E_MODEL',
      message: expect.stringContaining('bad request'),
    });
    expect(server.messageRequests()).toHaveLength(1);
    await server.close();
    server = await createScriptedModelServer({
      script: [
        {
          text: 'never',
          faults: [
            { type: 'overloaded', retryAfterMs: 1 },
            { type: 'overloaded', retryAfterMs: 1 },
            { type: 'overloaded', retryAfterMs: 1 },
          ],
        },
      ],
    });
    await expect(
      createModelClient({ baseURL: server.url, apiKey: 'k', maxRetries: 1 }).create(request),
    ).rejects.toMatchObject({
      code: 'E_MODEL_RETRIES',
      message: expect.stringContaining('after 2 attempts'),
    });
  });

  it('retries a stream cut mid-message and a tool input split across deltas arrives whole', async () => {
    server = await createScriptedModelServer({
      script: [
        {
          content: [
            { type: 'tool_use', name: 'write_file', input: { path: 'a.txt', content: 'x'.repeat(5000) } },
          ],
          faults: [{ type: 'stream_cut', afterEvents: 4 }],
        },
      ],
    });
    const retries: RetryInfo[] = [];
    const client = createModelClient({ baseURL: server.url, apiKey: 'k', maxRetries: 2 });
    const message = await client.create(
      { model: 'm', max_tokens: 10_000, messages: [{ role: 'user', content: 'write' }] },
      { onRetry: (info) => retries.push({ ...info, delayMs: 0 }) },
    );
    expect(retries.map((retry) => retry.reason)).toEqual(['broken_stream']);
    expect(message.content).toMatchObject([
      { type: 'tool_use', name: 'write_file', input: { path: 'a.txt', content: 'x'.repeat(5000) } },
    ]);
  });
});

describe('model client with a fetch of its own', () => {
  let server: ScriptedModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it('sends every request, retries included, through the fetch it was given', async () => {
    server = await createScriptedModelServer({
      script: [{ text: 'Through the given fetch.', faults: [{ type: 'overloaded', retryAfterMs: 1 }] }],
    });
    const seen: Array<{ url: string; method: string | undefined }> = [];
    const client = createModelClient({
      baseURL: server.url,
      apiKey: 'k',
      maxRetries: 2,
      fetch: (input, init) => {
        seen.push({ url: String(input instanceof Request ? input.url : input), method: init?.method });
        return fetch(input, init);
      },
    });
    const message = await client.create({
      model: 'm',
      max_tokens: 50,
      messages: [{ role: 'user', content: 'hi' }],
    });
    expect(message.content).toMatchObject([{ type: 'text', text: 'Through the given fetch.' }]);
    expect(seen).toEqual([
      { url: `${server.url}/v1/messages`, method: 'POST' },
      { url: `${server.url}/v1/messages`, method: 'POST' },
    ]);
    expect(server.messageRequests().map((request) => request.status)).toEqual([529, 200]);
  });

  it('reports a failing fetch as a model error with its cause', async () => {
    const failure = new Error('no route to the model');
    const client = createModelClient({
      baseURL: 'http://127.0.0.1:9',
      apiKey: 'k',
      maxRetries: 0,
      fetch: () => Promise.reject(failure),
    });
    await expect(
      client.create({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({
      code: 'E_MODEL_RETRIES',
      message: expect.stringContaining('after 1 attempts'),
    });
  });
});

describe('model client, shared', () => {
  it('prices usage by the longest matching model prefix and backs off exponentially', () => {
    const prices = {
      'claude-sonnet-4': { input: 3, output: 15 },
      'claude-sonnet-4-6': { input: 2, output: 10 },
    };
    expect(
      costOf(
        { inputTokens: 1_000_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0 },
        'claude-sonnet-4-6',
        prices,
      ),
    ).toBeCloseTo(3);
    expect(
      costOf(
        { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 1_000_000, cacheWriteTokens: 0 },
        'claude-sonnet-4-0',
        prices,
      ),
    ).toBeCloseTo(3.3);
    expect(
      costOf({ inputTokens: 5, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 }, 'unknown', prices),
    ).toBe(0);
    expect(backoffMs(0, 250)).toBe(250);
    expect(backoffMs(3)).toBeGreaterThanOrEqual(3000);
    expect(backoffMs(20)).toBeLessThanOrEqual(20_000);
  });
});

/** A loopback port that nothing listens on (it was listened on, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('model client, connection failures', () => {
  it('names the URL it could not reach (without credentials or query) on every retry and in the final error', async () => {
    const port = await closedPort();
    const retries: RetryInfo[] = [];
    const request = { model: 'm', max_tokens: 10, messages: [{ role: 'user' as const, content: 'x' }] };
    const failureOf = (promise: Promise<unknown>) =>
      promise.then(
        () => undefined,
        (error: Error & { code?: string }) => error,
      );
    const refused = await failureOf(
      createModelClient({ baseURL: `http://127.0.0.1:${port}/gateway`, apiKey: 'k', maxRetries: 1 }).create(
        request,
        { onRetry: (info) => retries.push(info) },
      ),
    );
    const where = `http://127.0.0.1:${port}/gateway/v1/messages`;
    expect(refused?.code).toBe('E_MODEL_RETRIES');
    expect(refused?.message).toContain(`Connection error. (${where}: ECONNREFUSED)`);
    expect(retries.map((retry) => retry.message)).toEqual([`Connection error. (${where}: ECONNREFUSED)`]);
    const secret = await failureOf(
      createModelClient({
        baseURL: `http://user:secret-password@127.0.0.1:${port}/gateway?key=secret-query`,
        apiKey: 'secret-api-key',
        maxRetries: 0,
      }).create(request, { headers: { 'x-secret-header': 'secret-header' } }),
    );
    expect(secret?.message).toContain(`(${where}`);
    expect(secret?.message).not.toMatch(/secret/);
  });
});
