import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openTaskQueue, resolveDaemonPaths, type TaskRecord } from '@meshwork/cli';
import { createScriptedModelServer, createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type DaemonProcess, runCli, startDaemon, waitUntil } from './support.js';

/** Highest number of tasks whose [started, finished] intervals overlap (a finish at t precedes a start at t). */
function peakOf(tasks: TaskRecord[]): number {
  const points = tasks.flatMap((task) => [
    { at: task.startedAt!, delta: 1 },
    { at: task.finishedAt!, delta: -1 },
  ]);
  points.sort((left, right) => left.at - right.at || left.delta - right.delta);
  let current = 0;
  let peak = 0;
  for (const point of points) {
    current += point.delta;
    peak = Math.max(peak, current);
  }
  return peak;
}

describe('daemon with the real coordinator and the scripted model', () => {
  let dir: TempDir;
  let daemon: DaemonProcess | undefined;
  let model: Awaited<ReturnType<typeof createScriptedModelServer>> | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-daemon-coordinator-');
    mkdirSync(join(dir.path, '.meshwork', 'agents'), { recursive: true });
    writeFileSync(
      join(dir.path, '.meshwork', 'agents', 'worker.md'),
      '---\nname: worker\ndescription: Does one small job and reports.\n---\nYou do the task and report in one line.\n',
    );
  });
  afterEach(async () => {
    await daemon?.stop().catch(() => {});
    daemon = undefined;
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  it('100 queued tasks at concurrency 4: all complete, peak concurrency is 4', async () => {
    model = await createScriptedModelServer({
      script: ({ body }) => {
        const text = JSON.stringify(body.messages[0]?.content ?? '');
        return { text: `done with ${/job \d+/.exec(text)?.[0] ?? 'it'}`, delayMs: 15 };
      },
    });
    writeFileSync(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({ model: 'claude-scripted', daemon: { concurrency: 4 } }),
    );
    const queue = openTaskQueue({ path: resolveDaemonPaths(dir.path).database });
    const ids = Array.from(
      { length: 100 },
      (_, index) => queue.submit({ payload: { task: `job ${index}`, agent: 'worker' } }).id,
    );
    daemon = await startDaemon({
      cwd: dir.path,
      args: ['--no-dream', '--log-level', 'warn'],
      env: { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test-key' },
    });
    try {
      await waitUntil(() => queue.counts().succeeded + queue.counts().failed === 100, 90_000, '100 results');
      const tasks = queue.list({ limit: 200 });
      const failed = tasks.filter((task) => task.status !== 'succeeded');
      expect(failed.map((task) => `${task.id}: ${task.result?.summary}`)).toEqual([]);
      expect(new Set(tasks.map((task) => task.id))).toEqual(new Set(ids));
      const byId = new Map(tasks.map((task) => [task.id, task]));
      for (const [index, id] of ids.entries())
        expect(byId.get(id)?.result?.summary).toContain(`done with job ${index}`);
      expect(tasks.every((task) => task.attempts === 1 && task.usage.outputTokens > 0)).toBe(true);
      expect(peakOf(tasks)).toBe(4);
    } finally {
      queue.close();
    }
  });

  it('SIGKILL during a model call, restart: the task completes and has exactly one result', async () => {
    let calls = 0;
    let firstCallSeen: () => void = () => {};
    const firstCall = new Promise<void>((resolve) => {
      firstCallSeen = resolve;
    });
    model = await createScriptedModelServer({
      script: () => {
        calls += 1;
        if (calls === 1) {
          firstCallSeen();
          return { text: 'too late', delayMs: 30_000 };
        }
        return { text: 'finished after the restart' };
      },
    });
    writeFileSync(join(dir.path, 'meshwork.json'), JSON.stringify({ model: 'claude-scripted' }));
    const env = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test-key' };
    const taskId = (
      await runCli(['submit', '--agent', 'worker', 'survive a crash'], { cwd: dir.path })
    ).stdout.trim();
    const first = await startDaemon({ cwd: dir.path, args: ['--no-dream', '--log-level', 'warn'], env });
    daemon = first;
    await firstCall;
    await first.kill();

    daemon = await startDaemon({ cwd: dir.path, args: ['--no-dream', '--log-level', 'warn'], env });
    const shown = await waitUntil(
      async () => {
        const task = JSON.parse(
          (await runCli(['tasks', 'show', taskId, '--json'], { cwd: dir.path })).stdout,
        );
        return task.result ? task : undefined;
      },
      30_000,
      'a result after restart',
    );
    expect(shown.status).toBe('succeeded');
    expect(shown.attempts).toBe(2);
    expect(shown.result.summary).toContain('finished after the restart');
    const logs = (await runCli(['tasks', 'logs', taskId], { cwd: dir.path })).stdout;
    const events = (await runCli(['tasks', 'logs', taskId, '--json'], { cwd: dir.path })).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string });
    expect(events.filter((event) => event.type === 'finished')).toHaveLength(1);
    expect(logs).toContain('interrupted');
  });
  it('without model access a task waits with the reason and keeps its attempt; .meshwork/env gives the daemon access', async () => {
    model = await createScriptedModelServer({ script: () => ({ text: 'done with the env file' }) });
    writeFileSync(join(dir.path, 'meshwork.json'), JSON.stringify({ model: 'claude-scripted' }));
    const submitted = await runCli(['submit', '--agent', 'worker', '--retries', '0', 'one job'], {
      cwd: dir.path,
    });
    expect(submitted.code, submitted.stderr).toBe(0);
    const taskId = submitted.stdout.trim();
    const show = async () =>
      JSON.parse((await runCli(['tasks', 'show', taskId, '--json'], { cwd: dir.path })).stdout) as TaskRecord;

    // Started from a shell without ANTHROPIC_*: a configuration error, not the task's failure.
    daemon = await startDaemon({ cwd: dir.path, args: ['--no-dream', '--log-level', 'warn'] });
    const waiting = await waitUntil(
      async () => {
        const task = await show();
        return task.reason?.includes('E_NO_MODEL') ? task : undefined;
      },
      20_000,
      'the task to wait for model access',
    );
    expect(waiting).toMatchObject({ status: 'queued', attempts: 0, maxAttempts: 1, result: null });
    expect(waiting?.reason).toMatch(/^waiting for a configuration fix: E_NO_MODEL: No model access/);
    await daemon.stop();

    // The project's env file, not the shell, gives the next daemon its model access.
    writeFileSync(
      join(dir.path, '.meshwork', 'env'),
      `# model access for the daemon\nANTHROPIC_BASE_URL=${model.url}\nANTHROPIC_API_KEY="secret-test-key"\n`,
    );
    daemon = await startDaemon({ cwd: dir.path, args: ['--no-dream', '--log-level', 'debug'] });
    const finished = await waitUntil(
      async () => {
        const task = await show();
        return task.result ? task : undefined;
      },
      20_000,
      'the task to finish',
    );
    expect(finished).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(finished?.result?.summary).toContain('done with the env file');
    expect(daemon.stderr()).not.toContain('secret-test-key');
  });
});
