import { describe, expect, it } from 'vitest';
import { createLiveProgress } from '../../src/report/live-progress.js';
import type { RunEvent } from '../../src/runtime/events.js';

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

  it('shows an agent waiting on its delegates as waiting, not thinking, until they finish', () => {
    let written = '';
    const progress = createLiveProgress({ isTTY: true, write: (chunk: string) => (written += chunk) });
    const started = (agentId: string, parentId?: string) =>
      progress.onEvent({
        type: 'agent_started',
        agentId,
        agent: agentId.split('#')[0] as string,
        depth: parentId ? 1 : 0,
        tools: [],
        ...(parentId ? { parentId } : {}),
        message: '',
      });
    started('lead');
    progress.onEvent({ type: 'turn_started', agentId: 'lead', agent: 'lead', turn: 1, message: '' });
    started('alpha#1', 'lead');
    started('beta#1', 'lead');
    progress.stop();
    const lead = (text: string) => text.split('\n').filter((line) => line.includes('\x1b[2Klead '));
    expect(lead(written).at(-1)).toMatch(/lead\s+waiting on 2 delegate\(s\)\s+turn\s+1/);
    expect(written).not.toMatch(/lead\s+thinking/);

    written = '';
    const later = createLiveProgress({ isTTY: true, write: (chunk: string) => (written += chunk) });
    for (const event of [
      { type: 'agent_started', agentId: 'lead', agent: 'lead', depth: 0, tools: [], message: '' },
      { type: 'turn_started', agentId: 'lead', agent: 'lead', turn: 1, message: '' },
      {
        type: 'agent_started',
        agentId: 'alpha#1',
        agent: 'alpha',
        parentId: 'lead',
        depth: 1,
        tools: [],
        message: '',
      },
      { type: 'agent_finished', agentId: 'alpha#1', agent: 'alpha', status: 'succeeded', message: '' },
    ] satisfies RunEvent[])
      later.onEvent(event);
    later.stop();
    expect(lead(written).at(-1)).toMatch(/lead\s+thinking/);
  });
});
