import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GUARD_NAME, GUARD_SCRIPT } from '../../src/process/group-guard.js';
import { signalGroup } from '../../src/process/process-group.js';
import {
  BIN,
  eventually,
  groupMembers,
  guardOf,
  isAlive,
  serverArgs,
  startSleepingGroup,
  structured,
} from '../helpers.js';

/** Bits of SIGHUP (1), SIGINT (2), SIGQUIT (3) and SIGTERM (15) in a /proc signal mask. */
const POLITE_SIGNALS = (1n << 0n) | (1n << 1n) | (1n << 2n) | (1n << 14n);

/** The signals `pid` ignores, from /proc. */
function ignoredSignals(pid: number): bigint {
  const match = /^SigIgn:\s+([0-9a-f]+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return BigInt(`0x${match?.[1] ?? '0'}`);
}

describe.runIf(process.platform === 'linux')('group guard script', () => {
  const started: ChildProcess[] = [];
  const groups: number[] = [];
  afterEach(() => {
    for (const pgid of groups.splice(0)) signalGroup(pgid, 'SIGKILL');
    for (const child of started.splice(0)) child.kill('SIGKILL');
  });

  /** `sh -c 'sleep 100 & sleep 100'` as a group of its own, once both sleeps are in it. */
  const sleepingGroup = async () => {
    const child = spawn('sh', ['-c', 'sleep 100 & sleep 100'], { detached: true, stdio: 'ignore' });
    started.push(child);
    groups.push(child.pid!);
    expect(await eventually(() => groupMembers(child.pid!).length >= 2)).toBe(true);
    return child.pid!;
  };
  /** The guard as the server runs it, optionally with a prelude (detached, like the server's). */
  const startGuard = (prelude = '') => {
    const child = spawn('/bin/sh', ['-c', prelude + GUARD_SCRIPT, GUARD_NAME], {
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    started.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    // 'close', not 'exit': the exit can come before the last of its output has been read.
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    return { child, exited, output: () => ({ stdout, stderr }) };
  };

  it('kills every group still registered when its input ends, leaves a forgotten one alone, and exits 0', async () => {
    const [kept, forgotten] = [await sleepingGroup(), await sleepingGroup()];
    const guard = startGuard();
    const text = `+${kept}\n+${forgotten}\n-${forgotten}\n`;
    // One byte at a time: the pipe may hand a line over in any number of pieces.
    for (const byte of text) guard.child.stdin!.write(byte);
    guard.child.stdin!.end();
    expect(await guard.exited).toEqual([0, null]);
    expect(await eventually(() => groupMembers(kept).length === 0)).toBe(true);
    expect(groupMembers(forgotten).length).toBeGreaterThanOrEqual(2);
    expect(guard.output()).toEqual({ stdout: '', stderr: '' });
  });

  it('refuses every line that is not a sign and a pid above 1, and would signal only the valid groups', async () => {
    // `kill` replaced by a function that reports, so a broken check could not reach group 0 or 1.
    const guard = startGuard('kill() { echo "kill $*"; }\n');
    const refused = ['+0', '+1', '-1', '+-5', '+abc', '+ 7', '77', '+007', '+12345678901', '', 'kill 1'];
    guard.child.stdin!.end(`${['+4242', ...refused, '+77', '-77', '+99', '+99'].join('\n')}\n+5151`);
    expect(await guard.exited).toEqual([0, null]);
    const { stdout, stderr } = guard.output();
    // +5151 has no newline (the server died mid-line): not acted on.
    expect(stdout).toBe('kill -KILL -4242\nkill -KILL -99\n');
    expect(stderr.trim().split('\n')).toEqual(refused.map((line) => `${GUARD_NAME}: refused line ${line}`));
  });

  it('ignores SIGINT, SIGTERM, SIGHUP and SIGQUIT, and still kills its groups at end of input', async () => {
    const pgid = await sleepingGroup();
    const guard = startGuard();
    guard.child.stdin!.write(`+${pgid}\n`);
    expect(
      await eventually(() => (ignoredSignals(guard.child.pid!) & POLITE_SIGNALS) === POLITE_SIGNALS),
    ).toBe(true);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) guard.child.kill(signal);
    guard.child.stdin!.write('not a line\n');
    expect(await eventually(() => guard.output().stderr.includes('not a line'))).toBe(true);
    expect(guard.child.exitCode).toBeNull();
    guard.child.stdin!.end();
    expect(await guard.exited).toEqual([0, null]);
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
  });
});

describe.runIf(process.platform === 'linux')('no command outlives the server', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  /** Groups a failing test must not leave behind. */
  const groups: number[] = [];
  beforeEach(async () => {
    root = await createTempDir();
    server = await spawnStdioServer({
      bin: BIN,
      args: serverArgs(root.path, ['sh -c *', 'echo *'], ['--kill-grace-ms', '500']),
      cwd: root.path,
    });
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    for (const pgid of groups.splice(0)) signalGroup(pgid, 'SIGKILL');
    await root.remove();
  });

  it('starts one guard with the first command, in a session of its own', async () => {
    const spawned = server!;
    expect(guardOf(spawned.pid!)).toBeUndefined();
    await spawned.client.callTool({ name: 'run_command', arguments: { command: 'echo one' } });
    await spawned.client.callTool({ name: 'run_command', arguments: { command: 'echo two' } });
    const guard = guardOf(spawned.pid!);
    expect(guard).toBeDefined();
    const fields = readFileSync(`/proc/${guard}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // pgid and sid (fields 5 and 6) are the guard's own pid.
    expect([Number(fields[2]), Number(fields[3])]).toEqual([guard, guard]);
    expect(ignoredSignals(guard!) & POLITE_SIGNALS).toBe(POLITE_SIGNALS);
  });

  it('kills every group, double-forked and SIGTERM-proof members too, when the server is SIGKILLed mid-command', async () => {
    const spawned = server!;
    // A grandchild that double-forks (its parent exits, it stays in the group) and one that ignores SIGTERM and SIGHUP.
    const command = 'sh -c \'(sleep 100 &); (trap "" TERM HUP; sleep 100) & echo $$; sleep 100\'';
    const background = structured(
      await spawned.client.callTool({ name: 'start_process', arguments: { command } }),
    );
    const backgroundGroup = background.pid as number;
    let foregroundGroup: number | undefined;
    const inFlight = spawned.client
      .callTool(
        { name: 'run_command', arguments: { command } },
        {
          onprogress: (progress) => {
            foregroundGroup ??= Number.parseInt(String(progress.message), 10);
          },
        },
      )
      .catch(() => undefined);
    expect(await eventually(() => foregroundGroup !== undefined)).toBe(true);
    groups.push(backgroundGroup, foregroundGroup!);
    for (const pgid of [backgroundGroup, foregroundGroup!]) {
      expect(await eventually(() => groupMembers(pgid).length >= 4)).toBe(true);
      // The double-forked sleep was reparented away from the group's leader, yet is still in the group.
      const parents = groupMembers(pgid).map((pid) =>
        Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]),
      );
      expect(parents.some((parent) => parent !== pgid && !groupMembers(pgid).includes(parent))).toBe(true);
    }
    const guard = guardOf(spawned.pid!)!;
    process.kill(spawned.pid!, 'SIGKILL');
    expect(await eventually(() => groupMembers(backgroundGroup).length === 0)).toBe(true);
    expect(await eventually(() => groupMembers(foregroundGroup!).length === 0)).toBe(true);
    expect(await eventually(() => !isAlive(guard))).toBe(true);
    await inFlight;
  });

  it('replaces a guard that died and hands it the live groups', async () => {
    const spawned = server!;
    const { pgid } = await startSleepingGroup(spawned.client);
    groups.push(pgid);
    const first = guardOf(spawned.pid!)!;
    process.kill(first, 'SIGKILL');
    // A new guard takes over without waiting for the next command; the command keeps running.
    expect(await eventually(() => (guardOf(spawned.pid!) ?? first) !== first)).toBe(true);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
    process.kill(spawned.pid!, 'SIGKILL');
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
  });
});
