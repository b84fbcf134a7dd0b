import { createLogger } from '@meshwork/kit';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createDaemon,
  type Daemon,
  DaemonSettingsSchema,
  notifyWorker,
  openTaskQueue,
  resolveDaemonPaths,
  type TaskQueue,
  type TaskRunner,
} from '../../src/index.js';

const logger = createLogger({ name: 'daemon-test', level: 'silent' });

function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const check = () => {
      if (condition()) return resolve();
      if (Date.now() - started > timeoutMs) return reject(new Error('condition not met in time'));
      setTimeout(check, 5);
    };
    check();
  });
}

describe('daemon worker loop', () => {
  let dir: TempDir;
  let queue: TaskQueue;
  let daemon: Daemon | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-daemon-');
    queue = openTaskQueue({ path: resolveDaemonPaths(dir.path).database });
  });
  afterEach(async () => {
    await daemon?.stop({ graceMs: 1000 });
    daemon = undefined;
    queue.close();
    await dir.remove();
  });

  const start = (runTask: TaskRunner, settings: Record<string, unknown> = {}) => {
    daemon = createDaemon({
      queue,
      paths: resolveDaemonPaths(dir.path),
      settings: DaemonSettingsSchema.parse(settings),
      cwd: dir.path,
      logger,
      runTask,
    });
    daemon.start();
    return daemon;
  };

  it('runs 100 queued tasks at concurrency 4: all complete, peak concurrency is exactly 4', async () => {
    for (let index = 0; index < 100; index += 1) queue.submit({ payload: { task: `task ${index}` } });
    let active = 0;
    let peak = 0;
    const worker = start(
      async (payload) => {
        active += 1;
        peak = Math.max(peak, active);
        await new Promise((resolve) => setTimeout(resolve, 2 + Math.random() * 6));
        active -= 1;
        return { status: 'succeeded', summary: `did ${payload.task}` };
      },
      { concurrency: 4 },
    );
    await waitFor(() => queue.counts().succeeded === 100, 20_000);
    expect(peak).toBe(4);
    expect(worker.stats().peakConcurrency).toBe(4);
    const tasks = queue.list({ limit: 200 });
    expect(tasks.every((task) => task.status === 'succeeded' && task.attempts === 1)).toBe(true);
    expect(new Set(tasks.map((task) => task.result?.summary)).size).toBe(100);
  });

  it('starts a task submitted by another connection as soon as the wake file is touched', async () => {
    const paths = resolveDaemonPaths(dir.path);
    const seen: string[] = [];
    start(async (payload) => {
      seen.push(payload.task);
      return { status: 'succeeded', summary: 'ok' };
    });
    const submitter = openTaskQueue({ path: paths.database });
    const task = submitter.submit({ payload: { task: 'from elsewhere' } });
    notifyWorker(paths.wakeFile);
    submitter.close();
    // The fallback poll is 30 s by default, so only the wake signal can make this pass in time.
    await waitFor(() => queue.get(task.id)?.status === 'succeeded', 5000);
    expect(seen).toEqual(['from elsewhere']);
  });

  it('accepts and runs a new task while a long one holds a slot', async () => {
    let releaseLong: () => void = () => {};
    const worker = start(
      async (payload) => {
        if (payload.task === 'long') await new Promise<void>((resolve) => (releaseLong = resolve));
        return { status: 'succeeded', summary: payload.task };
      },
      { concurrency: 2 },
    );
    const long = queue.submit({ payload: { task: 'long' } });
    worker.wake();
    await waitFor(() => queue.get(long.id)?.status === 'running');
    const quick = queue.submit({ payload: { task: 'quick' } });
    worker.wake();
    await waitFor(() => queue.get(quick.id)?.status === 'succeeded');
    expect(queue.get(long.id)?.status).toBe('running');
    releaseLong();
    await waitFor(() => queue.get(long.id)?.status === 'succeeded');
  });

  it('cancels a running task through the queue flag', async () => {
    const worker = start(
      (_payload, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
      { heartbeatSeconds: 0.05 },
    );
    const task = queue.submit({ payload: { task: 'forever' } });
    worker.wake();
    await waitFor(() => queue.get(task.id)?.status === 'running');
    expect(queue.requestCancel(task.id).outcome).toBe('cancel_requested');
    await waitFor(() => queue.get(task.id)?.status === 'cancelled');
    expect(queue.get(task.id)?.result?.status).toBe('cancelled');
  });

  it('records a thrown error as a failure with its code', async () => {
    const worker = start(async () => {
      throw Object.assign(new Error('model refused'), { code: 'E_MODEL' });
    });
    const task = queue.submit({ payload: { task: 'x' } });
    worker.wake();
    await waitFor(() => queue.get(task.id)?.status === 'failed');
    expect(queue.get(task.id)?.result?.error).toEqual({ code: 'E_MODEL', message: 'model refused' });
  });

  it('makes tasks wait with a reason when the daily budget is spent', async () => {
    const worker = start(
      async (_payload, context) => {
        context.progress({ message: 'spent', usage: { inputTokens: 900, outputTokens: 200, costUsd: 0.1 } });
        return {
          status: 'succeeded',
          summary: 'ok',
          usage: { inputTokens: 900, outputTokens: 200, costUsd: 0.1 },
        };
      },
      { budget: { dailyTokens: 1000 } },
    );
    const first = queue.submit({ payload: { task: 'spender' } });
    worker.wake();
    await waitFor(() => queue.get(first.id)?.status === 'succeeded');
    const second = queue.submit({ payload: { task: 'waits' } });
    worker.wake();
    await waitFor(() => queue.get(second.id)?.status === 'waiting_budget');
    expect(queue.get(second.id)?.reason).toMatch(/daily token budget spent \(1100 of 1000 tokens\)/);
  });

  it('gives running tasks back on stop and a new worker finishes them', async () => {
    const worker = start(
      (_payload, context) =>
        new Promise((_resolve, reject) => {
          context.signal.addEventListener('abort', () => reject(new Error('stopped')));
        }),
    );
    const task = queue.submit({ payload: { task: 'x' }, maxAttempts: 1 });
    worker.wake();
    await waitFor(() => queue.get(task.id)?.status === 'running');
    await worker.stop({ graceMs: 1000 });
    expect(queue.get(task.id)).toMatchObject({ status: 'queued', attempts: 0, result: null });
    start(async () => ({ status: 'succeeded', summary: 'second worker' }));
    await waitFor(() => queue.get(task.id)?.status === 'succeeded');
    expect(queue.get(task.id)?.result?.summary).toBe('second worker');
  });

  it('dreams when idle: the trigger enqueues a dream task and the dream runner runs it', async () => {
    const checks: number[] = [];
    const dreams: string[] = [];
    daemon = createDaemon({
      queue,
      paths: resolveDaemonPaths(dir.path),
      settings: DaemonSettingsSchema.parse({ dream: { checkEveryMinutes: 0.001 } }),
      cwd: dir.path,
      logger,
      runTask: async () => ({ status: 'succeeded', summary: 'task' }),
      runDream: async (_payload, context) => {
        dreams.push(context.taskId);
        return { status: 'succeeded', summary: 'dreamt' };
      },
      dreamTrigger: {
        async shouldDream({ lastActivityAt }) {
          checks.push(lastActivityAt);
          return dreams.length === 0;
        },
      },
    });
    daemon.start();
    await waitFor(() => queue.list({ kind: 'dream', status: 'succeeded' }).length === 1);
    expect(dreams).toHaveLength(1);
    expect(dreams[0]).toMatch(/^d-/);
    const dream = queue.list({ kind: 'dream' })[0]!;
    expect(dream.payload.source).toBe('daemon');
    await waitFor(() => checks.length >= 3);
    expect(queue.list({ kind: 'dream' })).toHaveLength(1);
  });
});
