import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, pickEnvironment, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../helpers/cli.js';
import { ECHO_BIN } from '../helpers/project.js';

const SILENT_BIN = fileURLToPath(new URL('./fixtures/silent-server.mjs', import.meta.url));

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('meshwork servers', () => {
  let dir: TempDir;
  const pids: number[] = [];
  beforeEach(async () => {
    dir = await createTempDir('meshwork-servers-');
  });
  afterEach(async () => {
    for (const pid of pids.splice(0)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    await dir.remove();
  });

  it('honours --timeout-ms for a server that never answers, prints each line as it finishes, and stops the child', async () => {
    const pidFile = join(dir.path, 'silent.pid');
    await writeFile(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({
        mcpServers: {
          echo: { command: 'node', args: [ECHO_BIN] },
          silent: { command: 'node', args: [SILENT_BIN, pidFile] },
        },
      }),
    );
    const started = Date.now();
    const child = spawn(process.execPath, [CLI_BIN, 'servers', '--timeout-ms', '3000'], {
      cwd: dir.path,
      env: pickEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let echoLineAt: number | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (echoLineAt === undefined && /^echo: .*✓ Connected/m.test(stdout)) echoLineAt = Date.now();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const elapsed = Date.now() - started;

    expect(code).toBe(1);
    expect(stdout).toMatch(/^silent: .*✗ Failed to connect: .*3000 ms/m);
    // Well under the SDK's 60 s initialize timeout: the command's own timeout decides.
    expect(elapsed).toBeLessThan(12_000);
    // The echo server's line came out while the silent one was still being waited for.
    expect(echoLineAt).toBeDefined();
    expect(echoLineAt! - started).toBeLessThan(elapsed - 1_000);
    // No orphan: the child that never answered is gone.
    expect(existsSync(pidFile)).toBe(true);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    pids.push(pid);
    for (let tries = 0; tries < 20 && isAlive(pid); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(isAlive(pid)).toBe(false);
  }, 90_000);

  it('refuses a --timeout-ms that is not a positive whole number (exit 2)', async () => {
    await writeFile(join(dir.path, 'meshwork.json'), JSON.stringify({ mcpServers: {} }));
    const child = spawn(process.execPath, [CLI_BIN, 'servers', '--timeout-ms', 'soon'], {
      cwd: dir.path,
      env: pickEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(2);
    expect(stderr).toContain('--timeout-ms takes a positive whole number; got soon');
  });
});
