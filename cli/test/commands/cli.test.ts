import { existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createScriptedModelServer,
  createTempDir,
  type ScriptedModelServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { agentFile, ECHO_BIN } from '../helpers/project.js';

describe('meshwork CLI', () => {
  let dir: TempDir;
  let model: ScriptedModelServer | undefined;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-cli-');
  });
  afterEach(async () => {
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  async function project(config: Record<string, unknown>) {
    await writeFile(join(dir.path, 'meshwork.json'), JSON.stringify(config));
    await mkdir(join(dir.path, '.meshwork', 'agents'), { recursive: true });
    await writeFile(
      join(dir.path, '.meshwork', 'agents', 'alpha.md'),
      agentFile('alpha', 'talker', 'You talk.'),
    );
    await mkdir(join(dir.path, '.claude', 'agents'), { recursive: true });
    await writeFile(
      join(dir.path, '.claude', 'agents', 'beta.md'),
      '---\nname: beta\ndescription: Claude-style agent.\ntools: mcp__echo__echo_text, WebSearch\n---\nYou echo.\n',
    );
  }
  const config = {
    mcpServers: { echo: { command: 'node', args: [ECHO_BIN] } },
    profiles: { talker: { allow: ['echo:*'] } },
  };

  it('--version prints the version of @meshwork/cli and exits 0', async () => {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    const result = await runCli(['--version'], { cwd: dir.path });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${manifest.version}\n`);
  });

  it('lists agents from .meshwork/agents and .claude/agents', async () => {
    await project(config);
    const result = await runCli(['agents', 'list', '--json'], { cwd: dir.path });
    expect(result.code).toBe(0);
    const agents = JSON.parse(result.stdout) as Array<{
      name: string;
      profile: string | null;
      servers: string[];
      tools: string[] | null;
      unmappedTools: string[];
    }>;
    expect(agents.map((agent) => [agent.name, agent.profile, agent.servers])).toEqual([
      ['alpha', 'talker', ['echo']],
      ['beta', null, ['echo']],
    ]);
    expect(agents[1]?.tools).toEqual(['echo:echo_text']);
    expect(agents[1]?.unmappedTools).toEqual(['WebSearch']);
  });

  it('fails on a bad config with exit 2 and a message naming file, field and expectation', async () => {
    await project({ mcpServers: { echo: { args: [] } } });
    const result = await runCli(['run', 'task'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `${join(dir.path, 'meshwork.json')}: mcpServers.echo: expected {"command"`,
    );
  });

  it('runs a plan against ANTHROPIC_BASE_URL, records it, and lists and shows it', async () => {
    await project(config);
    model = await createScriptedModelServer({
      script: {
        turns: [
          { content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'hi' } }] },
          { text: 'Echoed hi.' },
        ],
        progress: 'conversation',
      },
    });
    await writeFile(
      join(dir.path, 'plan.json'),
      JSON.stringify([
        { agent: 'alpha', task: 'Echo hi.' },
        { agent: 'beta', task: 'Echo hi too.' },
      ]),
    );
    const result = await runCli(['run', '--plan', 'plan.json', '--json'], {
      cwd: dir.path,
      env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test' },
    });
    expect(result.stderr).not.toContain('offline');
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout) as {
      runId: string;
      status: string;
      offline: boolean;
      agents: Array<{ id: string; status: string }>;
    };
    expect(report).toMatchObject({ status: 'succeeded', offline: false });
    expect(report.agents.map((agent) => agent.id)).toEqual(['alpha#1', 'beta#1']);
    const list = await runCli(['runs', 'list'], { cwd: dir.path });
    expect(list.stdout).toContain(report.runId);
    expect(list.stdout).toContain('succeeded');
    const show = await runCli(['runs', 'show', report.runId.slice(0, 12)], { cwd: dir.path });
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`Run ${report.runId}: SUCCEEDED`);
    expect(show.stdout).toContain('[alpha#1] Echoed hi.');
  });

  it('says plainly when it runs offline, and exits 3 on a partial run', async () => {
    await project({ ...config, offline: { script: 'offline.json' } });
    await writeFile(
      join(dir.path, 'offline.json'),
      JSON.stringify({
        routes: [
          { match: { agent: 'alpha' }, turns: [{ content: [{ type: 'text', text: 'Offline answer.' }] }] },
          {
            match: { agent: 'beta' },
            turns: [
              { content: [{ type: 'tool_use', name: 'mcp__echo__echo_text', input: { text: 'loop' } }] },
            ],
          },
        ],
      }),
    );
    await writeFile(
      join(dir.path, 'plan.json'),
      JSON.stringify([
        { agent: 'alpha', task: 'a' },
        { agent: 'beta', task: 'b', budgets: { maxTurns: 2 } },
      ]),
    );
    const result = await runCli(['run', '--plan', 'plan.json'], { cwd: dir.path });
    expect(result.stderr).toContain('offline: using the bundled script, no model was called');
    expect(result.stdout).toContain('offline: using the bundled script, no model was called');
    expect(result.stdout).toContain('[alpha#1] Offline answer.');
    expect(result.stdout).toContain('BUDGET');
    expect(result.code).toBe(3);
  });

  it('refuses to run without model access or offline script: a config error, exit 2', async () => {
    await project(config);
    const result = await runCli(['run', 'do it'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/set ANTHROPIC_API_KEY/);
  });

  it('init writes a starter config, three agents and docs that load', async () => {
    const result = await runCli(['init'], { cwd: dir.path });
    expect(result.code).toBe(0);
    for (const file of [
      'meshwork.json',
      '.meshwork/agents/researcher.md',
      '.meshwork/agents/builder.md',
      '.meshwork/agents/reviewer.md',
      '.meshwork/README.md',
    ]) {
      expect(existsSync(join(dir.path, file))).toBe(true);
    }
    const agents = await runCli(['agents', 'list', '--json'], { cwd: dir.path });
    expect((JSON.parse(agents.stdout) as Array<{ name: string }>).map((agent) => agent.name)).toEqual([
      'builder',
      'researcher',
      'reviewer',
    ]);
    const again = await runCli(['init'], { cwd: dir.path });
    expect(again.stdout).toContain('kept     meshwork.json');
  });

  it('init points each server at the bin of its package, with its kind, so `servers` connects', async () => {
    await runCli(['init'], { cwd: dir.path });
    const written = JSON.parse(readFileSync(join(dir.path, 'meshwork.json'), 'utf8')) as {
      mcpServers: Record<string, { command: string; args: string[]; kind: string }>;
    };
    const bin = (server: string) =>
      fileURLToPath(new URL(`../../../servers/${server}/dist/cli.js`, import.meta.url));
    expect(written.mcpServers).toEqual({
      fs: { command: 'node', args: [bin('filesystem'), '.'], kind: 'filesystem' },
      shell: {
        command: 'node',
        args: [
          bin('shell'),
          '--root',
          '.',
          '--allow',
          'npm test*',
          '--allow',
          'node --test*',
          '--allow',
          'git diff*',
        ],
        kind: 'shell',
      },
      memory: { command: 'node', args: [bin('memory'), '--dir', '.meshwork/memory'], kind: 'memory' },
    });
    const servers = await runCli(['servers'], { cwd: dir.path });
    expect(servers.stdout.match(/✓ Connected/g)).toHaveLength(3);
    expect(servers.code).toBe(0);
  });

  it('servers reports status, tool count and latency', async () => {
    await project({
      ...config,
      mcpServers: {
        echo: { command: 'node', args: [ECHO_BIN] },
        broken: { command: 'node', args: ['-e', 'process.exit(3)'] },
      },
    });
    const result = await runCli(['servers', '--json'], { cwd: dir.path });
    expect(result.code).toBe(1);
    const statuses = JSON.parse(result.stdout) as Array<{
      name: string;
      ok: boolean;
      tools?: number;
      latencyMs?: number;
      error?: string;
    }>;
    expect(statuses[0]).toMatchObject({ name: 'echo', ok: true, tools: 1 });
    expect(statuses[0]?.latencyMs).toBeGreaterThanOrEqual(0);
    expect(statuses[1]).toMatchObject({ name: 'broken', ok: false });
  });
});
