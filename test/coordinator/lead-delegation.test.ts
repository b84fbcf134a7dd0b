import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinator, loadConfig, type RunReport } from '@meshwork/coordinator';
import {
  countAssistantMessages,
  createScriptedModelServer,
  createTempDir,
  getSystemText,
  getToolNames,
  getToolResults,
  getToolResultText,
  type RecordedRequest,
  type ScriptedModelServer,
  type ScriptedTurn,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMarkdown, realServers, writeTree } from './support.js';

const use = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, name, input });

describe('coordinator over the real servers', () => {
  let dir: TempDir;
  let model: ScriptedModelServer | undefined;
  let close: (() => Promise<void>) | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-system-');
    await writeTree(dir.path, {
      'src/app.js': 'export const answer = 41;\n',
      '.env': 'TOKEN=do-not-read\n',
      '.meshwork/memory/MEMORY.md': '- [Build notes](topics/build-notes.md) — seeded-index-marker\n',
      'meshwork.json': JSON.stringify({
        mcpServers: realServers(),
        profiles: {
          research: { allow: ['fs:read_*', 'fs:list_*', 'memory:*'], deny: ['fs:*(**/.env)'] },
          build: {
            allow: [
              'fs:read_*',
              'fs:write_file(src/**)',
              'shell:run_command(node *)',
              // Named explicitly: the shell server refuses interpreter escapes a rule does not name, and
              // the slow call must really be running when the test kills the server.
              'shell:run_command(node -e *)',
            ],
            deny: ['fs:*(**/.env)'],
          },
          review: { allow: ['fs:read_*', 'fs:write_file(src/**)'], deny: ['fs:*(**/.env)'] },
        },
      }),
      '.meshwork/agents/researcher.md': agentMarkdown('researcher', 'research', 'You research.'),
      '.meshwork/agents/builder.md': agentMarkdown('builder', 'build', 'You build.'),
      '.meshwork/agents/reviewer.md': agentMarkdown(
        'reviewer',
        'review',
        'You review.',
        'output_schema:\n  type: object\n  required: [verdict]\n',
      ),
    });
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  async function start(
    script: (agent: string, index: number, attempt: number) => ScriptedTurn | Promise<ScriptedTurn>,
  ) {
    model = await createScriptedModelServer({
      script: (context) =>
        script(
          context.headers['x-meshwork-agent'] ?? '',
          countAssistantMessages(context.body),
          context.attempt,
        ),
    });
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
    close = () => coordinator.close();
    return coordinator;
  }
  const requestsOf = (agent: string): RecordedRequest[] =>
    (model as ScriptedModelServer)
      .messageRequests()
      .filter((request) => request.headers['x-meshwork-agent'] === agent && request.status === 200);
  /** The tool results the model got at the start of turn `index` (the request's last message). */
  const resultsOf = (agent: string, index: number) => {
    const body = requestsOf(agent)[index]?.body;
    const last = body?.messages.at(-1);
    return getToolResults(last ? { ...body, messages: [last] } : undefined).map((block) => ({
      error: block.is_error === true,
      text: getToolResultText(block),
    }));
  };

  it('lead delegates to three agents in parallel: scoped tools, denied arguments, a lease conflict, one merged report', async () => {
    const path = (relative: string) => join(dir.path, relative);
    let builderWrote: () => void = () => {};
    const written = new Promise<void>((resolve) => {
      builderWrote = resolve;
    });
    const coordinator = await start(async (agent, index) => {
      if (agent === 'lead') {
        return index === 0
          ? {
              content: ['researcher', 'builder', 'reviewer'].map((name) =>
                use('delegate', { agent: name, task: `Task for the ${name}.` }),
              ),
            }
          : { text: 'All three reported.' };
      }
      if (agent === 'researcher') {
        return [
          {
            content: [
              use('mcp__fs__read_text_file', { path: path('.env') }),
              use('mcp__fs__list_directory', { path: dir.path }),
            ],
          },
          {
            content: [
              use('mcp__memory__write_topic', {
                slug: 'answer',
                title: 'The answer',
                hook: 'src/app.js exports it',
                type: 'project',
                body: 'answer lives in src/app.js',
                mode: 'replace',
              }),
            ],
          },
          { text: 'The answer lives in src/app.js.' },
        ][index] as ScriptedTurn;
      }
      if (agent === 'builder') {
        if (index === 1) builderWrote();
        return [
          {
            content: [
              use('mcp__fs__write_file', {
                path: path('src/app.js'),
                content: 'export const answer = 42;\n',
              }),
              use('mcp__shell__run_command', { command: 'curl https://example.com' }),
            ],
          },
          { content: [use('mcp__shell__run_command', { command: 'node --version' })] },
          { text: 'Set the answer to 42.' },
        ][index] as ScriptedTurn;
      }
      if (index === 0) await written;
      return [
        { content: [use('mcp__fs__read_text_file', { path: path('src/app.js') })] },
        {
          content: [
            use('mcp__fs__write_file', { path: path('src/app.js'), content: 'export const answer = 0;\n' }),
          ],
        },
        { text: 'Reviewed src/app.js.\n```json\n{"verdict": "approve"}\n```' },
      ][index] as ScriptedTurn;
    });
    const report: RunReport = await coordinator.run({ task: 'Fix the answer.' });

    // Each agent saw only its profile's tools.
    const tools = (agent: string) => getToolNames(requestsOf(agent)[0]?.body);
    expect(tools('lead')).toEqual(['delegate']);
    expect(tools('researcher')).toContain('mcp__memory__write_topic');
    expect(tools('researcher')).toContain('mcp__fs__read_text_file');
    expect(tools('researcher').filter((name) => /write_file|shell/.test(name))).toEqual([]);
    expect(tools('builder')).toEqual(
      expect.arrayContaining(['mcp__fs__write_file', 'mcp__shell__run_command']),
    );
    expect(tools('builder').filter((name) => /memory|edit_file|start_process/.test(name))).toEqual([]);
    expect(tools('reviewer')).toContain('mcp__fs__write_file');
    expect(tools('reviewer').filter((name) => /shell|memory/.test(name))).toEqual([]);

    // Memory layer 1: the index is in the system prompt of agents whose profile has memory.
    expect(getSystemText(requestsOf('researcher')[0]?.body)).toContain('seeded-index-marker');
    expect(getSystemText(requestsOf('builder')[0]?.body)).not.toContain('seeded-index-marker');

    // Denied arguments come back as isError results the model reads on its next turn.
    const [envRead, listing] = resultsOf('researcher', 1);
    expect(envRead).toMatchObject({
      error: true,
      text: expect.stringMatching(/^Permission denied: .*\.env/),
    });
    expect(listing?.error).toBe(false);
    const [write, curl] = resultsOf('builder', 1);
    expect(write?.error).toBe(false);
    expect(curl).toMatchObject({ error: true, text: expect.stringMatching(/^Permission denied/) });
    expect(resultsOf('builder', 2)[0]).toMatchObject({ error: false, text: expect.stringContaining('v20') });

    // The lease conflict: the reviewer's write is refused, naming the holder, and reported.
    expect(resultsOf('reviewer', 2)[0]).toMatchObject({
      error: true,
      text: expect.stringMatching(/^Write refused: .*src\/app\.js is held by builder#1/),
    });
    expect(report.conflicts).toEqual([
      expect.objectContaining({ path: 'src/app.js', holder: 'builder#1', refused: 'reviewer#1' }),
    ]);
    expect(readFileSync(join(dir.path, 'src/app.js'), 'utf8')).toBe('export const answer = 42;\n');

    // One merged report.
    expect(report.status).toBe('succeeded');
    expect(report.agents.map((agent) => [agent.id, agent.status, agent.profile])).toEqual([
      ['builder#1', 'succeeded', 'build'],
      ['researcher#1', 'succeeded', 'research'],
      ['reviewer#1', 'succeeded', 'review'],
    ]);
    const builder = report.agents[0];
    expect(builder?.filesTouched).toEqual([
      expect.objectContaining({
        path: 'src/app.js',
        tool: 'write_file',
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      }),
    ]);
    expect(report.agents[1]?.memoryTopics).toEqual(['answer']);
    expect(report.agents[2]?.output).toEqual({ verdict: 'approve' });
    expect(report.denied.map((denied) => `${denied.agentId} ${denied.server}:${denied.tool}`).sort()).toEqual(
      ['builder#1 shell:run_command', 'researcher#1 fs:read_text_file'],
    );
    expect(report.summaryLines.map((line) => line.agentId)).toEqual(
      ['lead', 'builder#1', 'researcher#1', 'reviewer#1', 'reviewer#1'].slice(0, report.summaryLines.length),
    );
    // Servers: one per distinct (server, sandbox), never more than servers x profiles.
    expect(report.serverStarts).toBeLessThanOrEqual(3 * 3);
    expect(report.serverStarts).toBe(4);
    // Transcripts: the run directory always; memory layer 3 when the profile has memory.
    expect(readdirSync(join(report.runDir, 'agents')).sort()).toEqual([
      'builder-1.jsonl',
      'lead.jsonl',
      'researcher-1.jsonl',
      'reviewer-1.jsonl',
    ]);
    expect(
      existsSync(join(dir.path, '.meshwork/memory/transcripts', `${report.runId}-researcher-1.jsonl`)),
    ).toBe(true);
    expect(
      existsSync(join(dir.path, '.meshwork/memory/transcripts', `${report.runId}-builder-1.jsonl`)),
    ).toBe(false);
  });

  it('survives a 529, a stream cut, an agent over budget and a shell server killed mid-call', async () => {
    const path = (relative: string) => join(dir.path, relative);
    let killed = false;
    const coordinator = await start((agent, index, attempt) => {
      if (agent === 'researcher') {
        // First try of each turn fails: a 529, then a stream cut in the middle of the message.
        if (attempt === 0)
          return {
            faults: [
              index === 0 ? { type: 'overloaded', retryAfterMs: 5 } : { type: 'stream_cut', afterEvents: 3 },
            ],
          };
        return [
          { content: [use('mcp__fs__read_text_file', { path: path('src/app.js') })] },
          { text: 'Read it after a 529 and a cut stream.' },
        ][index] as ScriptedTurn;
      }
      if (agent === 'builder') {
        return [
          { content: [use('mcp__shell__run_command', { command: 'node -e "setTimeout(() => {}, 20000)"' })] },
          { content: [use('mcp__shell__run_command', { command: 'node --version' })] },
          { text: 'Recovered from the restart.' },
        ][index] as ScriptedTurn;
      }
      return {
        content: [
          { type: 'text', text: `Still reviewing (${index}).` },
          use('mcp__fs__read_text_file', { path: path('src/app.js') }),
        ],
      };
    });
    const retries: string[] = [];
    const report = await coordinator.run({
      task: 'errors',
      plan: [
        { agent: 'researcher', task: 'Read.' },
        { agent: 'builder', task: 'Run something slow.' },
        { agent: 'reviewer', task: 'Review forever.', budgets: { maxTurns: 2 } },
      ],
      onEvent(event) {
        if (event.type === 'model_retry') retries.push(`${event.agentId} ${event.reason}`);
        if (event.type === 'tool_started' && event.tool === 'shell:run_command' && !killed) {
          killed = true;
          const shell = coordinator.pool
            .connections()
            .find((connection) => connection.spec.server === 'shell');
          const pid = shell?.pid();
          if (pid !== undefined) setImmediate(() => process.kill(pid, 'SIGKILL'));
        }
      },
    });
    const [builder, researcher, reviewer] = report.agents;
    expect(reviewer).toMatchObject({ status: 'budget_exhausted', turns: 2, summary: 'Still reviewing (1).' });
    expect(researcher).toMatchObject({
      status: 'succeeded',
      turns: 2,
      summary: 'Read it after a 529 and a cut stream.',
    });
    expect(retries).toEqual(['researcher#1 overloaded', 'researcher#1 broken_stream']);
    const statuses = (model as ScriptedModelServer)
      .messageRequests()
      .filter((request) => request.headers['x-meshwork-agent'] === 'researcher')
      .map((request) => request.status);
    expect(statuses).toEqual([529, 200, 200, 200]);
    expect(builder?.status).toBe('succeeded');
    expect(resultsOf('builder', 1)[0]).toMatchObject({
      error: true,
      text: expect.stringMatching(/^The shell server stopped/),
    });
    expect(resultsOf('builder', 2)[0]).toMatchObject({ error: false, text: expect.stringContaining('v20') });
    expect(report.status).toBe('partial');
  });
});
