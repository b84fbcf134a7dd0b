import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { findNativeWatchdog } from '../../src/process/native-spawn.js';
import { signalGroup } from '../../src/process/process-group.js';
import { eventually, groupMembers } from '../helpers.js';

const line = (op: string, pgid: unknown) => `${JSON.stringify({ op, pgid })}\n`;

/** The path the server looks for, which a Linux build must have produced. */
const BUILT = fileURLToPath(new URL('../../native/build/Release/meshwork_watchdog', import.meta.url));

// The watchdog is built with the addon, on Linux only.
describe.runIf(process.platform === 'linux')('group watchdog (native/watchdog.c)', () => {
  const started: ChildProcess[] = [];
  const groups: number[] = [];

  /** `sh -c 'sleep 100 & sleep 100'` as a group of its own, once both sleeps are in it. */
  const sleepingGroup = async () => {
    const child = spawn('sh', ['-c', 'sleep 100 & sleep 100'], { detached: true, stdio: 'ignore' });
    started.push(child);
    const pgid = child.pid!;
    groups.push(pgid);
    expect(await eventually(() => groupMembers(pgid).length >= 2)).toBe(true);
    return pgid;
  };
  const startWatchdog = () => {
    // Detached, so that a kill of "its own group" (pgid 0) could only ever reach itself.
    const child = spawn(findNativeWatchdog()!, [], { stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    started.push(child);
    let stderr = '';
    let stdout = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    child.stdout!.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    return { child, exited, output: () => ({ stdout, stderr }) };
  };

  afterEach(() => {
    for (const pgid of groups.splice(0)) signalGroup(pgid, 'SIGKILL');
    for (const child of started.splice(0)) child.kill('SIGKILL');
  });

  it('is built where the server looks for it', () => {
    expect(findNativeWatchdog()).toBe(BUILT);
  });

  it('kills every group still watched when its input ends, and exits 0 without a word on stdout', async () => {
    const [first, second] = [await sleepingGroup(), await sleepingGroup()];
    const watchdog = startWatchdog();
    watchdog.child.stdin!.end(line('watch', first) + line('watch', second));
    expect(await watchdog.exited).toEqual([0, null]);
    expect(
      await eventually(() => groupMembers(first).length === 0 && groupMembers(second).length === 0),
    ).toBe(true);
    expect(watchdog.output()).toEqual({ stdout: '', stderr: '' });
  });

  it('leaves a group alone once told to forget it, and takes lines split across writes', async () => {
    const [kept, forgotten] = [await sleepingGroup(), await sleepingGroup()];
    const watchdog = startWatchdog();
    const text = line('watch', kept) + line('watch', forgotten) + line('unwatch', forgotten);
    // One byte at a time: the pipe may hand a line over in any number of pieces.
    for (const byte of text) watchdog.child.stdin!.write(byte);
    watchdog.child.stdin!.end();
    expect(await watchdog.exited).toEqual([0, null]);
    expect(await eventually(() => groupMembers(kept).length === 0)).toBe(true);
    expect(groupMembers(forgotten).length).toBeGreaterThanOrEqual(2);
  });

  it('ignores the signals a terminal or a polite stop sends, and still does its job after them', async () => {
    const pgid = await sleepingGroup();
    const watchdog = startWatchdog();
    // A line it answers (on stderr) shows it runs its loop, so it has set its signals up.
    watchdog.child.stdin!.write(`${line('watch', pgid)}first unknown line\n`);
    expect(await eventually(() => watchdog.output().stderr.includes('first unknown line'))).toBe(true);
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) watchdog.child.kill(signal);
    // Every signal has landed once a later line has been read; none of them ended it.
    watchdog.child.stdin!.write('second unknown line\n');
    expect(await eventually(() => watchdog.output().stderr.includes('second unknown line'))).toBe(true);
    expect(watchdog.child.exitCode).toBeNull();
    expect(watchdog.child.signalCode).toBeNull();
    watchdog.child.stdin!.end();
    expect(await watchdog.exited).toEqual([0, null]);
    expect(await eventually(() => groupMembers(pgid).length === 0)).toBe(true);
  });

  it('refuses lines it cannot read instead of guessing, and never signals its own group', async () => {
    const pgid = await sleepingGroup();
    const watchdog = startWatchdog();
    watchdog.child.stdin!.end(
      [
        line('watch', 0),
        line('watch', -pgid),
        line('watch', `${pgid}`),
        line('kill', pgid),
        `{"op":"watch","pgid":${pgid}${'0'.repeat(300)}}\n`,
        'garbage\n',
      ].join(''),
    );
    // A kill of group 0 would have reached the watchdog itself, which would then show SIGKILL.
    expect(await watchdog.exited).toEqual([0, null]);
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
    const { stdout, stderr } = watchdog.output();
    expect(stdout).toBe('');
    expect(stderr.match(/ignored/g)).toHaveLength(6);
  });
});
