import { describe, expect, it } from 'vitest';
import { mergeRunReport, runStatusOf } from '../../src/report/merge.js';
import { parseFinalAnswer, validateJson } from '../../src/report/structured-output.js';
import type { AgentReport } from '../../src/report/types.js';

function agent(id: string, status: AgentReport['status'], summary: string): AgentReport {
  return {
    id,
    agent: id.split('#')[0] as string,
    depth: 1,
    task: 't',
    model: 'claude-sonnet-4-6',
    status,
    summary,
    filesTouched: [],
    memoryTopics: [],
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 1, cacheWriteTokens: 0 },
    costUsd: 0.01,
    durationMs: 5,
    turns: 2,
    toolCalls: 1,
    calls: [],
    denied: [],
    tools: [],
    transcript: 'agents/x.jsonl',
  };
}

describe('merge', () => {
  it('attributes every summary line to its agent and totals usage', () => {
    const report = mergeRunReport({
      runId: 'r',
      task: 'task',
      mode: 'plan',
      startedAt: new Date(),
      offline: false,
      agents: [agent('b#2', 'succeeded', 'second'), agent('a#1', 'budget_exhausted', 'one\ntwo')],
      conflicts: [],
      cancelled: false,
      serverStarts: 2,
      runDir: '/r',
      notes: [],
    });
    expect(report.status).toBe('partial');
    expect(report.summaryLines).toEqual([
      { agentId: 'a#1', text: 'one' },
      { agentId: 'a#1', text: 'two' },
      { agentId: 'a#1', text: '(budget_exhausted)' },
      { agentId: 'b#2', text: 'second' },
    ]);
    expect(report.summary.split('\n').every((line) => /^\[(a#1|b#2)\] /.test(line))).toBe(true);
    expect(report.totals).toMatchObject({
      inputTokens: 20,
      outputTokens: 10,
      turns: 4,
      toolCalls: 2,
      agents: 2,
    });
  });

  it('derives the run status', () => {
    expect(runStatusOf([agent('a#1', 'succeeded', '')], undefined, false)).toBe('succeeded');
    expect(runStatusOf([agent('a#1', 'failed', '')], undefined, false)).toBe('failed');
    expect(runStatusOf([agent('a#1', 'succeeded', '')], undefined, true)).toBe('cancelled');
    expect(runStatusOf([agent('a#1', 'failed', '')], agent('lead', 'succeeded', ''), false)).toBe('partial');
  });

  it('never calls a run succeeded when an output schema was missed or a delegation refused', () => {
    const invalid = { ...agent('a#1', 'succeeded', ''), outputValid: false };
    const valid = { ...agent('b#1', 'succeeded', ''), outputValid: true };
    expect(runStatusOf([valid], undefined, false)).toBe('succeeded');
    // Finished with output that misses its schema: partial, alone or beside an ok agent.
    expect(runStatusOf([invalid], undefined, false)).toBe('partial');
    expect(runStatusOf([invalid, valid], undefined, false)).toBe('partial');
    const refused = {
      by: 'lead',
      agent: 'nope',
      task: 't',
      outcome: 'refused' as const,
      reason: 'E_UNKNOWN_AGENT',
    };
    const lead = agent('lead', 'succeeded', '');
    // Every delegation refused, the lead answered: partial; one refused beside an ok one: partial too.
    expect(runStatusOf([], lead, false, [refused, refused])).toBe('partial');
    expect(runStatusOf([valid], lead, false, [refused])).toBe('partial');
    expect(runStatusOf([valid], lead, false, [])).toBe('succeeded');
    // Nothing finished at all: failed.
    expect(runStatusOf([], agent('lead', 'failed', ''), false, [refused])).toBe('failed');
    expect(runStatusOf([agent('a#1', 'failed', '')], agent('lead', 'failed', ''), false)).toBe('failed');
  });

  it('is partial when an agent went without a server, and lists each failed server once', () => {
    const without = (id: string): AgentReport => ({
      ...agent(id, 'succeeded', 'Done.'),
      unavailableServers: [{ server: 'fs', reason: 'Cannot start the fs server (x): Error: boom' }],
    });
    expect(runStatusOf([without('a#1')], undefined, false)).toBe('partial');
    expect(runStatusOf([agent('a#1', 'succeeded', '')], without('lead'), false)).toBe('partial');
    const report = mergeRunReport({
      runId: 'r',
      task: 't',
      mode: 'plan',
      startedAt: new Date(),
      offline: false,
      agents: [without('a#1'), without('a#2'), agent('b#1', 'succeeded', 'Ok.')],
      conflicts: [],
      cancelled: false,
      serverStarts: 0,
      runDir: '/tmp/r',
      notes: [],
    });
    expect(report.status).toBe('partial');
    expect(report.serverFailures).toEqual([
      { server: 'fs', reason: 'Cannot start the fs server (x): Error: boom', agents: ['a#1', 'a#2'] },
    ]);
    const clean = mergeRunReport({
      ...report,
      startedAt: new Date(),
      agents: [agent('b#1', 'succeeded', 'Ok.')],
      cancelled: false,
    });
    expect(clean.serverFailures).toBeUndefined();
  });
});

describe('structured output', () => {
  it('takes the last json block and validates it', () => {
    const parsed = parseFinalAnswer('Looks fine.\n```json\n{"verdict": "approve", "issues": []}\n```');
    expect(parsed).toEqual({ summary: 'Looks fine.', output: { verdict: 'approve', issues: [] } });
    const schema = {
      type: 'object',
      required: ['verdict', 'issues'],
      properties: {
        verdict: { enum: ['approve', 'request_changes'] },
        issues: { type: 'array', items: { type: 'string' } },
      },
    };
    expect(validateJson(parsed.output, schema)).toEqual([]);
    expect(validateJson({ verdict: 'maybe', issues: [1] }, schema)).toEqual([
      '$.verdict: expected one of "approve", "request_changes"',
      '$.issues[0]: expected string, got integer',
    ]);
    expect(parseFinalAnswer('```json\n{bad\n```').parseError).toMatch(/not valid JSON/);
  });
});
