import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { countAssistantMessages, type ScriptedTurn } from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { renderReportText } from '../../src/report/render-text.js';
import { agentFile, createTestProject, echoServer, type TestProject } from '../helpers/project.js';

const delegate = (agent: string, task: string) => ({
  type: 'tool_use' as const,
  name: 'delegate',
  input: { agent, task },
});

const meshwork = () => ({
  mcpServers: { echo: echoServer() },
  profiles: { talker: { allow: ['echo:echo_text(hello*)'] }, mute: { allow: [] } },
  model: { name: 'claude-sonnet-4-6', maxRetries: 0 },
});

const agents = {
  'alpha.md': agentFile('alpha', 'talker', 'You talk.'),
  'checker.md': agentFile(
    'checker',
    'mute',
    'You check.',
    'output_schema:\n  type: object\n  required: [verdict]\n  properties:\n    verdict:\n      type: string\n',
  ),
};

/** Each agent's turns by its name, in order. */
function byName(turns: Record<string, ScriptedTurn[]>) {
  return (context: { headers: Record<string, string | undefined>; body: unknown }): ScriptedTurn => {
    const agent = context.headers['x-meshwork-agent'] ?? '';
    return turns[agent]?.[countAssistantMessages(context.body as never)] ?? { text: 'unexpected' };
  };
}

describe('the run report is honest about failure', () => {
  let project: TestProject | undefined;
  afterEach(async () => {
    await project?.close();
    project = undefined;
  });

  it('does not count an agent whose output misses its schema as ok: the run is partial and the field is named', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents,
      script: byName({
        alpha: [{ text: 'Said hello.' }],
        checker: [{ text: 'Checked.\n```json\n{"score": 3}\n```' }],
      }),
    });
    const report = await project.coordinator.run({
      task: 'plan',
      plan: [
        { agent: 'alpha', task: 'Say hello.' },
        { agent: 'checker', task: 'Check.' },
      ],
    });
    expect(report.status).toBe('partial');
    const checker = report.agents.find((agent) => agent.agent === 'checker');
    expect(checker).toMatchObject({ status: 'succeeded', outputValid: false, output: { score: 3 } });
    expect(checker?.outputErrors).toEqual(['$.verdict: required']);
    expect(report.summaryLines).toContainEqual({
      agentId: 'checker#1',
      text: '(output schema not met: $.verdict: required)',
    });
    const text = renderReportText(report);
    expect(text).toMatch(/^ {2}INVALID +checker#1/m);
    expect(text).toMatch(/^ {2}ok +alpha#1/m);
    expect(text).toContain('schema not met: $.verdict: required');
    expect(report.delegations.map((item) => [item.agent, item.outcome])).toEqual(
      expect.arrayContaining([
        ['alpha', 'ok'],
        ['checker', 'failed'],
      ]),
    );
  });

  it('makes a lead whose delegations were all refused partial, and lists every delegation with its reason', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents,
      script: byName({
        lead: [{ content: [delegate('nope', 'Do it.'), delegate('alpha', '  ')] }, { text: 'All done.' }],
      }),
    });
    const report = await project.coordinator.run({ task: 'Do it all.' });
    expect(report.status).toBe('partial');
    expect(report.agents).toEqual([]);
    expect(report.delegations).toEqual([
      expect.objectContaining({
        by: 'lead',
        agent: 'nope',
        task: 'Do it.',
        outcome: 'refused',
        code: 'E_UNKNOWN_AGENT',
        reason: expect.stringMatching(/^There is no agent named "nope"/),
      }),
      expect.objectContaining({
        by: 'lead',
        agent: 'alpha',
        outcome: 'refused',
        code: 'E_NO_TASK',
        reason: expect.stringMatching(/^The task is empty/),
      }),
    ]);
    expect(report.lead?.calls.map((call) => [call.tool, call.outcome, call.code])).toEqual([
      ['delegate', 'error', 'E_UNKNOWN_AGENT'],
      ['delegate', 'error', 'E_NO_TASK'],
    ]);
    const text = renderReportText(report);
    expect(text).toContain('Delegations:');
    expect(text).toMatch(
      /REFUSED +lead -> nope: "Do it\." - E_UNKNOWN_AGENT: There is no agent named "nope"/,
    );
    expect(text).toMatch(/REFUSED +lead -> alpha: "" - E_NO_TASK/);
    // One row is shown (the lead), and the totals say so.
    expect(text).toContain('Totals: 1 agent(s) (the lead and 0 delegated)');
    const saved = JSON.parse(readFileSync(join(report.runDir, 'report.json'), 'utf8'));
    expect(saved.delegations).toHaveLength(2);
  });

  it('records a delegate that ran but missed its schema as failed, with the reason', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents,
      script: byName({
        lead: [
          { content: [delegate('checker', 'Check it.'), delegate('alpha', 'Say hello.')] },
          { text: 'Done.' },
        ],
        alpha: [{ text: 'Hello.' }],
        checker: [{ text: 'No verdict, sorry.' }],
      }),
    });
    const report = await project.coordinator.run({ task: 'Check and greet.' });
    expect(report.status).toBe('partial');
    const checker = report.delegations.find((item) => item.agent === 'checker');
    expect(checker).toMatchObject({
      by: 'lead',
      outcome: 'failed',
      agentId: 'checker#1',
      reason: 'output schema not met: no ```json block with the structured output',
    });
    expect(report.delegations.find((item) => item.agent === 'alpha')).toMatchObject({
      outcome: 'ok',
      agentId: 'alpha#1',
    });
    expect(renderReportText(report)).toContain('Totals: 3 agent(s) (the lead and 2 delegated)');
  });

  it("records each agent's tool calls with their outcome: ok, error with its code, denied by the gate", async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents,
      script: byName({
        alpha: [
          {
            content: [
              { type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello world' } },
              { type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'bye' } },
              { type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hello', fail: true } },
            ],
          },
          { text: 'Everything went fine.' },
        ],
      }),
    });
    const report = await project.coordinator.run({ task: 'Talk.', agent: 'alpha' });
    const [alpha] = report.agents;
    const byOutcome = (alpha?.calls ?? [])
      .map((call) => ({ subject: call.subject, outcome: call.outcome, code: call.code }))
      .sort((left, right) => String(left.subject).localeCompare(String(right.subject)));
    expect(byOutcome).toEqual([
      { subject: 'bye', outcome: 'denied', code: 'E_PERMISSION_DENIED' },
      { subject: 'hello', outcome: 'error', code: 'E_ASKED' },
      { subject: 'hello world', outcome: 'ok', code: undefined },
    ]);
    expect(alpha?.calls.find((call) => call.outcome === 'error')?.message).toMatch(/You asked for a failure/);
    const text = renderReportText(report);
    const line = text.split('\n').find((entry) => entry.startsWith('  alpha#1: '));
    expect(line).toContain('echo:echo_text "hello world" ok');
    expect(line).toContain('echo:echo_text "bye" denied (E_PERMISSION_DENIED)');
    expect(line).toContain('echo:echo_text "hello" error E_ASKED');
  });

  it('prints a failed agent once, not as two near-identical lines', async () => {
    project = await createTestProject({
      meshwork: meshwork(),
      agents,
      script: byName({
        alpha: [
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
        ],
      }),
    });
    const report = await project.coordinator.run({ task: 'Crash.', agent: 'alpha' });
    expect(report.status).toBe('failed');
    const lines = report.summaryLines.filter((line) => line.agentId === 'alpha#1');
    expect(lines).toHaveLength(1);
    expect(lines[0]?.text).toMatch(/^\(failed, no answer: .*scripted crash/);
    expect(renderReportText(report).match(/scripted crash/g)).toHaveLength(1);
  });
});
