import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Coordinator, createCoordinator, loadConfig, type MeshworkConfig } from '@meshwork/coordinator';
import {
  createScriptedModelServer,
  createTempDir,
  type ScriptedModelServer,
  type ScriptedTurn,
  spawnStdioServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDreamTrigger } from '../../src/dream/triggers.js';
import {
  createCoordinatorDreamAgent,
  createDreamCoordinator,
  createDreamMemory,
  type DreamMemory,
  DreamSettingsSchema,
  readDreamLog,
  runDream,
} from '../../src/index.js';
import { MEMORY_BIN } from '../helpers/project.js';
import { CONSOLIDATION_TURNS, INDEX_MAX_LINES, seedMemory, snapshotMemoryFiles } from './dream-support.js';

describe('dreams as coordinator runs over the shared pool (real memory server, scripted model)', () => {
  let dir: TempDir;
  let memoryDirectory: string;
  let config: MeshworkConfig;
  let base: Coordinator;
  let memory: DreamMemory;
  let model: ScriptedModelServer | undefined;
  const dreamers: Coordinator[] = [];

  beforeEach(async () => {
    dir = await createTempDir('meshwork-dream-');
    memoryDirectory = join(dir.path, 'memory');
    const args = ['--dir', memoryDirectory, '--index-max-lines', String(INDEX_MAX_LINES)];
    const seeding = await spawnStdioServer({ bin: MEMORY_BIN, args });
    try {
      await seedMemory(async (name, input) => {
        const result = await seeding.client.callTool({ name, arguments: input });
        expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
      });
    } finally {
      await seeding.close();
    }
    await writeFile(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({
        model: 'claude-scripted',
        mcpServers: {
          memory: {
            command: process.execPath,
            args: [MEMORY_BIN, ...args],
            kind: 'memory',
            // Not the default .meshwork/memory: the OS sandbox must be told where it writes.
            sandbox: { write: [memoryDirectory] },
          },
        },
      }),
    );
    config = await loadConfig({ cwd: dir.path });
    base = createCoordinator({ config, modelAccess: { baseURL: 'http://127.0.0.1:9', apiKey: 'unused' } });
    memory = createDreamMemory(base, 'memory');
  });
  afterEach(async () => {
    for (const dreamer of dreamers.splice(0)) await dreamer.close();
    await base.close();
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  async function dreamAgent(turns: ScriptedTurn[], maxTurns = 40) {
    model = await createScriptedModelServer({ script: { turns, progress: 'conversation' } });
    const dreamer = await createDreamCoordinator({
      config,
      server: 'memory',
      settings: DreamSettingsSchema.parse({ maxTurns }),
      base,
      modelAccess: { baseURL: model.url, apiKey: 'test-key' },
    });
    dreamers.push(dreamer);
    return createCoordinatorDreamAgent(dreamer);
  }

  it('lets the dreaming agent search the transcripts every profile recorded', async () => {
    // A memory server launched for some agent's profile recorded a tool result under its scope.
    const scoped = await spawnStdioServer({
      bin: MEMORY_BIN,
      args: ['--dir', memoryDirectory, '--limit-transcript-profile=p-builder'],
    });
    try {
      const appended = await scoped.client.callTool({
        name: 'append_transcript',
        arguments: {
          session: 'run-9-builder',
          entries: [{ role: 'tool', content: 'flamingo DREAM-PAYLOAD-31' }],
        },
      });
      expect(appended.isError, JSON.stringify(appended.content)).toBeFalsy();
    } finally {
      await scoped.close();
    }
    const agent = await dreamAgent([
      {
        content: [
          {
            type: 'tool_use',
            name: 'mcp__memory__search_memory',
            input: { query: 'flamingo', scope: 'transcripts' },
          },
        ],
      },
      { text: 'Nothing to consolidate.' },
    ]);
    const report = await runDream({ memory, agent, signal: new AbortController().signal });
    expect(report.outcome, report.error?.message).toBe('completed');
    const bodies = model!.messageRequests().map((request) => JSON.stringify(request.body));
    expect(bodies.some((body) => body.includes('DREAM-PAYLOAD-31'))).toBe(true);
  });

  it('consolidates: index within bounds, the record holds the diff, undo restores the exact prior files', async () => {
    const before = snapshotMemoryFiles(memoryDirectory);
    const agent = await dreamAgent(CONSOLIDATION_TURNS);
    const report = await runDream({ memory, agent, signal: new AbortController().signal });
    expect(report.outcome, report.error?.message).toBe('completed');
    expect(report.index?.withinBounds).toBe(true);

    const after = snapshotMemoryFiles(memoryDirectory);
    const indexLines = after['MEMORY.md']!.trim().split('\n');
    expect(indexLines.length).toBeLessThanOrEqual(INDEX_MAX_LINES);
    // No dangling pointer: every index line names a topic file that exists.
    for (const match of after['MEMORY.md']!.matchAll(/\(topics\/([a-z0-9_-]+)\.md\)/g)) {
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
    expect(changes['topics/database.md']?.diff).toMatch(/-We use MySQL\./);
    expect(changes['topics/database.md']?.diff).toMatch(/\+We use Postgres/);

    // The agent saw the memory tools, minus those whose roles the daemon keeps for itself.
    const shown = new Set(
      model!
        .messageRequests()
        .flatMap((request) =>
          (request.body?.tools ?? []).map((tool) => String((tool as { name?: unknown }).name)),
        ),
    );
    expect(shown.has('mcp__memory__read_index')).toBe(true);
    for (const hidden of ['begin_dream', 'end_dream', 'restore_dream', 'append_transcript']) {
      expect(shown.has(`mcp__memory__${hidden}`)).toBe(false);
    }
    // One memory server process served the deterministic steps and the agent alike.
    expect(base.pool.startedProcesses()).toBe(1);

    await memory.call('memory/restore-dream', { dream_id: report.dreamId });
    expect(snapshotMemoryFiles(memoryDirectory)).toEqual(before);
  });

  it('rolls back a dream whose agent fails, and frees the lock', async () => {
    const before = snapshotMemoryFiles(memoryDirectory);
    // One turn allowed: the agent deletes a topic, then runs out of turns.
    const agent = await dreamAgent(
      [
        { content: [{ type: 'tool_use', name: 'mcp__memory__delete_topic', input: { slug: 'old-vpn' } }] },
        { text: 'never reached' },
      ],
      1,
    );
    const report = await runDream({ memory, agent, signal: new AbortController().signal });
    expect(report.outcome).toBe('failed');
    expect(report.error?.code).toBe('E_DREAM_AGENT');
    expect(snapshotMemoryFiles(memoryDirectory)).toEqual(before);
    const stats = await memory.call<{ dream: { running: boolean; last_dream_at: string | null } }>(
      'memory/stats',
    );
    expect(stats.dream).toMatchObject({ running: false, last_dream_at: null });
  });

  it('skips when another dream holds the lock', async () => {
    await memory.call('memory/begin-dream');
    const agent = await dreamAgent([{ text: 'not called' }]);
    const report = await runDream({ memory, agent, signal: new AbortController().signal });
    expect(report.outcome).toBe('skipped');
    expect(model!.messageRequests()).toHaveLength(0);
  });

  it('checks the triggers cheapest first', async () => {
    const settings = DreamSettingsSchema.parse({ idleMinutes: 10, minSessions: 1, minHours: 1 });
    let calls = 0;
    const counted: DreamMemory = {
      server: memory.server,
      call: (role, args, signal) => {
        calls += 1;
        return memory.call(role, args, signal);
      },
    };
    const trigger = createDreamTrigger({ settings, startedAt: 0, memory: counted });
    const now = Date.now();
    expect(await trigger.decide({ lastActivityAt: now - 60_000, now })).toMatchObject({
      dream: false,
      reason: 'idle 1 of 10 minutes',
    });
    expect(calls).toBe(0);
    expect(await trigger.decide({ lastActivityAt: now - 11 * 60_000, now })).toMatchObject({ dream: true });
    const agent = await dreamAgent([{ text: 'Nothing to merge.' }]);
    expect((await runDream({ memory, agent, signal: new AbortController().signal })).outcome).toBe(
      'completed',
    );
    // Within minHours of that dream: one stats call decides, list-sessions is never asked.
    const beforeRecent = calls;
    const recent = await trigger.decide({ lastActivityAt: now - 11 * 60_000, now: Date.now() });
    expect(recent.dream).toBe(false);
    expect(recent.reason).toMatch(/hours since the last dream/);
    expect(calls - beforeRecent).toBe(1);
    // Asked again before minHours pass: known from the last answer, no memory call at all.
    const again = await trigger.decide({ lastActivityAt: now - 11 * 60_000, now: Date.now() });
    expect(again.reason).toMatch(/next possible dream at/);
    expect(calls - beforeRecent).toBe(1);
    // Past minHours: stats, then the session count.
    await trigger.decide({ lastActivityAt: 0, now: Date.now() + 2 * 3_600_000 });
    expect(calls - beforeRecent).toBe(3);
  });
});
