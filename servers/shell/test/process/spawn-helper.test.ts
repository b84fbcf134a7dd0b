import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BIN,
  eventually,
  groupMembers,
  helperOf,
  serverArgs,
  startSleepingGroup,
  structured,
} from '../helpers.js';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('spawn helper', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  const start = async () => {
    server = await spawnStdioServer({
      bin: BIN,
      args: serverArgs(
        root.path,
        ['sh -c *', 'echo *', 'no-such-program *', './data.txt'],
        ['--kill-grace-ms', '500', '--spawner', 'helper'],
      ),
      cwd: root.path,
    });
    return server;
  };
  beforeEach(async () => {
    root = await createTempDir();
    writeFileSync(join(root.path, 'data.txt'), 'not a program\n');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  it('starts commands from a helper process, in their own process group', async () => {
    const spawned = await start();
    const result = structured(
      await spawned.client.callTool({
        name: 'run_command',
        arguments: { command: "sh -c 'echo $PPID; ps -o pgid= -p $$'" },
      }),
    );
    const [parent, group] = String(result.stdout).trim().split(/\s+/).map(Number);
    expect(parent).toBe(helperOf(spawned.pid!));
    expect(parent).not.toBe(spawned.pid);
    expect(group).toBe(result.pid);
  });

  it('reports a program that cannot be started as exit 127 or 126, with the reason', async () => {
    const spawned = await start();
    const missing = structured(
      await spawned.client.callTool({ name: 'run_command', arguments: { command: 'no-such-program x' } }),
    );
    expect(missing).toMatchObject({
      exit_code: 127,
      pid: null,
      stderr: 'no-such-program: command not found\n',
    });
    const notExecutable = structured(
      await spawned.client.callTool({ name: 'run_command', arguments: { command: './data.txt' } }),
    );
    expect(notExecutable.exit_code).toBe(126);
    expect(notExecutable.stderr).toMatch(/EACCES/);
  });

  it('ends the running commands and starts a new helper when the helper dies', async () => {
    const spawned = await start();
    const { id, pgid } = await startSleepingGroup(spawned.client);
    const helper = helperOf(spawned.pid!);
    expect(helper).toBeDefined();
    process.kill(helper!, 'SIGKILL');

    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
    let state: unknown;
    for (let attempt = 0; attempt < 200 && state !== 'exited'; attempt += 1) {
      const listed = structured(await spawned.client.callTool({ name: 'process_status', arguments: { id } }));
      state = (listed.processes as Array<{ state: string }>)[0]?.state;
      if (state !== 'exited') await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(state).toBe('exited');
    const output = structured(
      await spawned.client.callTool({ name: 'read_process_output', arguments: { id } }),
    );
    expect(output.output).toMatch(/spawn helper exited/);

    const after = structured(
      await spawned.client.callTool({ name: 'run_command', arguments: { command: 'echo still working' } }),
    );
    expect(after.stdout).toBe('still working\n');
    expect(helperOf(spawned.pid!)).not.toBe(helper);
  });

  it('ends every command of a server that was killed outright', async () => {
    const spawned = await start();
    const { pgid } = await startSleepingGroup(spawned.client);
    const helper = helperOf(spawned.pid!)!;
    process.kill(spawned.pid!, 'SIGKILL');
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
    expect(await eventually(() => !isAlive(helper))).toBe(true);
  });
});
