import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTaskQueue, resolveDaemonPaths } from '@meshwork/cli';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type DaemonProcess,
  JOURNAL_RUNNER,
  readJournal,
  runCli,
  startDaemon,
  waitUntil,
} from './support.js';

/** Highest number of overlapping [start, finish] intervals in the journal. */
function peakConcurrency(entries: ReturnType<typeof readJournal>): number {
  const points = entries
    .map((entry) => ({ at: entry.at, delta: entry.event === 'start' ? 1 : -1 }))
    // At equal times count finishes first, so back-to-back tasks do not look concurrent.
    .sort((left, right) => left.at - right.at || left.delta - right.delta);
  let current = 0;
  let peak = 0;
  for (const point of points) {
    current += point.delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

describe('daemon queue (real process)', () => {
  let dir: TempDir;
  let daemon: DaemonProcess | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-daemon-queue-');
  });
  afterEach(async () => {
    await daemon?.stop().catch(() => {});
    daemon = undefined;
    await runCli(['daemon', 'stop'], { cwd: dir.path });
    await dir.remove();
  });

  it('runs 100 queued tasks at concurrency 4: all complete once, peak concurrency is 4', async () => {
    const journal = join(dir.path, 'journal.jsonl');
    // Queue them before the daemon starts. One CLI submission is checked in the other tests; here
    // the queue library (the same code path `meshwork submit` runs) keeps the test fast.
    const queue = openTaskQueue({ path: resolveDaemonPaths(dir.path).database });
    const ids = Array.from(
      { length: 100 },
      (_, index) => queue.submit({ payload: { task: `sleep ${20 + (index % 3) * 10}` } }).id,
    );
    queue.close();
    writeFileSync(join(dir.path, 'meshwork.json'), JSON.stringify({ daemon: { concurrency: 4 } }));
    daemon = await startDaemon({
      cwd: dir.path,
      args: ['--runner', JOURNAL_RUNNER, '--no-dream', '--log-level', 'warn'],
      env: { MESHWORK_TEST_JOURNAL: journal },
    });
    await waitUntil(
      () => readJournal(journal).filter((entry) => entry.event === 'finish').length === 100,
      60_000,
      '100 finishes',
    );
    const entries = readJournal(journal);
    expect(new Set(entries.filter((entry) => entry.event === 'start').map((entry) => entry.task))).toEqual(
      new Set(ids),
    );
    expect(entries.filter((entry) => entry.event === 'start')).toHaveLength(100);
    expect(peakConcurrency(entries)).toBe(4);
    const listed = JSON.parse(
      (await runCli(['tasks', 'list', '--limit', '200', '--json'], { cwd: dir.path })).stdout,
    );
    expect(listed.tasks).toHaveLength(100);
    expect(
      listed.tasks.every(
        (task: { status: string; attempts: number }) => task.status === 'succeeded' && task.attempts === 1,
      ),
    ).toBe(true);
  });

  it('background start/status/stop, --at and --every, cancel and logs through the CLI', async () => {
    const started = await runCli(['daemon', 'start', '--runner', JOURNAL_RUNNER, '--no-dream'], {
      cwd: dir.path,
    });
    expect(started.code, started.stderr).toBe(0);
    expect(started.stdout).toMatch(/started \(pid \d+\)/);
    const statusRun = await runCli(['daemon', 'status', '--json'], { cwd: dir.path });
    expect(statusRun.code).toBe(0);
    expect(JSON.parse(statusRun.stdout)).toMatchObject({ running: true, role: 'daemon' });

    const later = (await runCli(['submit', '--at', '+1h', 'later'], { cwd: dir.path })).stdout.trim();
    const hold = (
      await runCli(['submit', `hold ${join(dir.path, 'never')}`], { cwd: dir.path })
    ).stdout.trim();
    const scheduled = await runCli(['submit', '--every', '0 3 * * *', 'nightly'], { cwd: dir.path });
    expect(scheduled.stdout).toMatch(/^s-\w+\nscheduled every "0 3 \* \* \*"/);

    await waitUntil(
      async () => {
        const shown = JSON.parse((await runCli(['tasks', 'show', hold, '--json'], { cwd: dir.path })).stdout);
        return shown.status === 'running';
      },
      20_000,
      'hold task to run',
    );
    const cancelled = await runCli(['tasks', 'cancel', hold], { cwd: dir.path });
    expect(cancelled.stdout).toContain('is running; the daemon is stopping it');
    await waitUntil(
      async () => {
        const shown = JSON.parse((await runCli(['tasks', 'show', hold, '--json'], { cwd: dir.path })).stdout);
        return shown.status === 'cancelled';
      },
      20_000,
      'cancel to land',
    );
    expect(
      JSON.parse((await runCli(['tasks', 'show', later, '--json'], { cwd: dir.path })).stdout).status,
    ).toBe('queued');
    const laterTask = JSON.parse(
      (await runCli(['tasks', 'show', later, '--json'], { cwd: dir.path })).stdout,
    );
    const listed = (await runCli(['tasks', 'list'], { cwd: dir.path })).stdout;
    const laterLine = listed.split('\n').find((line) => line.startsWith(later));
    const at = new Date(laterTask.runAfter);
    const pad = (value: number) => String(value).padStart(2, '0');
    const local = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
    expect(laterLine).toContain(`[starts ${local}] later`);
    expect((await runCli(['tasks', 'cancel', later], { cwd: dir.path })).stdout).toContain('cancelled');

    const logs = (await runCli(['tasks', 'logs', hold], { cwd: dir.path })).stdout;
    expect(logs).toMatch(/submitted[\s\S]*started[\s\S]*cancel_requested[\s\S]*finished +cancelled/);
    const list = (await runCli(['tasks', 'list'], { cwd: dir.path })).stdout;
    expect(list).toMatch(/Schedules:\ns-\w+ +every 0 3 \* \* \*/);

    const stopped = await runCli(['daemon', 'stop'], { cwd: dir.path });
    expect(stopped.stdout).toMatch(/stopped \(pid \d+\)/);
    const statusStopped = await runCli(['daemon', 'status'], { cwd: dir.path });
    expect(statusStopped.stdout).toMatch(/^not running\n/);
    expect(statusStopped.code).toBe(3);
    expect(JSON.parse((await runCli(['daemon', 'status', '--json'], { cwd: dir.path })).stdout).running).toBe(
      false,
    );
  });

  it('tells why tasks wait when the daily budget is spent', async () => {
    writeFileSync(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({ daemon: { budget: { dailyTokens: 10 } } }),
    );
    daemon = await startDaemon({
      cwd: dir.path,
      args: ['--runner', JOURNAL_RUNNER, '--no-dream', '--log-level', 'warn'],
    });
    const first = (await runCli(['submit', 'one'], { cwd: dir.path })).stdout.trim();
    await waitUntil(
      async () =>
        JSON.parse((await runCli(['tasks', 'show', first, '--json'], { cwd: dir.path })).stdout).status ===
        'succeeded',
    );
    const second = (await runCli(['submit', 'two'], { cwd: dir.path })).stdout.trim();
    await waitUntil(
      async () =>
        JSON.parse((await runCli(['tasks', 'show', second, '--json'], { cwd: dir.path })).stdout).status ===
        'waiting_budget',
    );
    const third = await runCli(['submit', 'three'], { cwd: dir.path });
    expect(third.code).toBe(0);
    expect(third.stderr).toContain('queued, but it waits: daily token budget spent (15 of 10 tokens)');
    const shown = (await runCli(['tasks', 'show', second], { cwd: dir.path })).stdout;
    expect(shown).toMatch(/status: +waiting_budget \(daily token budget spent/);
  });
});
