import { describe, expect, it } from 'vitest';
import { createLiveProgress } from '../../src/report/live-progress.js';
import { renderReportText } from '../../src/report/render-text.js';
import type { RunReport } from '../../src/report/types.js';

describe('live progress', () => {
  it('redraws one line per subagent on a TTY: state, turn, tokens, current tool', () => {
    let written = '';
    const progress = createLiveProgress({ isTTY: true, write: (chunk: string) => (written += chunk) });
    const usage = { inputTokens: 1000, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0 };
    progress.onEvent({
      type: 'agent_started',
      agentId: 'builder#1',
      agent: 'builder',
      depth: 1,
      tools: [],
      message: '',
    });
    progress.onEvent({ type: 'turn_started', agentId: 'builder#1', agent: 'builder', turn: 2, message: '' });
    progress.onEvent({
      type: 'turn_finished',
      agentId: 'builder#1',
      agent: 'builder',
      turn: 2,
      usage,
      tokens: 1500,
      costUsd: 0,
      turnMs: 1,
      modelMs: 1,
      toolMs: 0,
      message: '',
    });
    progress.onEvent({
      type: 'tool_started',
      agentId: 'builder#1',
      agent: 'builder',
      tool: 'fs:write_file',
      toolUseId: 't',
      message: '',
    });
    progress.onEvent({
      type: 'agent_started',
      agentId: 'reviewer#1',
      agent: 'reviewer',
      depth: 1,
      tools: [],
      message: '',
    });
    progress.stop();
    expect(written).toMatch(/builder#1\s+tool\s+turn\s+2\s+1\.5k tok\s+fs:write_file/);
    expect(written).toMatch(/reviewer#1\s+running\s+turn\s+0/);
  });

  it('prints one line per notable event when not a TTY', () => {
    let written = '';
    const progress = createLiveProgress({ write: (chunk: string) => (written += chunk) });
    progress.onEvent({
      type: 'tool_denied',
      agentId: 'a#1',
      agent: 'a',
      tool: 'fs:read_text_file',
      reason: 'no',
      message: 'a#1: fs:read_text_file denied: no',
    });
    progress.stop();
    expect(written).toBe('! a#1: fs:read_text_file denied: no\n');
  });
});

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
  });
});
