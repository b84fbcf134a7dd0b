import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openTaskQueue, type TaskQueue } from '../../src/index.js';

const alice = { id: 'owner-alice', pid: 111 };
const bob = { id: 'owner-bob', pid: 222 };

describe('task queue', () => {
  let dir: TempDir;
  let queue: TaskQueue;
  let clock = 1_000_000;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-queue-');
    clock = 1_000_000;
    queue = openTaskQueue({ path: join(dir.path, 'queue.db'), now: () => clock });
  });
  afterEach(async () => {
    queue.close();
    await dir.remove();
  });

  it('claims each task once, oldest first, and records the result once', () => {
    const first = queue.submit({ payload: { task: 'one' } });
    const second = queue.submit({ payload: { task: 'two' } });
    const claimed = queue.claim(alice);
    expect(claimed?.id).toBe(first.id);
    expect(claimed?.status).toBe('running');
    expect(claimed?.attempts).toBe(1);
    expect(queue.claim(bob)?.id).toBe(second.id);
    expect(queue.claim(alice)).toBeUndefined();

    expect(queue.finish(first.id, bob, { status: 'succeeded', summary: 'wrong owner' })).toBe(false);
    expect(queue.finish(first.id, alice, { status: 'succeeded', summary: 'done' })).toBe(true);
    expect(queue.finish(first.id, alice, { status: 'failed', summary: 'again' })).toBe(false);
    const stored = queue.get(first.id)!;
    expect(stored.status).toBe('succeeded');
    expect(stored.result?.summary).toBe('done');
    expect(queue.events(first.id).map((event) => event.type)).toEqual(['submitted', 'started', 'finished']);
  });

  it('refuses a second result at the database level', () => {
    const task = queue.submit({ payload: { task: 'x' } });
    queue.claim(alice);
    queue.finish(task.id, alice, { status: 'succeeded', summary: 'ok' });
    expect(() => queue.requestCancel(task.id)).not.toThrow();
    expect(queue.requestCancel(task.id).outcome).toBe('already_finished');
    expect(queue.get(task.id)?.result?.status).toBe('succeeded');
  });

  it('requeues a task whose owner died, then fails it when attempts run out', () => {
    const task = queue.submit({ payload: { task: 'crashy' }, maxAttempts: 2 });
    queue.claim(alice);
    const alive = (pid: number) => pid !== alice.pid;
    expect(queue.recoverStale({ isOwnerAlive: alive, leaseMs: 60_000 })).toEqual({
      requeued: [task.id],
      failed: [],
    });
    expect(queue.get(task.id)?.status).toBe('interrupted');
    const again = queue.claim(alice);
    expect(again?.id).toBe(task.id);
    expect(again?.attempts).toBe(2);
    expect(queue.recoverStale({ isOwnerAlive: alive, leaseMs: 60_000 })).toEqual({
      requeued: [],
      failed: [task.id],
    });
    const failed = queue.get(task.id)!;
    expect(failed.status).toBe('failed');
    expect(failed.result?.error?.code).toBe('E_INTERRUPTED');
    // The dead owner's late result is dropped: the result is recorded once.
    expect(queue.finish(task.id, alice, { status: 'succeeded', summary: 'late' })).toBe(false);
  });

  it('interrupts a task whose lease expired even when the pid looks alive', () => {
    const task = queue.submit({ payload: { task: 'slow' } });
    queue.claim(alice);
    clock += 30_000;
    expect(queue.recoverStale({ isOwnerAlive: () => true, leaseMs: 60_000 }).requeued).toEqual([]);
    clock += 31_000;
    expect(queue.recoverStale({ isOwnerAlive: () => true, leaseMs: 60_000 }).requeued).toEqual([task.id]);
    expect(queue.heartbeat(alice, [task.id]).lost).toEqual([task.id]);
  });

  it('never recovers its own tasks and renews leases on heartbeat', () => {
    const task = queue.submit({ payload: { task: 'mine' } });
    queue.claim(alice);
    clock += 120_000;
    expect(queue.recoverStale({ isOwnerAlive: () => false, leaseMs: 60_000, self: alice }).requeued).toEqual(
      [],
    );
    expect(queue.heartbeat(alice, [task.id])).toEqual({ lost: [], cancelRequested: [] });
  });

  it('cancels waiting tasks at once and flags running ones', () => {
    const waiting = queue.submit({ payload: { task: 'w' } });
    const active = queue.submit({ payload: { task: 'r' } });
    queue.claim(alice);
    queue.claim(alice);
    expect(queue.get(waiting.id)?.status).toBe('running');
    const third = queue.submit({ payload: { task: 'q' } });
    expect(queue.requestCancel(third.id).outcome).toBe('cancelled');
    expect(queue.get(third.id)?.result?.status).toBe('cancelled');
    expect(queue.requestCancel(active.id).outcome).toBe('cancel_requested');
    expect(queue.heartbeat(alice, [active.id]).cancelRequested).toEqual([active.id]);
  });

  it('releases a task on clean shutdown without using up an attempt', () => {
    const task = queue.submit({ payload: { task: 'x' }, maxAttempts: 1 });
    queue.claim(alice);
    expect(queue.release(task.id, alice, 'stopping')).toBe(true);
    const released = queue.get(task.id)!;
    expect(released.status).toBe('queued');
    expect(released.attempts).toBe(0);
  });

  it('holds tasks while the budget is spent and releases them after', () => {
    const task = queue.submit({ payload: { task: 'x' } });
    expect(queue.holdForBudget('daily token budget spent')).toBe(1);
    expect(queue.get(task.id)).toMatchObject({
      status: 'waiting_budget',
      reason: 'daily token budget spent',
    });
    expect(queue.claim(alice)).toBeUndefined();
    expect(queue.releaseBudgetHolds()).toBe(1);
    expect(queue.claim(alice)?.id).toBe(task.id);
  });

  it('sums usage of finished and running tasks', () => {
    const a = queue.submit({ payload: { task: 'a' } });
    const b = queue.submit({ payload: { task: 'b' } });
    queue.claim(alice);
    queue.claim(alice);
    queue.finish(a.id, alice, {
      status: 'succeeded',
      summary: 'ok',
      usage: { inputTokens: 100, outputTokens: 20, costUsd: 0.5 },
    });
    queue.recordUsage(b.id, alice, { inputTokens: 10, outputTokens: 5, costUsd: 0.25 });
    expect(queue.usageSince(0)).toEqual({ inputTokens: 110, outputTokens: 25, costUsd: 0.75 });
    expect(queue.usageSince(clock + 1)).toEqual({ inputTokens: 10, outputTokens: 5, costUsd: 0.25 });
  });

  it('delays --at tasks and materializes schedules once per due time', () => {
    const later = queue.submit({ payload: { task: 'later' }, runAfter: clock + 5000 });
    expect(queue.claim(alice)).toBeUndefined();
    expect(queue.nextDueAt()).toBe(clock + 5000);
    clock += 5000;
    expect(queue.claim(alice)?.id).toBe(later.id);

    clock = Date.UTC(2030, 0, 1, 0, 0, 30);
    const schedule = queue.addSchedule({ cron: '* * * * *', payload: { task: 'tick' } });
    expect(schedule.nextRunAt).toBe(Date.UTC(2030, 0, 1, 0, 1, 0));
    expect(queue.materializeDueSchedules()).toEqual([]);
    clock = Date.UTC(2030, 0, 1, 0, 3, 10);
    const created = queue.materializeDueSchedules();
    expect(created).toHaveLength(1);
    expect(created[0]?.payload).toEqual({ task: 'tick', source: 'schedule' });
    expect(queue.listSchedules()[0]?.nextRunAt).toBe(Date.UTC(2030, 0, 1, 0, 4, 0));
    expect(queue.disableSchedule(schedule.id)).toBe(true);
    clock = Date.UTC(2030, 0, 1, 1, 0, 0);
    expect(queue.materializeDueSchedules()).toEqual([]);
  });

  it('resolves unique id prefixes', () => {
    const task = queue.submit({ payload: { task: 'x' } });
    expect(queue.resolve(task.id.slice(0, 6)).id).toBe(task.id);
    expect(() => queue.resolve('nope')).toThrow(/No task/);
  });

  it('is shared safely by two connections', () => {
    const other = openTaskQueue({ path: queue.path });
    try {
      const ids = Array.from(
        { length: 20 },
        (_, index) => queue.submit({ payload: { task: `t${index}` } }).id,
      );
      const claimed = new Set<string>();
      for (;;) {
        const a = queue.claim(alice);
        const b = other.claim(bob);
        if (!a && !b) break;
        for (const task of [a, b]) {
          if (!task) continue;
          expect(claimed.has(task.id)).toBe(false);
          claimed.add(task.id);
        }
      }
      expect([...claimed].sort()).toEqual([...ids].sort());
    } finally {
      other.close();
    }
  });
});
