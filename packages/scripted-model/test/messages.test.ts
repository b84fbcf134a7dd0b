import Anthropic from '@anthropic-ai/sdk';
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createScriptedModelServer,
  getSystemText,
  getToolNames,
  getToolResults,
  getToolResultText,
  type ScriptedModelServer,
  type ScriptedModelServerOptions,
} from '../src/index.js';

const MODEL = 'claude-test-1';
const WEATHER_TOOL = {
  name: 'get_weather',
  description: 'Weather for a city.',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } }, required: ['city'] },
};

let server: ScriptedModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  options: ScriptedModelServerOptions,
): Promise<{ server: ScriptedModelServer; client: Anthropic }> {
  server = await createScriptedModelServer(options);
  return { server, client: new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 }) };
}

describe('scripted model: messages', () => {
  it('answers a non-streaming create with a complete Message and records the request', async () => {
    const { server, client } = await start({ script: [{ text: 'Hello there.' }] });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      system: 'You are a researcher.',
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Say hello.' }],
    });
    expect(message.id).toMatch(/^msg_01[0-9A-Za-z]{22}$/);
    expect(message).toMatchObject({
      type: 'message',
      role: 'assistant',
      model: MODEL,
      stop_reason: 'end_turn',
      stop_sequence: null,
      content: [{ type: 'text', text: 'Hello there.' }],
    });
    expect(message.usage.input_tokens).toBeGreaterThan(10);
    expect(message.usage.output_tokens).toBeGreaterThan(1);
    expect(message.usage.cache_read_input_tokens).toBe(0);
    expect(message._request_id).toMatch(/^req_011C/);

    expect(server.requests).toHaveLength(1);
    const recorded = server.requests[0]!;
    expect(recorded).toMatchObject({ method: 'POST', path: '/v1/messages', status: 200, turnIndex: 0 });
    // This SDK line sends the key as a bearer token; x-api-key is accepted too.
    expect(recorded.headers.authorization ?? `Bearer ${recorded.headers['x-api-key']}`).toBe('Bearer test');
    expect(recorded.headers['anthropic-version']).toBeTruthy();
    expect(getSystemText(recorded.body)).toBe('You are a researcher.');
    expect(getToolNames(recorded.body)).toEqual(['get_weather']);
    expect(recorded.requestId).toBe(message._request_id);
  });

  it('streams text through client.messages.stream with the API event order, pings included', async () => {
    const text = 'A streamed reply that is long enough to need several text deltas.';
    const { client } = await start({ script: [{ text }], textChunkSize: 8 });
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Go.' }],
    });
    const events: RawMessageStreamEvent[] = [];
    stream.on('streamEvent', (event) => events.push(event));
    const deltas: string[] = [];
    stream.on('text', (delta) => deltas.push(delta));
    const message = await stream.finalMessage();
    expect(message.content).toEqual([{ type: 'text', text, citations: null }]);
    expect(message.stop_reason).toBe('end_turn');
    expect(message.usage.output_tokens).toBeGreaterThan(1);
    expect(deltas.length).toBe(Math.ceil(text.length / 8));
    expect(deltas.join('')).toBe(text);
    const types = events.map((event) => event.type);
    expect(types[0]).toBe('message_start');
    expect(types[1]).toBe('content_block_start');
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
  });

  it('writes raw SSE frames exactly like the API, ping events included', async () => {
    const { server } = await start({ script: [{ text: 'Hi' }] });
    const response = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: MODEL,
        max_tokens: 10,
        stream: true,
        messages: [{ role: 'user', content: 'x' }],
      }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('request-id')).toMatch(/^req_011C/);
    const body = await response.text();
    const frames = body.split('\n\n').filter(Boolean);
    const names = frames.map((frame) => /^event: (\S+)\ndata: /.exec(frame)?.[1]);
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    const delta = JSON.parse(frames[5]!.split('data: ')[1]!);
    expect(delta).toMatchObject({
      type: 'message_delta',
      delta: { stop_reason: 'end_turn' },
      usage: { output_tokens: 2 },
    });
  });

  it('assembles a tool_use input from several input_json_delta chunks', async () => {
    const input = { city: 'Zürich', days: 3, units: { temperature: 'celsius' }, note: 'a 🌧️ week' };
    const { client } = await start({
      script: [{ text: 'Checking.', content: [{ type: 'tool_use', name: 'get_weather', input }] }],
      jsonChunks: 4,
    });
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 512,
      tools: [WEATHER_TOOL],
      messages: [{ role: 'user', content: 'Weather?' }],
    });
    const partials: string[] = [];
    stream.on('inputJson', (partial) => partials.push(partial));
    const message = await stream.finalMessage();
    expect(partials.filter((partial) => partial !== '').length).toBe(4);
    expect(partials.join('')).toBe(JSON.stringify(input));
    expect(message.stop_reason).toBe('tool_use');
    expect(message.content).toHaveLength(2);
    const toolUse = message.content[1];
    expect(toolUse?.type).toBe('tool_use');
    if (toolUse?.type !== 'tool_use') throw new Error('expected tool_use');
    expect(toolUse.id).toMatch(/^toolu_01[0-9A-Za-z]{22}$/);
    expect(toolUse.name).toBe('get_weather');
    expect(toolUse.input).toEqual(input);
  });

  it('records tool_result blocks sent back in the next request', async () => {
    const { server, client } = await start({
      script: [
        { content: [{ type: 'tool_use', name: 'get_weather', input: { city: 'Oslo' }, id: 'toolu_fixed' }] },
        { text: 'It is cold in Oslo.' },
      ],
    });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: 'Weather in Oslo?' }];
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER_TOOL],
      messages,
    });
    expect(first.stop_reason).toBe('tool_use');
    messages.push({ role: 'assistant', content: first.content });
    messages.push({
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_fixed', content: [{ type: 'text', text: '-3°C' }] },
      ],
    });
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 256,
      tools: [WEATHER_TOOL],
      messages,
    });
    expect(second.content).toEqual([{ type: 'text', text: 'It is cold in Oslo.', citations: null }]);
    const results = getToolResults(server.requests[1]!.body);
    expect(results).toHaveLength(1);
    expect(results[0]!.tool_use_id).toBe('toolu_fixed');
    expect(getToolResultText(results[0]!)).toBe('-3°C');
    expect(server.requests.map((request) => request.turnIndex)).toEqual([0, 1]);
  });

  it('derives max_tokens and stop_sequence stop reasons from the request', async () => {
    const { client } = await start({ script: [{ text: 'x'.repeat(400) }, { text: 'one two STOP three' }] });
    const truncated = await client.messages.create({
      model: MODEL,
      max_tokens: 10,
      messages: [{ role: 'user', content: 'a' }],
    });
    expect(truncated.stop_reason).toBe('max_tokens');
    expect(truncated.content[0]).toMatchObject({ type: 'text', text: 'x'.repeat(40) });
    const stopped = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      stop_sequences: ['STOP'],
      messages: [{ role: 'user', content: 'b' }],
    });
    expect(stopped).toMatchObject({ stop_reason: 'stop_sequence', stop_sequence: 'STOP' });
    expect(stopped.content[0]).toMatchObject({ text: 'one two ' });
  });

  it('reports prompt-cache creation, then reads, when the request has cache_control', async () => {
    const turn = { text: 'ok' };
    const { client } = await start({ script: [turn, turn] });
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: 'Stable instructions. '.repeat(200), cache_control: { type: 'ephemeral' } },
    ];
    const first = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system,
      messages: [{ role: 'user', content: 'one' }],
    });
    const second = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      system,
      messages: [{ role: 'user', content: 'two' }],
    });
    expect(first.usage.cache_creation_input_tokens).toBeGreaterThan(500);
    expect(first.usage.cache_read_input_tokens).toBe(0);
    expect(second.usage.cache_creation_input_tokens).toBe(0);
    expect(second.usage.cache_read_input_tokens).toBe(first.usage.cache_creation_input_tokens);
    expect(second.usage.input_tokens).toBeLessThan(20);
  });

  it('counts tokens and answers unknown paths and bad requests in the API error shape', async () => {
    const { server, client } = await start({ script: [] });
    const count = await client.messages.countTokens({
      model: MODEL,
      messages: [{ role: 'user', content: 'hello '.repeat(40) }],
    });
    expect(count.input_tokens).toBeGreaterThan(50);

    const headers = {
      'content-type': 'application/json',
      'x-api-key': 'k',
      'anthropic-version': '2023-06-01',
    };
    const missing = await fetch(`${server.url}/v1/models/nope`, { headers });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({
      type: 'error',
      error: { type: 'not_found_error', message: 'Not Found' },
    });
    expect(missing.headers.get('request-id')).toMatch(/^req_/);

    const unauthenticated = await fetch(`${server.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(unauthenticated.status).toBe(401);
    expect(await unauthenticated.json()).toMatchObject({ error: { type: 'authentication_error' } });

    const invalid = await fetch(`${server.url}/v1/messages`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model: MODEL, messages: [] }),
    });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });

    await expect(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 400, error: { error: { type: 'invalid_request_error' } } });
    // The 401, the 400 and the SDK's request are all recorded.
    expect(server.messageRequests().map((request) => request.status)).toEqual([401, 400, 400]);
  });

  it('rejects a wrong key when apiKey is set', async () => {
    const { client } = await start({ script: [{ text: 'never' }], apiKey: 'right' });
    await expect(
      client.messages.create({ model: MODEL, max_tokens: 10, messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });
});
