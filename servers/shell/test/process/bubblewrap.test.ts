import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findExecutable } from '@meshwork/kit';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, groupMembers, structured } from '../helpers.js';

const hasBwrap = findExecutable('bwrap', process.env.PATH) !== undefined;

// The no-bwrap path is tested in cli.test.ts; this runs where bubblewrap is installed.
describe.skipIf(!hasBwrap)('--sandbox with bubblewrap', () => {
  let root: TempDir;
  let outside: string;
  let server: SpawnedStdioServer;
  beforeEach(async () => {
    root = await createTempDir();
    // Outside the roots and outside /tmp (the sandbox gives commands a private /tmp).
    outside = mkdtempSync(join(existsSync('/var/tmp') ? '/var/tmp' : tmpdir(), 'meshwork-outside-'));
    server = await spawnStdioServer({
      bin: BIN,
      args: [
        '--sandbox',
        '--root',
        root.path,
        '--allow',
        'sh *',
        '--allow',
        'sh -c *',
        '--kill-grace-ms',
        '500',
      ],
      cwd: root.path,
    });
  });
  afterEach(async () => {
    await server.close();
    await root.remove();
    rmSync(outside, { recursive: true, force: true });
  });

  it('lets an allowed program write inside the roots only', async () => {
    // The policy cannot see inside a script; the sandbox is what stops its write outside the roots.
    writeFileSync(join(root.path, 'w.sh'), `touch inside; touch ${join(outside, 'escaped')}; echo done`);
    const output = structured(
      await server.client.callTool({ name: 'run_command', arguments: { command: 'sh w.sh' } }),
    );
    expect(output.stdout).toBe('done\n');
    expect(String(output.stderr)).toContain('Read-only file system');
    expect(existsSync(join(root.path, 'inside'))).toBe(true);
    expect(existsSync(join(outside, 'escaped'))).toBe(false);
  });

  it('still ends the whole group on timeout', async () => {
    const output = structured(
      await server.client.callTool({
        name: 'run_command',
        arguments: { command: "sh -c 'sleep 100 & sleep 100'", timeout_ms: 500 },
      }),
    );
    expect(output.timed_out).toBe(true);
    expect(groupMembers(output.pid as number)).toEqual([]);
  });
});

describe.skipIf(!hasBwrap)('--sandbox builds the OS sandbox of @meshwork/permissions', () => {
  it('masks the home secrets and shows commands a fresh /proc', async () => {
    const root = await createTempDir();
    const home = join(root.path, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true });
    writeFileSync(join(home, '.ssh', 'id_rsa'), 'STANDALONE-SSH-SECRET\n');
    const server = await spawnStdioServer({
      bin: BIN,
      args: ['--sandbox', '--root', root.path, '--allow', 'sh -c *'],
      cwd: root.path,
      env: { HOME: home },
    });
    try {
      const output = structured(
        await server.client.callTool({
          name: 'run_command',
          arguments: { command: "sh -c 'cat home/.ssh/id_rsa; ls home/.ssh; ls /proc | grep -c ^[0-9]'" },
        }),
      );
      expect(String(output.stdout)).not.toContain('STANDALONE-SSH-SECRET');
      // Only the sandbox's own processes: bwrap's init, sh, ls and grep.
      expect(Number(String(output.stdout).trim().split('\n').pop())).toBeLessThan(6);
    } finally {
      await server.close();
      await root.remove();
    }
  });
});
