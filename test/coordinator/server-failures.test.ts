import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createScriptedModelServer,
  createTempDir,
  getSystemText,
  getToolNames,
  pickEnvironment,
  type ScriptedModelServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMarkdown, CLI_BIN, FS_BIN, writeTree } from './support.js';

/** Live processes whose command line holds `marker`. */
function processesWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((entry) => {
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z') return false;
        return readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function cli(args: string[], cwd: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [CLI_BIN, ...args], {
    cwd,
    env: { ...pickEnvironment(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const started = performance.now();
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stdout, stderr, ms: performance.now() - started };
}

describe('a server that fails at start is reported, not silently left out', () => {
  let dir: TempDir;
  let model: ScriptedModelServer;
  const requests: { system: string; tools: string[] }[] = [];
  const marker = `meshwork-silent-${process.pid}-${Date.now()}`;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-server-failures-');
    requests.length = 0;
    model = await createScriptedModelServer({
      script: (context) => {
        requests.push({ system: getSystemText(context.body), tools: getToolNames(context.body) });
        return { text: 'Read what I could.' };
      },
    });
    await writeTree(dir.path, {
      'meshwork.json': JSON.stringify({
        mcpServers: {
          fs: { kind: 'filesystem', command: 'node', args: [FS_BIN, '.'] },
          // Crashes at start: its module does not exist.
          broken: { command: 'node', args: [join(dir.path, 'missing', 'cli.js')] },
          // Starts, never answers initialize.
          silent: { command: 'node', args: ['-e', `setInterval(() => {}, 1000); // ${marker}`] },
        },
        // Long enough for the real fs server on a loaded machine, short beside the SDK's 60 s.
        connectTimeoutMs: 5000,
        budget: { maxTurns: 3 },
        profiles: {
          reader: { servers: ['fs', 'broken', 'silent'], allow: ['fs:read_*', 'broken:*', 'silent:*'] },
        },
      }),
      '.meshwork/agents/reader.md': agentMarkdown('reader', 'reader', 'You read.'),
    });
  });
  afterEach(async () => {
    for (const pid of processesWith(marker)) process.kill(pid, 'SIGKILL');
    await model.close();
    await dir.remove();
  });

  it('run: the report lists the failed servers with the useful stderr line, the run is partial (exit 3), the agent is told', async () => {
    const result = await cli(['run', '--agent', 'reader', 'Read the project.'], dir.path, {
      ANTHROPIC_BASE_URL: model.url,
      ANTHROPIC_API_KEY: 'test',
    });
    expect(result.stderr).not.toMatch(/TypeError|at .*\.js:\d+/);
    expect(result.code).toBe(3);
    // The silent server's connect timeout was honoured (not the SDK's 60 s).
    expect(result.ms).toBeLessThan(20_000);
    expect(result.stdout).toContain('Servers that failed (their tools were missing):');
    expect(result.stdout).toMatch(
      / {2}broken: .*Error: Cannot find module '.*missing\/cli\.js'.*\(without it: reader#1\)/,
    );
    expect(result.stdout).toMatch(/ {2}silent: .*did not answer initialize within 5000 ms and was stopped/);
    expect(result.stdout).not.toMatch(/Node\.js v\d|node:internal/);
    // The misspelled budgets key is shown, with the key it resembles.
    expect(result.stdout).toContain('unknown key "budget" is ignored; did you mean "budgets"?');

    // The agent ran with the tools it had, and its system prompt says which are missing and why.
    expect(requests.length).toBeGreaterThan(0);
    expect(requests[0]?.tools.some((tool) => tool.startsWith('mcp__fs__'))).toBe(true);
    expect(requests[0]?.system).toContain('# Servers that failed to start');
    expect(requests[0]?.system).toMatch(/- broken: .*Cannot find module/);
    expect(requests[0]?.system).toMatch(/- silent: .*did not answer initialize/);

    const runsDir = join(dir.path, '.meshwork', 'runs');
    const [runId] = readdirSync(runsDir);
    const report = JSON.parse(readFileSync(join(runsDir, runId as string, 'report.json'), 'utf8'));
    expect(report.status).toBe('partial');
    expect(report.serverFailures.map((failure: { server: string }) => failure.server).sort()).toEqual([
      'broken',
      'silent',
    ]);
    const events = readFileSync(join(runsDir, runId as string, 'events.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; server?: string });
    const unavailable = events.filter((event) => event.type === 'server_unavailable');
    expect(unavailable.map((event) => event.server).sort()).toEqual(['broken', 'silent']);
    // The child that never answered was killed, not left behind.
    expect(processesWith(marker)).toEqual([]);
  }, 40_000);

  it('servers: shows the line that names the problem, not the loader line', async () => {
    const result = await cli(['servers', '--timeout-ms', '5000'], dir.path);
    expect(result.code).not.toBe(0);
    expect(result.stdout).toMatch(
      /broken: .*✗ Failed to connect: .*Error: Cannot find module '.*missing\/cli\.js'/,
    );
    expect(result.stdout).not.toContain('node:internal/modules/cjs/loader');
  }, 40_000);
});
