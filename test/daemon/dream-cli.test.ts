import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createScriptedModelServer,
  createTempDir,
  type ScriptedTurn,
  spawnStdioServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DaemonProcess, JOURNAL_RUNNER, runCli, startDaemon, waitUntil } from './support.js';

const MEMORY_BIN = fileURLToPath(new URL('../../servers/memory/dist/cli.js', import.meta.url));
const INDEX_MAX_LINES = 5;

function memoryFiles(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (existsSync(join(directory, 'MEMORY.md')))
    files['MEMORY.md'] = readFileSync(join(directory, 'MEMORY.md'), 'utf8');
  if (existsSync(join(directory, 'topics'))) {
    for (const name of readdirSync(join(directory, 'topics')).sort()) {
      files[`topics/${name}`] = readFileSync(join(directory, 'topics', name), 'utf8');
    }
  }
  return files;
}

/** The dream a good model makes of the seeded memory, as three scripted turns. */
const DREAM_TURNS: ScriptedTurn[] = [
  { text: 'Orienting.', content: [{ type: 'tool_use', name: 'mcp__memory__read_index', input: {} }] },
  {
    text: 'Gathering.',
    content: [
      {
        type: 'tool_use',
        name: 'mcp__memory__search_memory',
        input: { query: 'Postgres', scope: 'transcripts' },
      },
    ],
  },
  {
    text: 'Consolidating and pruning.',
    content: [
      {
        type: 'tool_use',
        name: 'mcp__memory__write_topic',
        input: {
          slug: 'deploy-process',
          body: 'Run `make deploy` from the main branch.\n',
          mode: 'replace',
          hook: 'how to deploy (merged)',
        },
      },
      { type: 'tool_use', name: 'mcp__memory__delete_topic', input: { slug: 'deploy-steps' } },
      {
        type: 'tool_use',
        name: 'mcp__memory__write_topic',
        input: { slug: 'release-date', body: 'The release is on 2026-03-13.\n', mode: 'replace' },
      },
      {
        type: 'tool_use',
        name: 'mcp__memory__write_topic',
        input: {
          slug: 'database',
          body: 'We use Postgres (switched from MySQL on 2026-03-06).\n',
          mode: 'replace',
        },
      },
      { type: 'tool_use', name: 'mcp__memory__delete_topic', input: { slug: 'old-vpn' } },
    ],
  },
  { text: 'Merged the deploy topics, dated the release, replaced MySQL with Postgres, pruned old-vpn.' },
];

describe('meshwork dream (scripted model, real memory server)', () => {
  let dir: TempDir;
  let memoryDirectory: string;
  let model: Awaited<ReturnType<typeof createScriptedModelServer>>;
  let env: Record<string, string>;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-dream-cli-');
    memoryDirectory = join(dir.path, 'memory');
    model = await createScriptedModelServer({
      script: { name: 'dreamer', turns: DREAM_TURNS, progress: 'conversation' },
    });
    env = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test-key' };
    writeFileSync(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({
        model: 'claude-scripted',
        mcpServers: {
          memory: {
            kind: 'memory',
            command: process.execPath,
            args: [MEMORY_BIN, '--dir', memoryDirectory, '--index-max-lines', String(INDEX_MAX_LINES)],
            // Not the default .meshwork/memory: the OS sandbox must be told where it writes.
            sandbox: { write: [memoryDirectory] },
          },
        },
        daemon: { dream: { idleMinutes: 0, minHours: 0, minSessions: 1, checkEveryMinutes: 0.005 } },
      }),
    );
    const memory = await spawnStdioServer({
      bin: MEMORY_BIN,
      args: ['--dir', memoryDirectory, '--index-max-lines', String(INDEX_MAX_LINES)],
    });
    const call = async (name: string, args: Record<string, unknown>) => {
      const result = await memory.client.callTool({ name, arguments: args });
      expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    };
    const topics = [
      ['deploy-process', 'Deploy process', 'how to deploy', 'project', 'Run `make deploy` from main.\n'],
      [
        'deploy-steps',
        'Deploy steps',
        'deploying (duplicate)',
        'project',
        'Deploy with make deploy on the main branch.\n',
      ],
      ['release-date', 'Release date', 'when we ship', 'project', 'The release is next Friday.\n'],
      ['database', 'Database', 'which database', 'project', 'We use MySQL.\n'],
      ['editor', 'Editor', 'user editor', 'user', 'The user edits with Helix.\n'],
      ['old-ci', 'Old CI', 'legacy CI notes', 'reference', 'Jenkins job names.\n'],
      ['old-vpn', 'Old VPN', 'legacy VPN notes', 'reference', 'VPN config for 2019.\n'],
    ];
    for (const [slug, title, hook, type, body] of topics)
      await call('write_topic', { slug, title, hook, type, body, mode: 'create' });
    await call('append_transcript', {
      session: 'session-2026-03-06',
      entries: [
        {
          role: 'user',
          content: 'We switched the database from MySQL to Postgres today.',
          ts: '2026-03-06T10:00:00Z',
        },
        { role: 'user', content: 'The release is next Friday, 2026-03-13.', ts: '2026-03-06T10:05:00Z' },
      ],
    });
    await memory.close();
  });
  afterEach(async () => {
    await daemon?.stop().catch(() => {});
    daemon = undefined;
    await model.close();
    await dir.remove();
  });

  it('--dry-run shows the diff and writes nothing', async () => {
    const before = memoryFiles(memoryDirectory);
    const result = await runCli(['dream', '--dry-run'], { cwd: dir.path, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('[dry run: nothing was written] completed');
    expect(result.stdout).toMatch(/removed +topics\/deploy-steps\.md/);
    expect(result.stdout).toMatch(/-We use MySQL\./);
    expect(memoryFiles(memoryDirectory)).toEqual(before);
    expect((await runCli(['dream', 'log'], { cwd: dir.path, env })).stdout).toContain('No dreams recorded');
  });

  it('dreams, logs the diff, keeps the index within bounds, and undo restores the exact prior files', async () => {
    const before = memoryFiles(memoryDirectory);
    expect(before['MEMORY.md']!.trim().split('\n').length).toBeGreaterThan(INDEX_MAX_LINES);

    const result = await runCli(['dream'], { cwd: dir.path, env });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('(within bounds)');
    const dreamId = /undo with: meshwork dream undo (\S+)/.exec(result.stdout)?.[1];
    expect(dreamId).toMatch(/^dream-/);

    const after = memoryFiles(memoryDirectory);
    const indexLines = after['MEMORY.md']!.trim().split('\n');
    expect(indexLines.length).toBeLessThanOrEqual(INDEX_MAX_LINES);
    for (const line of indexLines) {
      const slug = /\(topics\/([a-z0-9_-]+)\.md\)/.exec(line)?.[1];
      if (slug) expect(after[`topics/${slug}.md`]).toBeDefined();
    }
    expect(after['topics/database.md']).toContain('Postgres');
    expect(after['topics/release-date.md']).toContain('2026-03-13');

    const log = JSON.parse((await runCli(['dream', 'log', '--json'], { cwd: dir.path, env })).stdout);
    const record = log.find((entry: { dream_id: string }) => entry.dream_id === dreamId);
    expect(record.outcome).toBe('completed');
    const database = record.changes.find((change: { path: string }) => change.path === 'topics/database.md');
    expect(database.diff).toMatch(/-We use MySQL\./);
    expect(database.diff).toMatch(/\+We use Postgres/);

    const undo = await runCli(['dream', 'undo', dreamId!], { cwd: dir.path, env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(memoryFiles(memoryDirectory)).toEqual(before);
    // The dream removed deploy-steps.md, so its undo put it back: say what the undo did.
    expect(undo.stdout).toMatch(/restored +topics\/deploy-steps\.md/);
    expect(undo.stdout).not.toMatch(/(added|removed) +topics\/deploy-steps\.md/);
    const logText = (await runCli(['dream', 'log'], { cwd: dir.path, env })).stdout;
    const restoreBlock = logText.slice(0, logText.indexOf(`${dreamId}  completed`));
    expect(restoreBlock).toContain(`${dreamId}  restore`);
    expect(restoreBlock).toMatch(/restored +topics\/deploy-steps\.md/);
    expect(restoreBlock).not.toMatch(/added +topics\/deploy-steps\.md/);

    // The dreaming subagent saw memory tools only, never begin/end/restore_dream.
    const toolNames = new Set(
      model.requests.flatMap((request) =>
        (request.body?.tools ?? []).map((tool) => String((tool as { name?: unknown }).name)),
      ),
    );
    expect(toolNames.has('mcp__memory__read_index')).toBe(true);
    for (const hidden of ['begin_dream', 'end_dream', 'restore_dream'])
      expect(toolNames.has(`mcp__memory__${hidden}`)).toBe(false);
    expect([...toolNames].every((name) => name.startsWith('mcp__memory__'))).toBe(true);
  });

  it('the daemon dreams on its own when idle and the triggers fire', async () => {
    daemon = await startDaemon({
      cwd: dir.path,
      args: ['--runner', JOURNAL_RUNNER, '--log-level', 'warn'],
      env,
    });
    const dream = await waitUntil(
      async () => {
        const listed = JSON.parse((await runCli(['tasks', 'list', '--json'], { cwd: dir.path })).stdout);
        return listed.tasks.find(
          (task: { kind: string; status: string }) => task.kind === 'dream' && task.status === 'succeeded',
        );
      },
      30_000,
      'an idle-time dream',
    );
    expect(dream.result.summary).toMatch(/^dream dream-/);
    expect(memoryFiles(memoryDirectory)['MEMORY.md']!.trim().split('\n').length).toBeLessThanOrEqual(
      INDEX_MAX_LINES,
    );
  });
});
