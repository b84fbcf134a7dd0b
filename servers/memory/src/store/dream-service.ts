import { MemoryError } from '../errors.js';
import {
  appendDreamRecord,
  diffAgainstSnapshot,
  isDreamId,
  isProcessAlive,
  newDreamId,
  newDreamToken,
  pruneSnapshots,
  readDreamLock,
  restoreOperations,
  takeSnapshot,
  writeDreamLock,
} from './dreams.js';
import { measureIndex } from './index-file.js';
import { applyIntent, recoverIntent } from './intent.js';
import { sessionsOnDisk } from './sessions.js';
import type { StoreContext } from './store-context.js';
import { listTopicSlugs, readIndexText } from './topics.js';

/** How many dream snapshots are kept for `restore_dream`. */
export const KEPT_SNAPSHOTS = 20;

const iso = (ms: number | null | undefined) =>
  ms === null || ms === undefined ? null : new Date(ms).toISOString();

/**
 * Starts a dream: takes the dream lock (refused while another dream runs and is not stale),
 * snapshots topics and index, and returns what changed since the last dream.
 */
export function beginDream(context: StoreContext, sessionLimit = 100) {
  const { paths } = context;
  return context.lock.run(() => {
    recoverIntent(paths);
    const now = context.now();
    const { lock, mtimeMs } = readDreamLock(paths);
    let lastDreamMs: number | null = mtimeMs ?? null;
    if (lock?.state === 'running') {
      const age = now.getTime() - (mtimeMs ?? 0);
      const stale = age > context.dreamStaleMs || !isProcessAlive(lock.pid);
      if (!stale) {
        throw new MemoryError(
          'E_DREAM_RUNNING',
          `Dream ${lock.dreamId} has been running since ${lock.startedAt} (pid ${lock.pid}). Only one dream runs at a time; wait for it to end (it counts as abandoned after ${Math.round(context.dreamStaleMs / 60_000)} minutes).`,
        );
      }
      // An abandoned dream: roll the lock back to the dream before it, and record it.
      lastDreamMs = lock.previousMtimeMs;
      appendDreamRecord(paths, {
        kind: 'dream',
        dream_id: lock.dreamId,
        outcome: 'abandoned',
        started_at: lock.startedAt,
        ended_at: now.toISOString(),
        summary: 'never ended; taken over as stale',
      });
    }
    const dreamId = newDreamId(now);
    const token = newDreamToken();
    const snapshotTopics = takeSnapshot(paths, dreamId);
    pruneSnapshots(paths, KEPT_SNAPSHOTS);
    writeDreamLock(
      paths,
      {
        pid: process.pid,
        state: 'running',
        dreamId,
        token,
        startedAt: now.toISOString(),
        previousMtimeMs: lastDreamMs,
      },
      now.getTime(),
    );
    const touched = sessionsOnDisk(paths)
      .filter((session) => lastDreamMs === null || session.mtimeMs > lastDreamMs)
      .sort((a, b) => b.mtimeMs - a.mtimeMs);
    const measure = measureIndex(readIndexText(paths), context.indexBounds);
    return {
      dream_id: dreamId,
      token,
      started_at: now.toISOString(),
      last_dream_at: iso(lastDreamMs),
      sessions_since_last_dream: touched.slice(0, sessionLimit).map((session) => ({
        session: session.session,
        bytes: session.size,
        modified: new Date(session.mtimeMs).toISOString(),
      })),
      sessions_since_total: touched.length,
      topics: listTopicSlugs(paths).slugs.length,
      snapshot_topics: snapshotTopics,
      index: {
        lines: measure.lines,
        bytes: measure.bytes,
        max_lines: context.bounds.indexMaxLines,
        max_bytes: context.bounds.indexMaxBytes,
        exceeded: measure.exceeded,
      },
      next: 'Follow the "dream" prompt: orient (read_index), gather narrowly (search_memory, read_transcript slices), consolidate (write_topic/delete_topic), prune (maintain_memory), then end_dream with this token.',
    };
  });
}

/**
 * Ends a dream. A completed dream records its diff in `dreams.jsonl` and leaves the lock's mtime
 * at its start; a failed one restores the snapshot and rolls the lock back to the previous dream.
 */
export function endDream(
  context: StoreContext,
  token: string,
  summary: string,
  outcome: 'completed' | 'failed',
) {
  const { paths } = context;
  return context.lock.run(() => {
    recoverIntent(paths);
    const { lock } = readDreamLock(paths);
    if (lock?.state !== 'running' || !lock.dreamId) {
      throw new MemoryError('E_NO_DREAM', 'No dream is running; call begin_dream first.');
    }
    if (lock.token !== token) {
      throw new MemoryError(
        'E_DREAM_TOKEN',
        'That token does not match the running dream; use the token begin_dream returned.',
      );
    }
    const dreamId = lock.dreamId;
    const changes = diffAgainstSnapshot(paths, dreamId);
    const endedAt = context.now().toISOString();
    if (outcome === 'failed') applyIntent(paths, restoreOperations(paths, dreamId));
    appendDreamRecord(paths, {
      kind: 'dream',
      dream_id: dreamId,
      outcome,
      started_at: lock.startedAt,
      ended_at: endedAt,
      summary,
      changes,
      ...(outcome === 'failed' ? { restored: true } : {}),
    });
    const idle = { ...lock, state: 'idle' as const, token: null };
    const startedMs = lock.startedAt ? Date.parse(lock.startedAt) : context.now().getTime();
    if (outcome === 'failed') writeDreamLock(paths, idle, lock.previousMtimeMs);
    else writeDreamLock(paths, idle, startedMs);
    return {
      dream_id: dreamId,
      outcome,
      ended_at: endedAt,
      changes: changes.map((change) => ({ path: change.path, change: change.change })),
      restored: outcome === 'failed',
      last_dream_at: outcome === 'failed' ? iso(lock.previousMtimeMs) : iso(startedMs),
    };
  });
}

/** Puts topics and index back as they were before `dreamId`, and records the restore. */
export function restoreDream(context: StoreContext, dreamId: string) {
  const { paths } = context;
  if (!isDreamId(dreamId)) {
    throw new MemoryError(
      'E_BAD_DREAM_ID',
      `${JSON.stringify(dreamId)} is not a dream id (they look like dream-20250601T120000Z-a1b2c3).`,
    );
  }
  return context.lock.run(() => {
    recoverIntent(paths);
    const { lock } = readDreamLock(paths);
    if (lock?.state === 'running' && isProcessAlive(lock.pid) && lock.dreamId !== dreamId) {
      throw new MemoryError(
        'E_DREAM_RUNNING',
        `Dream ${lock.dreamId} is running; end it before restoring another.`,
      );
    }
    const operations = restoreOperations(paths, dreamId);
    const changes = diffAgainstSnapshot(paths, dreamId);
    applyIntent(paths, operations);
    appendDreamRecord(paths, {
      kind: 'restore',
      dream_id: dreamId,
      at: context.now().toISOString(),
      changes,
    });
    return {
      dream_id: dreamId,
      restored: true,
      changes: changes.map((change) => ({ path: change.path, change: change.change })),
    };
  });
}
