import { chmodSync, existsSync, writeFileSync } from 'node:fs';
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
  watchdogOf,
} from '../helpers.js';

const RULES = ['sh -c *', 'printenv', 'cat', 'no-such-program *', 'echo *', './no-shebang.sh', 'grep *'];
/** Parent pid, process group and session of the shell itself. */
const IDENTITY = "sh -c 'echo $PPID; ps -o pgid=,sid= -p $$'";
/**
 * The blocked and ignored signal masks the command starts with. Read by the spawned process about
 * itself: a shell reading its own would be racy, as dash blocks every signal around its forks.
 */
const SIGNAL_MASKS = "grep -E '^Sig(Blk|Ign)' /proc/self/status";

// The addon is built for Linux only; elsewhere every command uses the helper.
describe.runIf(process.platform === 'linux')('native spawn (clone + exec from the server)', () => {
  let root: TempDir;
  const servers: SpawnedStdioServer[] = [];
  const start = async (spawner: 'native' | 'helper' = 'native') => {
    const server = await spawnStdioServer({
      bin: BIN,
      args: serverArgs(root.path, RULES, ['--spawner', spawner, '--kill-grace-ms', '500']),
      cwd: root.path,
    });
    servers.push(server);
    return server;
  };
  const run = async (server: SpawnedStdioServer, command: string, extra: Record<string, unknown> = {}) =>
    structured(await server.client.callTool({ name: 'run_command', arguments: { command, ...extra } }));

  beforeEach(async () => {
    root = await createTempDir();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
    await root.remove();
  });

  it('starts a command from the server itself, as the leader of a new session and group, with default signals', async () => {
    const server = await start();
    const result = await run(server, IDENTITY);
    const [parent, group, session] = String(result.stdout).trim().split(/\s+/).map(Number);
    expect(parent).toBe(server.pid);
    expect(group).toBe(result.pid);
    expect(session).toBe(result.pid);
    // Node ignores SIGPIPE itself; a child must not inherit that, nor any blocked signal.
    expect((await run(server, SIGNAL_MASKS)).stdout).toBe(
      'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n',
    );
  });

  it('gives a command the same argv, environment, stdin and output as the helper does', async () => {
    const native = await start('native');
    const helper = await start('helper');
    for (const [command, extra] of [
      ['printenv', {}],
      ['cat', { stdin: 'line one\nline two\n' }],
      ["sh -c 'echo out; echo err >&2; exit 3'", {}],
      ["echo 'quoted words' and $HOME", {}],
    ] as const) {
      const [ours, theirs] = await Promise.all([run(native, command, extra), run(helper, command, extra)]);
      expect({ command, ...pick(ours) }).toEqual({ command, ...pick(theirs) });
    }
    // Every command started natively: the group watchdog runs, no Node helper does.
    expect(watchdogOf(native.pid!)).toBeDefined();
    expect(helperOf(native.pid!)).toBeUndefined();
    expect(helperOf(helper.pid!)).toBeDefined();
  });

  it('leaves a program that cannot start to the helper, which reports it as exit 127', async () => {
    const server = await start();
    expect(await run(server, 'no-such-program x')).toMatchObject({
      exit_code: 127,
      pid: null,
      stderr: 'no-such-program: command not found\n',
    });
    expect((await run(server, 'echo after')).stdout).toBe('after\n');
  });

  it('leaves a file without a #! line to the helper, which runs it with /bin/sh as execvp does', async () => {
    writeFileSync(join(root.path, 'no-shebang.sh'), 'echo "run by $0"\n');
    chmodSync(join(root.path, 'no-shebang.sh'), 0o755);
    const server = await start();
    const result = await run(server, './no-shebang.sh');
    expect(result).toMatchObject({ exit_code: 0, stdout: 'run by ./no-shebang.sh\n' });
  });

  it('ends the whole group of a native command when the server is killed outright', async () => {
    const server = await start();
    const { pgid } = await startSleepingGroup(server.client);
    const watchdog = watchdogOf(server.pid!);
    expect(watchdog).toBeDefined();
    process.kill(server.pid!, 'SIGKILL');
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
    // Its job done, the watchdog is gone too.
    expect(await eventually(() => !existsSync(`/proc/${watchdog}`))).toBe(true);
  });

  it('hands the groups it watched to a new watchdog when the watchdog dies', async () => {
    const server = await start();
    const { pgid } = await startSleepingGroup(server.client);
    const first = watchdogOf(server.pid!)!;
    process.kill(first, 'SIGKILL');
    // A new watchdog takes over without waiting for the next command; the command keeps running.
    expect(await eventually(() => (watchdogOf(server.pid!) ?? first) !== first)).toBe(true);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
    expect((await run(server, 'echo next')).stdout).toBe('next\n');
    process.kill(server.pid!, 'SIGKILL');
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
  });
});

/** The fields of a run_command result that must not depend on how the command was started. */
function pick(result: Record<string, unknown>) {
  const { exit_code, signal, stdout, stderr, timed_out, stdout_bytes, stderr_bytes } = result;
  return { exit_code, signal, stdout, stderr, timed_out, stdout_bytes, stderr_bytes };
}
