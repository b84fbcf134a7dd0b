import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, pickEnvironment, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, structured, textOf } from './helpers.js';

describe('meshwork-shell cli', () => {
  let root: TempDir;
  beforeEach(async () => {
    root = await createTempDir();
  });
  afterEach(async () => {
    await root.remove();
  });

  it('exits with a clear error when --sandbox is asked for and bwrap is not on PATH', () => {
    const bin = join(root.path, 'bin');
    mkdirSync(bin);
    const result = spawnSync(process.execPath, [BIN, '--sandbox', '--root', root.path], {
      env: { ...pickEnvironment(), PATH: bin },
      input: '',
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--sandbox needs bubblewrap (bwrap) on PATH');
    expect(result.stderr).toContain('Refusing to run commands unsandboxed');
    expect(result.stdout).toBe('');
  });

  it('prints help and rejects bad usage', () => {
    const help = spawnSync(process.execPath, [BIN, '--help'], { encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toBe('');
    expect(help.stderr).toContain('--allow <glob>');
    const badRoot = spawnSync(process.execPath, [BIN, '--root', join(root.path, 'missing')], {
      encoding: 'utf8',
      input: '',
    });
    expect(badRoot.status).toBe(2);
    expect(badRoot.stderr).toContain('does not exist');
    writeFileSync(join(root.path, 'policy.json'), '{"allow": "echo *"}');
    const badPolicy = spawnSync(process.execPath, [BIN, '--policy', join(root.path, 'policy.json')], {
      encoding: 'utf8',
      input: '',
    });
    expect(badPolicy.status).toBe(2);
    expect(badPolicy.stderr).toContain('must be an array of strings');
  });

  it('reads rules from --policy and uses the read-only default set without rules', async () => {
    writeFileSync(
      join(root.path, 'policy.json'),
      JSON.stringify({ allow: ['echo *'], deny: ['echo secret *'] }),
    );
    const withFile = await spawnStdioServer({
      bin: BIN,
      args: ['--policy', join(root.path, 'policy.json'), '--root', root.path],
    });
    const defaults = await spawnStdioServer({ bin: BIN, args: ['--root', root.path], cwd: root.path });
    try {
      expect(
        structured(await withFile.client.callTool({ name: 'run_command', arguments: { command: 'echo ok' } }))
          .stdout,
      ).toBe('ok\n');
      const secret = await withFile.client.callTool({
        name: 'run_command',
        arguments: { command: 'echo secret stuff' },
      });
      expect(textOf(secret)).toContain('deny rule `echo secret *`');
      expect(
        structured(await defaults.client.callTool({ name: 'run_command', arguments: { command: 'ls' } }))
          .exit_code,
      ).toBe(0);
      const write = await defaults.client.callTool({
        name: 'run_command',
        arguments: { command: 'echo hi > out.txt' },
      });
      expect(write.isError).toBe(true);
      expect(textOf(write)).toContain('read-only');
      expect(existsSync(join(root.path, 'out.txt'))).toBe(false);
    } finally {
      await withFile.close();
      await defaults.close();
    }
  });

  it('refuses a write that escapes the roots through a symlink', async () => {
    const outside = await createTempDir();
    symlinkSync(outside.path, join(root.path, 'link'));
    const server = await spawnStdioServer({
      bin: BIN,
      args: ['--root', root.path, '--allow', 'echo *', '--allow-write', '**'],
    });
    try {
      const result = await server.client.callTool({
        name: 'run_command',
        arguments: { command: 'echo hi > link/escaped' },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain('outside the roots');
      expect(existsSync(join(outside.path, 'escaped'))).toBe(false);
    } finally {
      await server.close();
      await outside.remove();
    }
  });
});
