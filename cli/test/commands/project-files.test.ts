import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('commands do what their help says', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-files-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('init writes a .meshwork/.gitignore: run records and local state untracked, agents and README tracked', async () => {
    expect((await runCli(['init'], { cwd: dir.path })).code).toBe(0);
    const git = (...args: string[]) => execFileSync('git', args, { cwd: dir.path, encoding: 'utf8' });
    git('init', '-q');
    for (const path of [
      '.meshwork/runs/r1/events.jsonl',
      '.meshwork/daemon/queue.db',
      '.meshwork/memory/.index/search.db',
      '.meshwork/memory/transcripts/s.jsonl',
      '.meshwork/memory/.dreams/d/snapshot.json',
      '.meshwork/env',
      '.meshwork/memory/topics/a.md',
      '.meshwork/memory/MEMORY.md',
    ]) {
      await mkdir(join(dir.path, path, '..'), { recursive: true });
      await writeFile(join(dir.path, path), 'x\n');
    }
    const untracked = git('ls-files', '--others', '--exclude-standard').trim().split('\n').sort();
    expect(untracked).toEqual([
      '.meshwork/.gitignore',
      '.meshwork/README.md',
      '.meshwork/agents/builder.md',
      '.meshwork/agents/researcher.md',
      '.meshwork/agents/reviewer.md',
      '.meshwork/memory/MEMORY.md',
      '.meshwork/memory/topics/a.md',
      'meshwork.json',
    ]);
  });

  it('tasks cancel takes a unique prefix of a schedule id, as the help says', async () => {
    const scheduled = await runCli(['submit', '--every', '0 3 * * *', 'nightly'], { cwd: dir.path });
    expect(scheduled.code, scheduled.stderr).toBe(0);
    const id = scheduled.stdout.split('\n')[0]!;
    expect(id).toMatch(/^s-/);
    const cancelled = await runCli(['tasks', 'cancel', id.slice(0, 4)], { cwd: dir.path });
    expect(cancelled.stdout).toBe(`schedule ${id} cancelled\n`);
    expect(cancelled.code).toBe(0);
    const again = await runCli(['tasks', 'cancel', id.slice(0, 4)], { cwd: dir.path });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(`no active schedule ${id.slice(0, 4)}`);
  });

  it('demo says its copy is removed, and a kept copy works where it was kept', async () => {
    const plain = await runCli(['demo', '--json'], { cwd: dir.path });
    expect(plain.code, plain.stderr).toBe(0);
    const removed = (JSON.parse(plain.stdout) as { runDir: string }).runDir;
    expect(existsSync(removed)).toBe(false);
    expect(plain.stderr).toContain('and the run record in it; pass --keep to keep them');

    const kept = await runCli(['demo', '--keep', '--json'], { cwd: dir.path });
    expect(kept.code, kept.stderr).toBe(0);
    const runDir = (JSON.parse(kept.stdout) as { runDir: string }).runDir;
    const copy = join(runDir, '..', '..', '..');
    try {
      expect(existsSync(join(runDir, 'report.json'))).toBe(true);
      const config = JSON.parse(readFileSync(join(copy, 'meshwork.json'), 'utf8')) as {
        mcpServers: Record<string, { args: string[] }>;
      };
      for (const entry of Object.values(config.mcpServers)) expect(existsSync(entry.args[0]!)).toBe(true);
      const servers = await runCli(['servers', '--json'], { cwd: copy });
      expect(servers.code, servers.stdout).toBe(0);
      const statuses = JSON.parse(servers.stdout) as Array<{ name: string; ok: boolean }>;
      expect(statuses.map((status) => [status.name, status.ok])).toEqual([
        ['fs', true],
        ['shell', true],
        ['memory', true],
      ]);
      const runs = await runCli(['runs', 'list', '--json'], { cwd: copy });
      expect(JSON.parse(runs.stdout)).toHaveLength(1);
    } finally {
      await rm(copy, { recursive: true, force: true });
    }
  }, 120_000);
});
