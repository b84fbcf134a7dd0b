import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import {
  countAssistantMessages,
  createScriptedModelServer,
  getSystemText,
  getToolResults,
  getToolResultText,
  type ScriptedModelServer,
  type ScriptedTurn,
} from '../src/index.js';

const MODEL = 'claude-test-1';
const LOOKUP_TOOL = {
  name: 'lookup',
  description: 'Looks a key up.',
  input_schema: { type: 'object' as const, properties: { key: { type: 'string' } } },
};

let server: ScriptedModelServer | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** A minimal agent loop over the real SDK (streaming): tool calls are answered with "value-of-<key>". */
async function runAgent(
  client: Anthropic,
  system: string,
  prompt: string,
): Promise<{ text: string; turns: number }> {
  const messages: Anthropic.MessageParam[] = [{ role: 'user', content: prompt }];
  for (let turns = 1; turns <= 10; turns += 1) {
    const message = await client.messages
      .stream({ model: MODEL, max_tokens: 1024, system, tools: [LOOKUP_TOOL], messages })
      .finalMessage();
    messages.push({ role: 'assistant', content: message.content });
    if (message.stop_reason !== 'tool_use') {
      return {
        text: message.content.map((block) => (block.type === 'text' ? block.text : '')).join(''),
        turns,
      };
    }
    const results: Anthropic.ToolResultBlockParam[] = [];
    for (const block of message.content) {
      if (block.type !== 'tool_use') continue;
      results.push({
        type: 'tool_result',
        tool_use_id: block.id,
        content: `value-of-${(block.input as { key: string }).key}`,
      });
    }
    messages.push({ role: 'user', content: results });
  }
  throw new Error('agent did not finish');
}

function lookupTurn(key: string, delayMs = 0): ScriptedTurn {
  return { content: [{ type: 'tool_use', name: 'lookup', input: { key } }], eventDelayMs: delayMs };
}

describe('scripted model: routing', () => {
  it('routes concurrent agents to their own keyed scripts by system prompt', async () => {
    server = await createScriptedModelServer({
      script: [
        {
          name: 'researcher',
          match: ({ body }) => getSystemText(body).includes('researcher'),
          turns: [lookupTurn('sources', 2), lookupTurn('quotes', 2), { text: 'research done' }],
        },
        {
          name: 'writer',
          match: ({ body }) => getSystemText(body).includes('writer'),
          turns: [lookupTurn('outline', 3), { text: 'draft done' }],
        },
      ],
    });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
    const [research, writing] = await Promise.all([
      runAgent(client, 'You are a researcher.', 'Find sources.'),
      runAgent(client, 'You are a writer.', 'Write it.'),
    ]);
    expect(research).toEqual({ text: 'research done', turns: 3 });
    expect(writing).toEqual({ text: 'draft done', turns: 2 });
    const byRoute = (name: string) => server!.messageRequests().filter((request) => request.route === name);
    expect(byRoute('researcher').map((request) => request.turnIndex)).toEqual([0, 1, 2]);
    expect(byRoute('writer').map((request) => request.turnIndex)).toEqual([0, 1]);
    const researcherResults = byRoute('researcher')
      .flatMap((request) => getToolResults(request.body).slice(-1))
      .map(getToolResultText);
    expect(researcherResults).toEqual(['value-of-sources', 'value-of-quotes']);
  });

  it('stateless conversation mode lets many concurrent conversations share one script', async () => {
    server = await createScriptedModelServer({
      script: {
        progress: 'conversation',
        turns: [
          lookupTurn('a', 1),
          lookupTurn('b', 1),
          { text: 'finished', faults: [{ type: 'overloaded', retryAfterMs: 1 }] },
        ],
      },
    });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 2 });
    const runs = await Promise.all(
      ['one', 'two', 'three', 'four'].map((name) =>
        runAgent(client, `You are agent ${name}.`, `Task ${name}`),
      ),
    );
    expect(runs).toEqual(Array.from({ length: 4 }, () => ({ text: 'finished', turns: 3 })));
    const requests = server.messageRequests();
    // 4 conversations x 3 turns, plus one 529 per conversation on its last turn.
    expect(requests).toHaveLength(16);
    expect(requests.filter((request) => request.status === 529)).toHaveLength(4);
    for (const request of requests) expect(request.turnIndex).toBe(countAssistantMessages(request.body));
  });

  it('a responder function picks turns and faults per request', async () => {
    server = await createScriptedModelServer({
      script: ({ body, attempt }) => {
        const system = getSystemText(body);
        const done = countAssistantMessages(body);
        if (system.includes('flaky') && attempt === 0)
          return { faults: [{ type: 'rate_limit', retryAfterMs: 1 }] };
        return done === 0
          ? lookupTurn(system.includes('flaky') ? 'flaky-key' : 'steady-key')
          : { text: `done by ${system}` };
      },
    });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 2 });
    const [flaky, steady] = await Promise.all([
      runAgent(client, 'flaky', 'go'),
      runAgent(client, 'steady', 'go'),
    ]);
    expect(flaky.text).toBe('done by flaky');
    expect(steady.text).toBe('done by steady');
    expect(server.messageRequests().filter((request) => request.status === 429)).toHaveLength(2);
  });

  it('waitForMessageRequests resolves when the model is called, before the delayed reply', async () => {
    server = await createScriptedModelServer({ script: [{ text: 'slow', delayMs: 200 }] });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
    const pending = client.messages.create({
      model: MODEL,
      max_tokens: 10,
      messages: [{ role: 'user', content: 'x' }],
    });
    const [request] = await server.waitForMessageRequests(1);
    expect(request?.status).toBe(0);
    expect((await pending).content[0]).toMatchObject({ text: 'slow' });
    expect(request?.status).toBe(200);
    await expect(server.waitForMessageRequests(2, 50)).rejects.toMatchObject({
      name: 'ScriptedModelError',
      code: 'E_WAIT',
      message: 'Expected 2 model requests, got 1.',
    });
  });

  it('serves the last turn again past the end of a route that repeats it, and errs on one that does not', async () => {
    server = await createScriptedModelServer({
      script: [
        {
          name: 'looping',
          match: ({ body }) => getSystemText(body) === 'loop',
          turns: [{ text: 'first' }, lookupTurn('again')],
          progress: 'conversation',
          repeatLastTurn: true,
        },
        { name: 'sequential', turns: [{ text: 'only once' }], repeatLastTurn: false },
      ],
    });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
    const ask = (system: string, assistantTurns: number) =>
      client.messages.create({
        model: MODEL,
        max_tokens: 50,
        system,
        messages: [
          { role: 'user', content: 'go' },
          ...Array.from({ length: assistantTurns }, () => [
            { role: 'assistant' as const, content: 'earlier' },
            { role: 'user' as const, content: 'next' },
          ]).flat(),
        ],
      });
    for (const assistantTurns of [1, 2, 5]) {
      const reply = await ask('loop', assistantTurns);
      expect(reply.content).toMatchObject([{ type: 'tool_use', name: 'lookup', input: { key: 'again' } }]);
    }
    expect(server.messageRequests().map((request) => request.turnIndex)).toEqual([1, 1, 1]);
    expect((await ask('other', 0)).content).toMatchObject([{ type: 'text', text: 'only once' }]);
    await expect(ask('other', 0)).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining('route sequential used all of its 1 turns'),
    });
  });

  it('refuses a script that mixes turns and routes', async () => {
    await expect(
      createScriptedModelServer({ script: [{ text: 'a turn' }, { turns: [{ text: 'a route' }] }] as never }),
    ).rejects.toMatchObject({ name: 'ScriptedModelError', code: 'E_SCRIPT' });
  });

  it('serves many delayed replies at once without a listener-leak warning', async () => {
    server = await createScriptedModelServer({ script: () => ({ text: 'later', delayMs: 50 }) });
    const client = new Anthropic({ apiKey: 'test', baseURL: server.url, maxRetries: 0 });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const replies = await Promise.all(
        Array.from({ length: 16 }, () =>
          client.messages.create({
            model: MODEL,
            max_tokens: 10,
            messages: [{ role: 'user', content: 'x' }],
          }),
        ),
      );
      expect(replies.map((reply) => reply.content[0])).toEqual(
        Array.from({ length: 16 }, () => expect.objectContaining({ text: 'later' })),
      );
      // Warnings are emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
  });
});
