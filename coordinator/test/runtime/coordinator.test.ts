import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  countAssistantMessages,
  getSystemText,
  getToolNames,
  getToolResults,
  getToolResultText,
  type RecordedRequest,
  type ScriptedRoute,
  type ScriptedTurn,
} from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/runtime/events.js';
import { agentFile, createTestProject, echoServer, type TestProject } from '../helpers/project.js';

const byAgent = (agent: string, turns: ScriptedTurn[]): ScriptedRoute => ({
  name: agent,
  match: (context) => context.headers['x-meshwork-agent'] === agent,
  turns,
  progress: 'conversation',
});

const requestsOf = (project: TestProject, agent: string): RecordedRequest[] =>
  project.model
    .messageRequests()
    .filter((request) => request.headers['x-meshwork-agent'] === agent && request.status === 200);

const meshwork = (extra: Record<string, unknown> = {}) => ({
  mcpServers: { echo: echoServer() },
  profiles: {
    talker: { allow: ['echo:echo_text(hello*)'] },
    mute: { allow: [] },
  },
  model: { name: 'claude-sonnet-4-6', maxRetries: 3 },
  ...extra,
});

describe('coordinator runs', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.close();
    project = undefined;
  });

  it('runs a plan: each agent sees only its profile tools, denied arguments come back as isError, the report merges both', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents: {
        'alpha.md': agentFile('alpha', 'talker', 'You talk.'),
        'beta.md': agentFile('beta', 'mute', 'You think.'),
      },
      script: [
        byAgent('alpha', [
          {
            content: [
              { type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello world' } },
              { type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'bye' } },
            ],
          },
          { text: 'Said hello.\nBye was refused.' },
        ]),
        byAgent('beta', [{ text: 'Thought about it.' }]),
      ],
    });
    const events: RunEvent[] = [];
    const report = await project.coordinator.run({
      task: 'plan',
      plan: [
        { agent: 'alpha', task: 'Say hello and bye.' },
        { agent: 'beta', task: 'Think.' },
      ],
      onEvent: (event) => events.push(event),
    });
    expect(report.status).toBe('succeeded');
    expect(report.mode).toBe('plan');
    const alpha = requestsOf(project, 'alpha');
    const beta = requestsOf(project, 'beta');
    expect(getToolNames(alpha[0]?.body)).toEqual(['mcp__echo__echo_text']);
    expect(getToolNames(beta[0]?.body)).toEqual([]);
    // Prompt caching on the stable prefix: the system prompt and the last tool.
    expect(JSON.stringify(alpha[0]?.body.system)).toContain('"cache_control":{"type":"ephemeral"}');
    expect(JSON.stringify(alpha[0]?.body.tools?.at(-1))).toContain('cache_control');
    const results = getToolResults(alpha[1]?.body);
    expect(results.map((result) => result.is_error === true)).toEqual([false, true]);
    expect(getToolResultText(results[0] as never)).toContain('echo: hello world');
    expect(getToolResultText(results[1] as never)).toMatch(/^Permission denied: .*echo:echo_text/);
    expect(report.agents.map((agent) => [agent.id, agent.status, agent.profile])).toEqual([
      ['alpha#1', 'succeeded', 'talker'],
      ['beta#1', 'succeeded', 'mute'],
    ]);
    expect(report.denied).toEqual([
      expect.objectContaining({ agentId: 'alpha#1', server: 'echo', tool: 'echo_text', subject: 'bye' }),
    ]);
    expect(report.summaryLines).toEqual([
      { agentId: 'alpha#1', text: 'Said hello.' },
      { agentId: 'alpha#1', text: 'Bye was refused.' },
      { agentId: 'beta#1', text: 'Thought about it.' },
    ]);
    expect(report.serverStarts).toBe(1);
    expect(events.filter((event) => event.type === 'tool_denied')).toHaveLength(1);
    const saved = JSON.parse(readFileSync(join(report.runDir, 'report.json'), 'utf8'));
    expect(saved.runId).toBe(report.runId);
    expect(readFileSync(join(report.runDir, 'agents', 'alpha-1.jsonl'), 'utf8')).toContain('hello world');
  });

  it('runs a lead that delegates in parallel and sees child reports, not transcripts', async () => {
    let alphaStarted: () => void = () => {};
    const alphaSeen = new Promise<void>((resolve) => {
      alphaStarted = resolve;
    });
    const turns: Record<string, ScriptedTurn[]> = {
      lead: [
        {
          content: [
            {
              type: 'tool_use',
              name: 'delegate',
              input: { agent: 'alpha', task: 'Say hello.', description: 'greet' },
            },
            { type: 'tool_use', name: 'delegate', input: { agent: 'beta', task: 'Think.' } },
          ],
        },
        { text: 'alpha greeted; beta thought.' },
      ],
      alpha: [
        {
          content: [
            {
              type: 'tool_use',
              name: 'mcp__echo__echo_text',
              input: { text: 'hello secret-transcript-marker' },
            },
          ],
        },
        { text: 'Greeted.' },
      ],
    };
    project = await createTestProject({
      meshwork: meshwork(),
      agents: {
        'alpha.md': agentFile('alpha', 'talker', 'You talk.'),
        'beta.md': agentFile('beta', 'mute', 'You think.'),
      },
      // beta can only answer once alpha is talking to the model too: proof that both run at once.
      script: async (context) => {
        const agent = context.headers['x-meshwork-agent'] ?? '';
        const index = countAssistantMessages(context.body);
        if (agent === 'alpha') alphaStarted();
        if (agent === 'beta') {
          const parallel = await Promise.race([
            alphaSeen.then(() => true),
            new Promise((resolve) => setTimeout(() => resolve(false), 10_000)),
          ]);
          return { text: parallel ? 'Thought.' : 'Ran alone.' };
        }
        return turns[agent]?.[index] ?? { text: 'unexpected' };
      },
    });
    const report = await project.coordinator.run({ task: 'Greet and think.' });
    expect(report.status).toBe('succeeded');
    expect(report.lead?.status).toBe('succeeded');
    expect(getToolNames(requestsOf(project, 'lead')[0]?.body)).toEqual(['delegate']);
    expect(report.agents.find((agent) => agent.agent === 'beta')?.summary).toBe('Thought.');
    const leadResults = getToolResults(requestsOf(project, 'lead')[1]?.body).map((result) =>
      getToolResultText(result),
    );
    const alphaView = JSON.parse(leadResults[0] as string);
    expect(alphaView).toMatchObject({ agent_id: 'alpha#1', status: 'succeeded', summary: 'Greeted.' });
    expect(leadResults.join('\n')).not.toContain('secret-transcript-marker');
    expect(report.agents.map((agent) => [agent.id, agent.parentId, agent.description])).toEqual([
      ['alpha#1', 'lead', 'greet'],
      ['beta#1', 'lead', undefined],
    ]);
    expect(report.summaryLines[0]).toEqual({ agentId: 'lead', text: 'alpha greeted; beta thought.' });
  });

  it('allows nested delegation up to the depth limit; grandchildren draw from their parent budget', async () => {
    project = await createTestProject({
      meshwork: meshwork({ lead: { maxDepth: 2 } }),
      agents: {
        'manager.md': agentFile('manager', 'mute', 'You manage.', 'delegate: true\n'),
        'worker.md': agentFile('worker', 'talker', 'You work.', 'delegate: true\n'),
      },
      script: [
        byAgent('lead', [
          { content: [{ type: 'tool_use', name: 'delegate', input: { agent: 'manager', task: 'Manage.' } }] },
          { text: 'Managed.' },
        ]),
        byAgent('manager', [
          { content: [{ type: 'tool_use', name: 'delegate', input: { agent: 'worker', task: 'Work.' } }] },
          { text: 'Delegated.' },
        ]),
        byAgent('worker', [{ text: 'Worked.' }]),
      ],
    });
    const report = await project.coordinator.run({ task: 'nest' });
    expect(report.status).toBe('succeeded');
    expect(getToolNames(requestsOf(project, 'manager')[0]?.body)).toEqual(['delegate']);
    // depth 2 = the limit: the worker may not delegate further.
    expect(getToolNames(requestsOf(project, 'worker')[0]?.body)).toEqual(['mcp__echo__echo_text']);
    expect(report.agents.map((agent) => [agent.id, agent.parentId, agent.depth])).toEqual([
      ['manager#1', 'lead', 1],
      ['worker#1', 'manager#1', 2],
    ]);
  });

  it('retries a 529 and a stream cut mid-message, then succeeds', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents: { 'alpha.md': agentFile('alpha', 'talker', 'You talk.') },
      script: [
        byAgent('alpha', [
          { content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello' } }] },
          { text: 'Done after trouble.' },
        ]),
      ],
      modelOptions: {
        faults: [
          { requestIndex: 0, fault: { type: 'overloaded', retryAfterMs: 5 } },
          { requestIndex: 2, fault: { type: 'stream_cut', afterEvents: 3 } },
        ],
      },
    });
    const events: RunEvent[] = [];
    const report = await project.coordinator.run({
      task: 't',
      agent: 'alpha',
      onEvent: (event) => events.push(event),
    });
    expect(report.status).toBe('succeeded');
    expect(report.agents[0]?.summary).toBe('Done after trouble.');
    const retries = events.filter(
      (event): event is Extract<RunEvent, { type: 'model_retry' }> => event.type === 'model_retry',
    );
    expect(retries.map((event) => event.reason)).toEqual(['overloaded', 'broken_stream']);
    expect(project.model.messageRequests().map((request) => request.status)).toEqual([529, 200, 200, 200]);
    expect(report.agents[0]?.turns).toBe(2);
  });

  it('ends an agent over budget with budget_exhausted and a partial result; a crashed sibling fails alone', async () => {
    const loop: ScriptedTurn = {
      content: [
        { type: 'text', text: 'Still working.' },
        { type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello again' } },
      ],
    };
    project = await createTestProject({
      meshwork: meshwork(),
      agents: {
        'alpha.md': agentFile('alpha', 'talker', 'You talk.', 'max_turns: 3\n'),
        'beta.md': agentFile('beta', 'mute', 'You think.'),
        'gamma.md': agentFile('gamma', 'mute', 'You crash.'),
      },
      script: [
        byAgent('alpha', [loop, loop, loop, loop, loop]),
        byAgent('beta', [{ text: 'Fine.' }]),
        byAgent('gamma', [
          {
            faults: [
              {
                type: 'http_error',
                status: 400,
                errorType: 'invalid_request_error',
                message: 'scripted crash',
              },
            ],
          },
        ]),
      ],
    });
    const report = await project.coordinator.run({
      task: 'plan',
      plan: [
        { agent: 'alpha', task: 'Loop.' },
        { agent: 'beta', task: 'Think.' },
        { agent: 'gamma', task: 'Crash.' },
      ],
    });
    expect(report.status).toBe('partial');
    const [alpha, beta, gamma] = report.agents;
    expect(alpha).toMatchObject({ status: 'budget_exhausted', turns: 3, summary: 'Still working.' });
    expect(alpha?.error).toMatch(/3 turns/);
    expect(beta?.status).toBe('succeeded');
    expect(gamma?.status).toBe('failed');
    expect(gamma?.error).toMatch(/scripted crash/);
  });

  it('draws child budgets from the run pool: a run-wide turn budget stops every agent', async () => {
    const loop: ScriptedTurn = {
      content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello' } }],
    };
    project = await createTestProject({
      meshwork: meshwork(),
      agents: { 'alpha.md': agentFile('alpha', 'talker', 'You talk.') },
      script: [
        byAgent(
          'alpha',
          Array.from({ length: 20 }, () => loop),
        ),
      ],
    });
    const report = await project.coordinator.run({
      task: 'plan',
      plan: [
        { agent: 'alpha', task: 'Loop one.' },
        { agent: 'alpha', task: 'Loop two.' },
      ],
      budgets: { maxTurns: 5 },
    });
    expect(report.agents.map((agent) => agent.status)).toEqual(['budget_exhausted', 'budget_exhausted']);
    expect(report.totals.turns).toBe(5);
  });

  it('cuts an oversized tool result and keeps a pointer to the full text', async () => {
    const long = `hello ${'x'.repeat(1000)}`;
    project = await createTestProject({
      meshwork: meshwork({ toolResultMaxChars: 300 }),
      agents: { 'alpha.md': agentFile('alpha', 'talker', 'You talk.') },
      script: [
        byAgent('alpha', [
          { content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: long } }] },
          { text: 'ok' },
        ]),
      ],
    });
    const report = await project.coordinator.run({ task: 't', agent: 'alpha' });
    const result = getToolResultText(getToolResults(requestsOf(project, 'alpha')[1]?.body)[0] as never);
    expect(result.length).toBeLessThan(700);
    const pointer = /full result is saved at (\S+) /.exec(result)?.[1];
    expect(pointer).toBeDefined();
    expect(readFileSync(join(project.dir.path, pointer as string), 'utf8')).toContain(long);
    expect(report.status).toBe('succeeded');
  });

  it('restarts a server killed mid-call; the in-flight call fails cleanly', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents: { 'alpha.md': agentFile('alpha', 'talker', 'You talk.') },
      script: [
        byAgent('alpha', [
          {
            content: [
              {
                type: 'tool_use',
                name: 'mcp__echo__echo_text',
                input: { text: 'hello slow', delayMs: 20_000 },
              },
            ],
          },
          { content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello again' } }] },
          { text: 'Recovered.' },
        ]),
      ],
    });
    const active = project;
    const report = await active.coordinator.run({
      task: 't',
      agent: 'alpha',
      onEvent(event) {
        if (event.type === 'tool_started') {
          const [pid] = active.coordinator.pool.pids();
          if (pid !== undefined && getToolResults(active.model.messageRequests().at(-1)?.body).length === 0)
            process.kill(pid, 'SIGKILL');
        }
      },
    });
    const requests = requestsOf(active, 'alpha');
    const first = getToolResults(requests[1]?.body)[0];
    expect(first?.is_error).toBe(true);
    expect(getToolResultText(first as never)).toMatch(/^The echo server stopped while running echo_text/);
    const second = getToolResults(requests[2]?.body)[1];
    expect(second?.is_error).toBeFalsy();
    expect(getToolResultText(second as never)).toContain('echo: hello again');
    expect(report.status).toBe('succeeded');
    expect(active.coordinator.pool.startedProcesses()).toBe(2);
  });

  it('sends model requests through the modelFetch it was given', async () => {
    const urls: string[] = [];
    project = await createTestProject({
      meshwork: meshwork(),
      agents: { 'alpha.md': agentFile('alpha', 'talker', 'You talk.') },
      script: [byAgent('alpha', [{ text: 'Fetched.' }])],
      coordinator: {
        modelFetch: (input, init) => {
          urls.push(String(input instanceof Request ? input.url : input));
          return fetch(input, init);
        },
      },
    });
    const report = await project.coordinator.run({ task: 't', agent: 'alpha' });
    expect(report.agents[0]).toMatchObject({ status: 'succeeded', summary: 'Fetched.' });
    expect(urls).toEqual([`${project.model.url}/v1/messages`]);
  });

  it('cancels every agent on abort and still writes the partial report', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents: { 'alpha.md': agentFile('alpha', 'talker', 'You talk.') },
      script: [
        byAgent('alpha', [
          {
            content: [
              {
                type: 'tool_use',
                name: 'mcp__echo__echo_text',
                input: { text: 'hello slow', delayMs: 20_000 },
              },
            ],
          },
          { text: 'never' },
        ]),
      ],
    });
    const controller = new AbortController();
    const report = await project.coordinator.run({
      task: 't',
      agent: 'alpha',
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'tool_started') controller.abort();
      },
    });
    expect(report.status).toBe('cancelled');
    expect(report.agents[0]?.status).toBe('cancelled');
    expect(existsSync(join(report.runDir, 'report.json'))).toBe(true);
    expect(getSystemText(project.model.messageRequests()[0]?.body)).toContain('You talk.');
  });
});
