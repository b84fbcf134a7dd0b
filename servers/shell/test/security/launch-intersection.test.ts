import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { deriveLaunchLimits, renderLaunchFlags } from '@meshwork/permissions';
import { createTempDir, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN } from '../helpers.js';
import { type ShellUnderAttack, startShell } from './harness.js';

// Class 3: a --policy file and flags combine by intersection (roots ∩, allow ∩, deny ∪, writes ∩),
// and the coordinator's --limit-* flags narrow both.
describe('class 3: launch configs combine by intersection', () => {
  let project: TempDir;
  let shell: ShellUnderAttack | undefined;
  let policy: string;
  beforeEach(async () => {
    project = await createTempDir('meshwork-attack-launch-');
    await mkdir(join(project.path, 'sandbox'));
    policy = join(project.path, 'policy.json');
    writeFileSync(
      policy,
      JSON.stringify({
        allow: ['git status *', 'touch *'],
        roots: [join(project.path, 'sandbox')],
        write: ['**'],
      }),
    );
  });
  afterEach(async () => {
    await shell?.close();
    shell = undefined;
    await project.remove();
  });
  const created = () =>
    readdirSync(project.path).filter((name) => name !== 'sandbox' && name !== 'policy.json');

  it('a profile with touch * cannot create files at the project root (the file keeps roots to ./sandbox)', async () => {
    shell = await startShell([
      '--policy',
      policy,
      '--root',
      project.path,
      '--allow-write',
      '**',
      '--limit-allow=touch *',
      `--limit-root=${project.path}`,
    ]);
    const result = await shell.run(`touch ${join(project.path, 'planted')}`);
    expect(result.isError).toBe(true);
    expect((await shell.run('touch planted', { cwd: project.path })).isError).toBe(true);
    expect(created()).toEqual([]);
    expect((await shell.run('touch inside')).isError).toBe(false);
    expect(existsSync(join(project.path, 'sandbox', 'inside'))).toBe(true);
  });

  it('the flags a coordinator derives from a profile with touch * and a write rule narrow the file', async () => {
    const profile = {
      allow: ['shell:run_command(touch *)', 'fs:write_file(**)', 'fs:read_*'],
      deny: ['fs:*(.env)'],
      launch: { shell: { roots: [project.path] } },
    };
    const flags = renderLaunchFlags(deriveLaunchLimits(profile, 'shell', { kind: 'shell' }));
    expect(flags).toContain('--limit-allow=touch *');
    writeFileSync(
      policy,
      JSON.stringify({ allow: ['git status *'], roots: [join(project.path, 'sandbox')] }),
    );
    // Nothing is left of `git status *` ∩ `touch *`: the server does not start at all.
    await expect(startShell(['--policy', policy, '--root', project.path, ...flags])).rejects.toThrow();
    expect(created()).toEqual([]);
    // With touch in the file too, the file's root still holds, and so does the server's lack of a write grant.
    writeFileSync(
      policy,
      JSON.stringify({ allow: ['git status *', 'touch *'], roots: [join(project.path, 'sandbox')] }),
    );
    shell = await startShell(['--policy', policy, '--root', project.path, ...flags]);
    expect((await shell.run(`touch ${join(project.path, 'planted')}`)).isError).toBe(true);
    expect((await shell.run('touch inside')).isError).toBe(true);
    expect(created()).toEqual([]);
    expect(readdirSync(join(project.path, 'sandbox'))).toEqual([]);
  });

  it('flags cannot add a command the file does not allow', async () => {
    writeFileSync(
      policy,
      JSON.stringify({ allow: ['git status *'], roots: [join(project.path, 'sandbox')] }),
    );
    shell = await startShell(['--policy', policy, '--allow', 'git status *', '--allow', 'touch *']);
    expect((await shell.run('touch x')).isError).toBe(true);
    expect(readdirSync(join(project.path, 'sandbox'))).toEqual([]);
  });

  it('a write grant in the file and one on the command line must both hold', async () => {
    writeFileSync(
      policy,
      JSON.stringify({ allow: ['touch *'], roots: [join(project.path, 'sandbox')], write: ['a/**'] }),
    );
    await mkdir(join(project.path, 'sandbox', 'a'));
    await mkdir(join(project.path, 'sandbox', 'b'));
    shell = await startShell(['--policy', policy, '--allow-write', 'b/**', '--allow-write', 'a/**']);
    expect((await shell.run('touch b/x')).isError).toBe(true);
    expect(existsSync(join(project.path, 'sandbox', 'b', 'x'))).toBe(false);
    expect((await shell.run('touch a/x')).isError).toBe(false);
  });

  it('a --limit-write from a profile narrows, and --limit-read-only removes every write', async () => {
    shell = await startShell(['--policy', policy, '--limit-read-only']);
    expect((await shell.run('touch x')).isError).toBe(true);
    expect(readdirSync(join(project.path, 'sandbox'))).toEqual([]);
    await shell.close();
    shell = await startShell(['--policy', policy, '--limit-write=only/**']);
    expect((await shell.run('touch y')).isError).toBe(true);
    expect(readdirSync(join(project.path, 'sandbox'))).toEqual([]);
  });

  it('a server with no write grant gives none to a profile that has one', async () => {
    shell = await startShell([
      '--root',
      join(project.path, 'sandbox'),
      '--allow',
      'touch *',
      '--limit-write=**',
    ]);
    expect((await shell.run('touch z')).isError).toBe(true);
    expect(readdirSync(join(project.path, 'sandbox'))).toEqual([]);
  });

  it('a server started with no rules keeps its read-only set: a profile cannot add a command to it', async () => {
    const sandbox = join(project.path, 'sandbox');
    // As the coordinator launches it for a profile allowing `touch *` and `ls *`, with writes.
    shell = await startShell([
      '--root',
      sandbox,
      '--limit-allow=touch *',
      '--limit-allow=ls *',
      '--limit-write=**',
    ]);
    expect((await shell.run('touch planted')).isError).toBe(true);
    expect(readdirSync(sandbox)).toEqual([]);
    expect((await shell.run('ls')).isError).toBe(false);
    await shell.close();
    // Limits that leave nothing of the read-only set stop the server instead of widening it.
    const server = spawnStdioServer({ bin: BIN, args: ['--root', sandbox, '--limit-allow=uname *'] });
    await expect(server).rejects.toThrow();
    expect(readdirSync(sandbox)).toEqual([]);
  });

  it('refuses to start when the file and the flags share no root', async () => {
    const other = await createTempDir('meshwork-attack-other-');
    const server = spawnStdioServer({ bin: BIN, args: ['--policy', policy, '--root', other.path] });
    await expect(server).rejects.toThrow();
    await other.remove();
  });
});
