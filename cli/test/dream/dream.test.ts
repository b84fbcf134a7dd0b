import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DreamAgent } from '../../src/daemon/dream/dream-agent.js';
import { readDreamLog } from '../../src/daemon/dream/dream-log.js';
import { type MemoryClient, openMemoryClient } from '../../src/daemon/dream/memory-client.js';
import type { MemoryServerSpec } from '../../src/daemon/dream/memory-server-spec.js';
import { runDream } from '../../src/daemon/dream/run-dream.js';
import { createDreamTrigger } from '../../src/daemon/dream/triggers.js';
import { DreamSettingsSchema } from '../../src/daemon/index.js';
import {
  CONSOLIDATION_CALLS,
  INDEX_MAX_LINES,
  MEMORY_BIN,
  seedMemory,
  snapshotMemoryFiles,
} from './dream-support.js';

const scriptedAgent =
  (calls = CONSOLIDATION_CALLS, fail = false): DreamAgent =>
  async (request) => {
    const visible = new Set(request.tools.map((tool) => tool.name));
    for (const call of calls) {
      expect(visible.has(call.name)).toBe(true);
      const result = await request.callTool(call.name, call.input, request.signal);
      expect(result.isError, `${call.name}: ${result.text}`).toBe(false);
    }
    if (fail) throw new Error('model went off the rails');
    return {
      summary: 'merged deploy topics, dated the release, Postgres replaces MySQL, pruned old-vpn',
      usage: { inputTokens: 1, outputTokens: 1, costUsd: 0 },
      turns: 3,
    };
  };

describe('dreaming against the real memory server', () => {
  let dir: TempDir;
  let memoryDirectory: string;
  let spec: MemoryServerSpec;
  let memory: MemoryClient;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-dream-');
    memoryDirectory = join(dir.path, 'memory');
    spec = {
      name: 'memory',
      command: process.execPath,
      args: [MEMORY_BIN, '--dir', memoryDirectory, '--index-max-lines', String(INDEX_MAX_LINES)],
      env: { MESHWORK_LOG_LEVEL: 'warn' },
      cwd: dir.path,
    };
    memory = await openMemoryClient(spec);
    await seedMemory(memory);
  });
  afterEach(async () => {
    await memory.close();
    await dir.remove();
  });

  it('consolidates: index within bounds, the record holds the diff, undo restores the exact prior files', async () => {
    const before = snapshotMemoryFiles(memoryDirectory);
    const indexBefore = await memory.call<{ exceeded: string[] }>('read_index');
    expect(indexBefore.exceeded.length).toBeGreaterThan(0);

    const hidden: string[] = [];
    const agent: DreamAgent = async (request) => {
      for (const name of ['begin_dream', 'end_dream', 'restore_dream']) {
        if (!request.tools.some((tool) => tool.name === name)) hidden.push(name);
      }
      expect(request.system).toMatch(/orient/i);
      return scriptedAgent()(request);
    };
    const report = await runDream({ memory, agent, signal: new AbortController().signal });
    expect(hidden).toEqual(['begin_dream', 'end_dream', 'restore_dream']);
    expect(report.outcome).toBe('completed');
    expect(report.index?.withinBounds).toBe(true);

    const indexAfter = await memory.call<{ exceeded: string[]; total_lines: number; content: string }>(
      'read_index',
    );
    expect(indexAfter.exceeded).toEqual([]);
    expect(indexAfter.total_lines).toBeLessThanOrEqual(INDEX_MAX_LINES);
    // No dangling pointer: every index line names a topic file that exists.
    const after = snapshotMemoryFiles(memoryDirectory);
    for (const match of indexAfter.content.matchAll(/\(topics\/([a-z0-9_-]+)\.md\)/g)) {
      expect(Object.keys(after)).toContain(`topics/${match[1]}.md`);
    }
    expect(after['topics/deploy-steps.md']).toBeUndefined();
    expect(after['topics/release-date.md']).toContain('2026-03-13');
    expect(after['topics/database.md']).toContain('Postgres');
    expect(after['topics/database.md']).not.toContain('We use MySQL.');

    const record = (await readDreamLog(memoryDirectory)).findLast(
      (entry) => entry.dream_id === report.dreamId,
    );
    expect(record?.outcome).toBe('completed');
    const changes = Object.fromEntries((record?.changes ?? []).map((change) => [change.path, change]));
    expect(changes['topics/deploy-steps.md']?.change).toBe('removed');
    expect(changes['topics/database.md']?.change).toBe('modified');
    expect(changes['topics/database.md']?.diff).toMatch(/-We use MySQL\./);
    expect(changes['topics/database.md']?.diff).toMatch(/\+We use Postgres/);
    expect(changes['MEMORY.md']?.change).toBe('modified');

    await memory.call('restore_dream', { dream_id: report.dreamId });
    expect(snapshotMemoryFiles(memoryDirectory)).toEqual(before);
  });

  it('rolls back a failed dream and frees the lock', async () => {
    const before = snapshotMemoryFiles(memoryDirectory);
    const report = await runDream({
      memory,
      agent: scriptedAgent(CONSOLIDATION_CALLS, true),
      signal: new AbortController().signal,
    });
    expect(report.outcome).toBe('failed');
    expect(report.error?.message).toBe('model went off the rails');
    expect(snapshotMemoryFiles(memoryDirectory)).toEqual(before);
    const stats = await memory.call<{ dream: { running: boolean; last_dream_at: string | null } }>(
      'memory_stats',
    );
    expect(stats.dream).toMatchObject({ running: false, last_dream_at: null });
    const next = await runDream({ memory, agent: scriptedAgent([]), signal: new AbortController().signal });
    expect(next.outcome).toBe('completed');
  });

  it('skips when another dream holds the lock', async () => {
    await memory.call('begin_dream');
    const report = await runDream({ memory, agent: scriptedAgent([]), signal: new AbortController().signal });
    expect(report.outcome).toBe('skipped');
  });

  it('checks the triggers cheapest first', async () => {
    const settings = DreamSettingsSchema.parse({ idleMinutes: 10, minSessions: 1, minHours: 1 });
    let opened = 0;
    const trigger = createDreamTrigger({
      settings,
      startedAt: 0,
      openMemory: async () => {
        opened += 1;
        return openMemoryClient(spec);
      },
    });
    const now = Date.now();
    expect(await trigger.decide({ lastActivityAt: now - 60_000, now })).toMatchObject({
      dream: false,
      reason: 'idle 1 of 10 minutes',
    });
    expect(opened).toBe(0);
    expect(await trigger.decide({ lastActivityAt: now - 11 * 60_000, now })).toMatchObject({ dream: true });
    await runDream({ memory, agent: scriptedAgent([]), signal: new AbortController().signal });
    const recent = await trigger.decide({ lastActivityAt: now - 11 * 60_000, now: Date.now() });
    expect(recent.dream).toBe(false);
    expect(recent.reason).toMatch(/hours since the last dream/);
    const later = Date.now() + 2 * 3_600_000;
    expect(await trigger.decide({ lastActivityAt: 0, now: later })).toMatchObject({
      dream: false,
      reason: '0 of 1 sessions since the last dream',
    });
  });
});
