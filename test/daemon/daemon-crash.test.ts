import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
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

describe('daemon crash and restart', () => {
  let dir: TempDir;
  let daemons: DaemonProcess[] = [];

  beforeEach(async () => {
    dir = await createTempDir('meshwork-daemon-crash-');
    daemons = [];
  });
  afterEach(async () => {
    for (const daemon of daemons) await daemon.stop().catch(() => {});
    await dir.remove();
  });

  it('SIGKILL mid-task, restart: the task completes once and has exactly one result', async () => {
    const journal = join(dir.path, 'journal.jsonl');
    const release = join(dir.path, 'release');
    const env = { MESHWORK_TEST_JOURNAL: journal };
    const args = ['--runner', JOURNAL_RUNNER, '--no-dream', '--log-level', 'warn'];

    // Submitted before any daemon runs: the queue is on disk, not in a process.
    const submitted = await runCli(['submit', `hold ${release}`], { cwd: dir.path });
    expect(submitted.code).toBe(0);
    const taskId = submitted.stdout.trim();
    expect(taskId).toMatch(/^t-/);
    const bystander = (await runCli(['submit', 'quick one'], { cwd: dir.path })).stdout.trim();

    const first = await startDaemon({ cwd: dir.path, args, env });
    daemons.push(first);
    await waitUntil(
      () => readJournal(journal).some((entry) => entry.task === taskId && entry.event === 'start'),
      20_000,
      'first start',
    );
    await first.kill();

    const interrupted = JSON.parse(
      (await runCli(['tasks', 'show', taskId, '--json'], { cwd: dir.path })).stdout,
    );
    expect(interrupted).toMatchObject({ status: 'running', result: null, ownerPid: first.pid });
    const status = await runCli(['daemon', 'status'], { cwd: dir.path });
    expect(status.code).toBe(3);
    expect(status.stdout).toContain(
      `stale:   ${taskId} is marked running, but its daemon (pid ${first.pid}) is gone; the next daemon start retries it (attempt 2 of ${interrupted.maxAttempts})`,
    );

    writeFileSync(release, 'go');
    const second = await startDaemon({ cwd: dir.path, args, env });
    daemons.push(second);
    const finished = await waitUntil(
      async () => {
        const shown = JSON.parse(
          (await runCli(['tasks', 'show', taskId, '--json'], { cwd: dir.path })).stdout,
        );
        return shown.status === 'succeeded' ? shown : undefined;
      },
      20_000,
      'task to succeed after restart',
    );

    expect(finished.attempts).toBe(2);
    expect(finished.result.summary).toContain(`pid ${second.pid}`);
    const entries = readJournal(journal).filter((entry) => entry.task === taskId);
    expect(entries.map((entry) => [entry.event, entry.pid])).toEqual([
      ['start', first.pid],
      ['start', second.pid],
      ['finish', second.pid],
    ]);
    const logs = (await runCli(['tasks', 'logs', taskId], { cwd: dir.path })).stdout;
    const events = (await runCli(['tasks', 'logs', taskId, '--json'], { cwd: dir.path })).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.filter((event) => event.type === 'finished')).toHaveLength(1);
    expect(logs).toMatch(/interrupted .*owner pid \d+ is gone; retrying \(attempt 2 of 2\)/);
    const other = JSON.parse(
      (await runCli(['tasks', 'show', bystander, '--json'], { cwd: dir.path })).stdout,
    );
    expect(other.status).toBe('succeeded');
  });

  it('with retries 0 an interrupted task fails once with E_INTERRUPTED', async () => {
    const journal = join(dir.path, 'journal.jsonl');
    const env = { MESHWORK_TEST_JOURNAL: journal };
    const args = ['--runner', JOURNAL_RUNNER, '--no-dream', '--log-level', 'warn'];
    const taskId = (
      await runCli(['submit', '--retries', '0', `hold ${join(dir.path, 'never')}`], { cwd: dir.path })
    ).stdout.trim();
    const first = await startDaemon({ cwd: dir.path, args, env });
    daemons.push(first);
    await waitUntil(() => readJournal(journal).some((entry) => entry.event === 'start'), 20_000, 'start');
    await first.kill();
    daemons.push(await startDaemon({ cwd: dir.path, args, env }));
    const shown = JSON.parse((await runCli(['tasks', 'show', taskId, '--json'], { cwd: dir.path })).stdout);
    expect(shown.status).toBe('failed');
    expect(shown.result.error.code).toBe('E_INTERRUPTED');
    expect(readJournal(journal).filter((entry) => entry.event === 'start')).toHaveLength(1);
  });

  it('refuses a second daemon for the same project', async () => {
    const args = ['--runner', JOURNAL_RUNNER, '--no-dream', '--log-level', 'warn'];
    daemons.push(await startDaemon({ cwd: dir.path, args }));
    await expect(startDaemon({ cwd: dir.path, args })).rejects.toThrow(/already running for this project/);
  });
});
