import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { agentFile, ECHO_BIN } from '../helpers/project.js';

describe('usage and config errors exit 2 and say what is wrong', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-usage-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  /** A project with one agent and no model access at all (no key, no offline script). */
  async function project() {
    await writeFile(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({
        mcpServers: { echo: { command: 'node', args: [ECHO_BIN] } },
        profiles: { talker: { allow: ['echo:*'] } },
      }),
    );
    await mkdir(join(dir.path, '.meshwork', 'agents'), { recursive: true });
    await writeFile(
      join(dir.path, '.meshwork', 'agents', 'alpha.md'),
      agentFile('alpha', 'talker', 'You talk.'),
    );
  }
  async function plan(text: string) {
    await writeFile(join(dir.path, 'plan.json'), text);
  }

  it.each([
    ['a missing file', null, 'the plan file does not exist'],
    [
      'bad JSON',
      '[\n  {"agent": "alpha",\n   "task": }\n]',
      'not valid JSON: unexpected "}" at line 3, column 12',
    ],
    ['an object', '{"agent": "alpha", "task": "x"}', 'got an object with the key(s) agent, task'],
    ['a missing task', '[{"agent": "alpha"}]', '[0].task: "task" is missing'],
    ['an unknown key', '[{"agent": "alpha", "task": "x", "budget": 1}]', 'unknown key(s) budget'],
    ['an empty list', '[]', 'the plan has no items'],
    [
      'an unknown agent',
      '[{"agent": "nope", "task": "x"}]',
      '[0].agent: no agent named "nope" (known: alpha)',
    ],
  ])('run --plan with %s exits 2 before looking for a model', async (_name, text, message) => {
    await project();
    if (text !== null) await plan(text);
    const result = await runCli(['run', '--plan', 'plan.json'], { cwd: dir.path });
    expect(result.stderr).toContain(message);
    expect(result.stderr).not.toContain('No model access');
    expect(result.code).toBe(2);
  });

  it('run --agent nope exits 2 naming the known agents, even without model access', async () => {
    await project();
    const result = await runCli(['run', '--agent', 'nope', 'do it'], { cwd: dir.path });
    expect(result.stderr).toContain('E_UNKNOWN_AGENT: --agent: no agent named "nope" (known: alpha)');
    expect(result.stderr).not.toContain('No model access');
    expect(result.code).toBe(2);
  });

  it('a valid request without model access says so, and exits 2 (a config error)', async () => {
    await project();
    const result = await runCli(['run', '--agent', 'alpha', 'do it'], { cwd: dir.path });
    expect(result.stderr).toContain('E_NO_MODEL');
    expect(result.code).toBe(2);
  });

  it('run --plan with a task text refuses, naming both ways', async () => {
    await project();
    await plan('[{"agent": "alpha", "task": "x"}]');
    const result = await runCli(['run', '--plan', 'plan.json', 'also this'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--plan and a task text do not go together');
    expect(result.stderr).toContain('meshwork run --plan plan.json');
  });

  it('runs show with an unknown id exits 2', async () => {
    await project();
    const result = await runCli(['runs', 'show', 'nope'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no run nope');
  });

  it.each([
    'run',
    'submit',
    'tasks',
    'daemon',
    'servers',
    'agents',
    'runs',
    'dream',
    'serve',
    'init',
    'demo',
  ])('%s --bogus exits 2', async (command) => {
    const result = await runCli([command, '--bogus'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--bogus'");
  });

  it.each([
    [['servers'], 'servers'],
    [['agents', 'list'], 'agents'],
    [['run', 'do it'], 'run'],
  ])('with no meshwork.json, %j says none was found and where it looked (exit 2)', async (args) => {
    const result = await runCli(args, { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      `No meshwork.json found: meshwork looked for ${join(dir.path, 'meshwork.json')}`,
    );
    expect(result.stdout).not.toMatch(/none|No servers|No agents/);
  });

  it('submit --agent nope is refused at once, as delegate_task refuses it', async () => {
    await project();
    const result = await runCli(['submit', '--agent', 'nope', 'do it'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no agent named "nope"');
    const list = await runCli(['tasks', 'list'], { cwd: dir.path });
    expect(list.stdout).toContain('No tasks.');
  });

  it('submit --plan p.json needs no task text, and a bad plan is refused at once', async () => {
    await project();
    await plan('[{"agent": "alpha", "task": "x"}]');
    const accepted = await runCli(['submit', '--plan', 'plan.json'], { cwd: dir.path });
    expect(accepted.stderr).not.toContain('say what to do');
    expect(accepted.code).toBe(0);
    const id = accepted.stdout.trim();
    const shown = await runCli(['tasks', 'show', id], { cwd: dir.path });
    expect(shown.stdout).toContain(`plan:      ${join(dir.path, 'plan.json')}`);
    await plan('[{"agent": "nope", "task": "x"}]');
    const refused = await runCli(['submit', '--plan', 'plan.json'], { cwd: dir.path });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('no agent named "nope"');
  });
});
