import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemoryStore, openMemoryStore } from '../../src/store/memory-store.js';

describe('dreams', () => {
  let temp: TempDir;
  let store: MemoryStore;
  let clock = Date.parse('2025-06-01T12:00:00Z');
  beforeEach(async () => {
    temp = await createTempDir('meshwork-memory-');
    clock = Date.parse('2025-06-01T12:00:00Z');
    store = await openMemoryStore({
      dir: temp.path,
      watch: false,
      indexOnOpen: false,
      now: () => new Date(clock),
    });
    await store.writeTopic({
      slug: 'prefs',
      title: 'Prefs',
      hook: 'pnpm',
      type: 'user',
      body: 'Uses pnpm.',
      mode: 'create',
    });
  });
  afterEach(async () => {
    await store.close();
    await temp.remove();
  });

  const lockMtime = () => statSync(join(temp.path, '.dream.lock')).mtimeMs;
  const records = () =>
    readFileSync(join(temp.path, 'dreams.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);

  it('holds one dream at a time, records its diff, and sets the last-dream time', async () => {
    const dream = await store.beginDream();
    expect(dream.last_dream_at).toBeNull();
    expect(JSON.parse(readFileSync(join(temp.path, '.dream.lock'), 'utf8'))).toMatchObject({
      pid: process.pid,
      state: 'running',
    });
    await expect(store.beginDream()).rejects.toThrow(/E_DREAM_RUNNING|running since/);
    await expect(store.endDream('wrong-token', 'x')).rejects.toThrow(/token does not match/);
    await store.writeTopic({ slug: 'prefs', body: 'Uses pnpm 10.', mode: 'replace' });
    clock += 60_000;
    const ended = await store.endDream(dream.token, 'made the version explicit');
    expect(ended.changes).toEqual([{ path: 'topics/prefs.md', change: 'modified' }]);
    expect(lockMtime()).toBe(Date.parse(dream.started_at));
    const [record] = records();
    expect(record).toMatchObject({
      kind: 'dream',
      dream_id: dream.dream_id,
      outcome: 'completed',
      summary: 'made the version explicit',
    });
    expect(JSON.stringify(record!.changes)).toContain('+Uses pnpm 10.');
    expect(store.dreamStatus()).toEqual({ running: false, dream_id: null, last_dream_at: dream.started_at });
    // The next dream sees only sessions written after the last one.
    const next = await store.beginDream();
    expect(next.last_dream_at).toBe(dream.started_at);
    await store.endDream(next.token, 'nothing');
  });

  it('rolls back a failed dream: topics restored, lock back to the previous dream', async () => {
    const first = await store.beginDream();
    await store.endDream(first.token, 'first');
    const firstMtime = lockMtime();
    clock += 3_600_000 * 5;
    const failing = await store.beginDream();
    await store.writeTopic({
      slug: 'junk',
      title: 'Junk',
      hook: 'x',
      type: 'project',
      body: 'half-done',
      mode: 'create',
    });
    await store.deleteTopic('prefs');
    const ended = await store.endDream(failing.token, 'model crashed', 'failed');
    expect(ended).toMatchObject({ restored: true, last_dream_at: first.started_at });
    expect(existsSync(join(temp.path, 'topics', 'junk.md'))).toBe(false);
    expect(store.readTopic('prefs').body).toBe('Uses pnpm.');
    expect(lockMtime()).toBe(firstMtime);
    expect(records().at(-1)).toMatchObject({ outcome: 'failed', restored: true });
  });

  it('takes over a stale dream after an hour, and restore_dream undoes a finished dream', async () => {
    const abandoned = await store.beginDream();
    clock += 61 * 60 * 1000;
    const dream = await store.beginDream();
    expect(records()).toMatchObject([{ dream_id: abandoned.dream_id, outcome: 'abandoned' }]);
    expect(dream.last_dream_at).toBeNull();
    await store.writeTopic({
      slug: 'new-topic',
      title: 'New',
      hook: 'added in a dream',
      type: 'project',
      body: 'x',
      mode: 'create',
    });
    await store.writeTopic({ slug: 'prefs', body: 'rewritten', mode: 'replace' });
    await store.endDream(dream.token, 'rewrote prefs');
    const restored = await store.restoreDream(dream.dream_id);
    expect(restored.changes.map((change) => change.path).sort()).toEqual([
      'MEMORY.md',
      'topics/new-topic.md',
      'topics/prefs.md',
    ]);
    expect(existsSync(join(temp.path, 'topics', 'new-topic.md'))).toBe(false);
    expect(store.readTopic('prefs').body).toBe('Uses pnpm.');
    expect(store.readIndex().content).toBe('- [Prefs](topics/prefs.md) — pnpm\n');
    expect(records().at(-1)).toMatchObject({ kind: 'restore', dream_id: dream.dream_id });
    await expect(store.restoreDream('dream-20250101T000000Z-000000')).rejects.toThrow(/No snapshot/);
  });
});
