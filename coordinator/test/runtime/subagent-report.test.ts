import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../src/config/types.js';
import { BudgetExhaustedSignal } from '../../src/runtime/budget.js';
import { type AgentReportInput, agentReportOf, endingOf } from '../../src/runtime/subagent-report.js';
import { createSubagentState } from '../../src/runtime/subagent-state.js';

const aborted = (reason: unknown) => AbortSignal.abort(reason);
const live = () => new AbortController().signal;

const agent = {
  name: 'reviewer',
  systemPrompt: 'You review.',
  outputSchema: { type: 'object', required: ['verdict'], properties: { verdict: { type: 'string' } } },
} as unknown as AgentDefinition;

const input: AgentReportInput = {
  id: 'reviewer#1',
  agent,
  depth: 1,
  task: 'review',
  model: 'claude-sonnet-4-6',
  parentId: 'lead',
  profileName: 'review',
  startedAt: performance.now(),
  runDir: '/runs/r1',
  transcriptFile: '/runs/r1/agents/reviewer-1.jsonl',
  transcriptWarnings: ['transcript: disk full'],
};

describe('how a subagent ends', () => {
  it('is cancelled with the run, out of budget at a deadline, else failed with the error', () => {
    expect(endingOf(new Error('x'), aborted('stop'), live())).toEqual({
      status: 'cancelled',
      error: 'the run was cancelled',
    });
    expect(endingOf(new Error('x'), live(), aborted(new BudgetExhaustedSignal('the run hit 5 s')))).toEqual({
      status: 'budget_exhausted',
      error: 'the run hit 5 s',
    });
    expect(endingOf(new Error('model down'), live(), live())).toEqual({
      status: 'failed',
      error: 'model down',
    });
  });
});

describe('the agent report', () => {
  it('parses the final answer, checks it against the schema and carries the state and notes', () => {
    const state = createSubagentState();
    state.turns = 2;
    state.finalText = 'Looks good.\n\n```json\n{"verdict": "approve"}\n```';
    state.lastText = 'ignored when succeeded';
    state.toolNames = ['fs:read_text_file'];
    state.notes.push('the final answer was cut at max_tokens');
    state.record.memoryTopics.add('stats-median');
    const report = agentReportOf(input, state);
    expect(report).toMatchObject({
      id: 'reviewer#1',
      agent: 'reviewer',
      status: 'succeeded',
      summary: 'Looks good.',
      output: { verdict: 'approve' },
      parentId: 'lead',
      profile: 'review',
      turns: 2,
      tools: ['fs:read_text_file'],
      memoryTopics: ['stats-median'],
      transcript: 'agents/reviewer-1.jsonl',
      notes: ['the final answer was cut at max_tokens', 'transcript: disk full'],
    });
    expect(report.outputErrors).toBeUndefined();
    expect(report.error).toBeUndefined();
    expect(report.description).toBeUndefined();
  });

  it('reports the last text of an agent stopped early, with its error, and a missing json block when done', () => {
    const stopped = createSubagentState();
    Object.assign(stopped, { status: 'budget_exhausted', error: 'max_turns of 3', lastText: 'Half way.' });
    expect(agentReportOf(input, stopped)).toMatchObject({
      status: 'budget_exhausted',
      summary: 'Half way.',
      error: 'max_turns of 3',
    });
    const silent = createSubagentState();
    Object.assign(silent, { status: 'failed', error: 'model down' });
    expect(agentReportOf(input, silent).summary).toBe('(no answer: model down)');
    const unstructured = createSubagentState();
    unstructured.finalText = 'Approved.';
    expect(agentReportOf(input, unstructured).outputErrors).toEqual([
      'no ```json block with the structured output',
    ]);
  });
});
