import { describe, expect, it } from 'vitest';
import { mergeRunReport } from '../../src/report/merge.js';
import { renderReportText } from '../../src/report/render-text.js';
import type { AgentReport, RunReport, ServerSandbox } from '../../src/report/types.js';

describe('text report', () => {
  it('renders provenance, conflicts and the offline notice', () => {
    const report = {
      runId: 'r1',
      task: 'Fix it',
      mode: 'lead',
      status: 'partial',
      startedAt: '',
      finishedAt: '',
      offline: true,
      summary: '',
      summaryLines: [{ agentId: 'builder#1', text: 'Fixed src/a.ts' }],
      agents: [],
      delegations: [],
      totals: {
        inputTokens: 1,
        outputTokens: 1,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        costUsd: 0,
        turns: 1,
        toolCalls: 0,
        agents: 0,
        durationMs: 10,
      },
      conflicts: [
        {
          path: 'a.ts',
          holder: 'builder#1',
          refused: 'reviewer#1',
          server: 'fs',
          tool: 'write_file',
          at: '',
        },
        {
          path: 'b.ts',
          holder: 'builder#1',
          refused: 'reviewer#1',
          server: 'shell',
          tool: 'run_command',
          at: '',
          detected: true,
          alsoRunning: ['tester#1'],
        },
      ],
      denied: [],
      serverStarts: 1,
      runDir: '/tmp/r1',
      notes: [],
    } satisfies RunReport;
    const text = renderReportText(report);
    expect(text.split('\n')[0]).toBe('offline: using the bundled script, no model was called');
    expect(text).toContain('Run r1: PARTIAL');
    expect(text).toContain('[builder#1] Fixed src/a.ts');
    expect(text).toContain('a.ts: reviewer#1 refused, held by builder#1 (fs:write_file)');
    expect(text).toContain(
      'b.ts: changed by reviewer#1, held by builder#1 (seen after shell:run_command; could not be refused; also running: tester#1)',
    );
  });
});

function agent(id: string, extra: Partial<AgentReport> = {}): AgentReport {
  return {
    id,
    agent: id.split('#')[0] as string,
    depth: id === 'lead' ? 0 : 1,
    task: 't',
    model: 'claude-sonnet-4-6',
    status: 'succeeded',
    summary: 'Done.',
    filesTouched: [],
    memoryTopics: [],
    usage: { inputTokens: 10, outputTokens: 5, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0.0123,
    durationMs: 5,
    turns: 1,
    toolCalls: 0,
    calls: [],
    denied: [],
    tools: [],
    transcript: 'agents/x.jsonl',
    ...extra,
  };
}

function merged(overrides: {
  offline?: boolean;
  task?: string;
  lead?: AgentReport;
  agents: AgentReport[];
  sandboxes?: ServerSandbox[];
}) {
  return mergeRunReport({
    runId: 'r2',
    task: overrides.task ?? 'Fix it',
    mode: overrides.lead ? 'lead' : 'plan',
    startedAt: new Date(),
    offline: overrides.offline ?? false,
    ...(overrides.lead ? { lead: overrides.lead } : {}),
    agents: overrides.agents,
    conflicts: [],
    cancelled: false,
    serverStarts: 0,
    ...(overrides.sandboxes ? { sandboxes: overrides.sandboxes } : {}),
    runDir: '/tmp/r2',
    notes: [],
  });
}

describe('text report, small things', () => {
  it('lists the servers that failed, with why and which agents went without them', () => {
    const without = {
      unavailableServers: [
        {
          server: 'shell',
          reason: "Cannot start the shell server (node x.js): Error: Cannot find module 'x.js'",
        },
      ],
    };
    const text = renderReportText(merged({ agents: [agent('a#1', without), agent('b#1', without)] }));
    expect(text).toContain('Run r2: PARTIAL');
    expect(text).toContain(
      "Servers that failed (their tools were missing):\n  shell: Cannot start the shell server (node x.js): Error: Cannot find module 'x.js' (without it: a#1, b#1)",
    );
    expect(renderReportText(merged({ agents: [agent('a#1')] }))).not.toContain('Servers that failed');
  });

  it('counts every agent row it shows in the totals and says which one is the lead', () => {
    const report = merged({ lead: agent('lead'), agents: [agent('a#1'), agent('b#1'), agent('c#1')] });
    const text = renderReportText(report);
    const rows = text.split('\n').filter((line) => /^ {2}ok {7}/.test(line));
    expect(rows).toHaveLength(4);
    expect(text).toContain('Totals: 4 agent(s) (the lead and 3 delegated)');
    expect(renderReportText(merged({ agents: [agent('a#1'), agent('b#1')] }))).toContain(
      'Totals: 2 agent(s), ',
    );
  });

  it('marks a task cut to its first line with an ellipsis, and leaves a one-line task alone', () => {
    expect(
      renderReportText(merged({ task: 'Fix the build\nthen the tests', agents: [agent('a#1')] })),
    ).toContain('Task: Fix the build…\n');
    expect(renderReportText(merged({ task: 'Fix the build', agents: [agent('a#1')] }))).toContain(
      'Task: Fix the build\n',
    );
  });

  it('marks the cost of an offline run as simulated, on every row and in the totals', () => {
    const offline = renderReportText(merged({ offline: true, agents: [agent('a#1')] }));
    expect(offline).toMatch(/ok +a#1 .* \$0\.0123 \(simulated\)/);
    expect(offline).toContain('$0.0123 (simulated), 0 server process(es)');
    expect(renderReportText(merged({ agents: [agent('a#1')] }))).not.toContain('simulated');
  });

  it('shows tool calls compactly, folding repeats and naming exit codes', () => {
    const calls: AgentReport['calls'] = [
      { tool: 'fs:read_text_file', outcome: 'ok', subject: 'src/a.ts', durationMs: 1 },
      { tool: 'fs:read_text_file', outcome: 'ok', subject: 'src/a.ts', durationMs: 1 },
      { tool: 'shell:run_command', outcome: 'ok', subject: 'npm test', exitCode: 1, durationMs: 9 },
      { tool: 'shell:run_command', outcome: 'ok', subject: 'sleep 99', exitCode: null, durationMs: 9 },
    ];
    const text = renderReportText(merged({ agents: [agent('a#1', { calls, toolCalls: 4 })] }));
    expect(text).toContain(
      '  a#1: fs:read_text_file "src/a.ts" ok ×2, shell:run_command "npm test" exit 1, shell:run_command "sleep 99" killed',
    );
  });

  it('names every server that ran with network or outside the OS sandbox, and only those', () => {
    const sandboxes: ServerSandbox[] = [
      { server: 'fs', mode: 'bwrap', network: false, writable: ['src'] },
      { server: 'web', mode: 'bwrap', network: true, writable: [] },
      { server: 'legacy', mode: 'none', network: true, writable: ['/'] },
      { server: 'memory', mode: 'unavailable', network: true, writable: ['/'] },
    ];
    const report = merged({ agents: [agent('a#1')], sandboxes });
    expect(report.sandboxes).toEqual(sandboxes);
    const text = renderReportText(report);
    expect(text).toContain('  web: sandboxed, with network');
    expect(text).toContain('  legacy: no sandbox ("sandbox": "none")');
    expect(text).toContain('  memory: no sandbox (bubblewrap cannot start here)');
    expect(text).not.toMatch(/^ {2}fs:/m);
    const confined = renderReportText(merged({ agents: [agent('a#1')], sandboxes: [sandboxes[0]!] }));
    expect(confined).not.toContain('outside the default OS sandbox');
  });
});
