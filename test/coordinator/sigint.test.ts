import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createScriptedModelServer,
  createTempDir,
  pickEnvironment,
  type ScriptedModelServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  agentMarkdown,
  CLI_BIN,
  commandLineOf,
  descendantsOf,
  isAlive,
  realServers,
  writeTree,
} from './support.js';

/** Polls a condition (not a readiness sleep: it returns as soon as the condition holds). */
async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('meshwork run and SIGINT', () => {
  let dir: TempDir;
  let model: ScriptedModelServer;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-sigint-');
    model = await createScriptedModelServer({
      script: {
        progress: 'conversation',
        turns: [
          {
            content: [{ type: 'tool_use', name: 'mcp__shell__run_command', input: { command: 'sleep 37' } }],
          },
          { text: 'Slept.' },
        ],
      },
    });
    await writeTree(dir.path, {
      'meshwork.json': JSON.stringify({
        mcpServers: realServers(),
        profiles: { sleepy: { allow: ['shell:run_command(sleep *)'] } },
      }),
      '.meshwork/agents/sleeper.md': agentMarkdown('sleeper', 'sleepy', 'You sleep.'),
      'plan.json': JSON.stringify([
        { agent: 'sleeper', task: 'Sleep.' },
        { agent: 'sleeper', task: 'Sleep too.' },
      ]),
    });
  });
  afterEach(async () => {
    await model.close();
    await dir.remove();
  });

  it('cancels every agent, kills their tool calls, writes the partial report and leaves no orphans', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'run', '--plan', 'plan.json'], {
      cwd: dir.path,
      env: { ...pickEnvironment(), ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test' },
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
    const exited = once(child, 'exit');
    const pid = child.pid as number;
    // Both agents are inside their tool call: two `sleep 37` processes below the CLI.
    const sleepers = await until(() => {
      const found = descendantsOf(pid).filter((candidate) =>
        commandLineOf(candidate)?.startsWith('sleep 37'),
      );
      return found.length === 2 ? found : undefined;
    }, `two sleep processes (stderr: ${stderr})`);
    const everything = descendantsOf(pid);
    expect(everything.length).toBeGreaterThanOrEqual(3);
    child.kill('SIGINT');
    const [code] = await exited;
    expect(code).toBe(130);
    expect(stderr).toContain('cancelling every agent');
    expect(stdout).toMatch(/Run \S+: CANCELLED/);
    const runs = readdirSync(join(dir.path, '.meshwork', 'runs'));
    expect(runs).toHaveLength(1);
    const report = JSON.parse(
      readFileSync(join(dir.path, '.meshwork', 'runs', runs[0] as string, 'report.json'), 'utf8'),
    ) as { status: string; agents: Array<{ status: string }> };
    expect(report.status).toBe('cancelled');
    expect(report.agents.map((agent) => agent.status)).toEqual(['cancelled', 'cancelled']);
    // No orphans: every server and every command it started is gone.
    await until(
      () => (everything.every((candidate) => !isAlive(candidate)) ? true : undefined),
      `exit of ${everything.map((candidate) => `${candidate}:${commandLineOf(candidate)}`).join(', ')}`,
      10_000,
    );
    expect(sleepers.every((candidate) => !isAlive(candidate))).toBe(true);
  });
});
