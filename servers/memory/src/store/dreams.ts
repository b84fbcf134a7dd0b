import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  existsSync,
  mkdirSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { MemoryError } from '../errors.js';
import { unlinkQuietly, writeFileAtomic } from './atomic-write.js';
import { assertContainedDirectory, openContained, readContainedFile } from './contained-file.js';
import type { IntentOperation } from './intent.js';
import type { MemoryPaths } from './paths.js';
import { diffLines } from './text-diff.js';
import { listTopicSlugs, readIndexText, topicRelativePath } from './topics.js';

/** Content of `.dream.lock`. Its mtime is the time of the last dream (or of the running one's start). */
export interface DreamLockState {
  pid: number;
  state: 'running' | 'idle';
  dreamId: string | null;
  token: string | null;
  startedAt: string | null;
  /** mtime (ms) before the running dream started: restored if it fails; `null` when there was none. */
  previousMtimeMs: number | null;
}

/** The lock as read from disk. */
export interface DreamLockView {
  lock: DreamLockState | undefined;
  mtimeMs: number | undefined;
}

const DREAM_ID = /^dream-\d{8}T\d{6}Z-[0-9a-f]{6}$/;

/** True when `value` looks like a dream id produced by {@link newDreamId}. */
export function isDreamId(value: string): boolean {
  return DREAM_ID.test(value);
}

/** A new time-sortable dream id. */
export function newDreamId(now: Date): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `dream-${stamp}-${randomBytes(3).toString('hex')}`;
}

/** A new secret token that `end_dream` must present. */
export function newDreamToken(): string {
  return randomBytes(16).toString('hex');
}

/** Reads `.dream.lock`; a missing or unreadable lock reads as none. */
export function readDreamLock(paths: MemoryPaths): DreamLockView {
  try {
    const read = readContainedFile(paths, paths.dreamLock);
    if (read === undefined) return { lock: undefined, mtimeMs: undefined };
    return { lock: JSON.parse(read.text) as DreamLockState, mtimeMs: read.stat.mtimeMs };
  } catch {
    return { lock: undefined, mtimeMs: undefined };
  }
}

/** Writes the lock and sets its mtime (the time of the last dream). `mtimeMs` null removes the lock. */
export function writeDreamLock(paths: MemoryPaths, state: DreamLockState, mtimeMs: number | null): void {
  if (mtimeMs === null) {
    unlinkQuietly(paths.dreamLock);
    return;
  }
  writeFileAtomic(paths, paths.dreamLock, `${JSON.stringify(state)}\n`);
  const seconds = mtimeMs / 1000;
  utimesSync(paths.dreamLock, seconds, seconds);
}

/** True when a process with this PID exists (EPERM counts: it exists, we may not signal it). */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Copies every topic and `MEMORY.md` into `.dreams/<id>/`. Returns the number of topics copied. */
export function takeSnapshot(paths: MemoryPaths, dreamId: string): number {
  const directory = join(paths.snapshotsDir, dreamId);
  assertContainedDirectory(paths, join(directory, 'topics'));
  mkdirSync(join(directory, 'topics'), { recursive: true });
  const { slugs } = listTopicSlugs(paths);
  for (const slug of slugs) {
    // Read and written through the contained paths: a copy would follow a linked topic.
    const topic = readContainedFile(paths, join(paths.topicsDir, `${slug}.md`));
    if (topic !== undefined) writeFileAtomic(paths, join(directory, 'topics', `${slug}.md`), topic.text);
  }
  writeFileAtomic(paths, join(directory, 'MEMORY.md'), readIndexText(paths));
  writeFileAtomic(
    paths,
    join(directory, 'snapshot.json'),
    JSON.stringify({ dreamId, topics: slugs, complete: true }),
  );
  return slugs.length;
}

/** True when a complete snapshot exists for `dreamId`. */
export function hasSnapshot(paths: MemoryPaths, dreamId: string): boolean {
  return isDreamId(dreamId) && existsSync(join(paths.snapshotsDir, dreamId, 'snapshot.json'));
}

/** Keeps the newest `keep` snapshots and deletes the rest. */
export function pruneSnapshots(paths: MemoryPaths, keep: number): string[] {
  let names: string[] = [];
  try {
    names = readdirSync(paths.snapshotsDir).filter(isDreamId).sort();
  } catch {
    return [];
  }
  const doomed = names.slice(0, Math.max(0, names.length - keep));
  assertContainedDirectory(paths, paths.snapshotsDir);
  for (const name of doomed) rmSync(join(paths.snapshotsDir, name), { recursive: true, force: true });
  return doomed;
}

/** One changed file in a dream record. */
export interface FileChange {
  path: string;
  change: 'added' | 'removed' | 'modified';
  diff: string;
}

/** Differences between a snapshot and the live topics and index. */
export function diffAgainstSnapshot(paths: MemoryPaths, dreamId: string): FileChange[] {
  const directory = join(paths.snapshotsDir, dreamId);
  const before = new Map<string, string>();
  for (const name of safeReaddir(paths, join(directory, 'topics'))) {
    before.set(`topics/${name}`, safeRead(paths, join(directory, 'topics', name)));
  }
  const after = new Map<string, string>();
  for (const slug of listTopicSlugs(paths).slugs) {
    after.set(topicRelativePath(slug), safeRead(paths, join(paths.topicsDir, `${slug}.md`)));
  }
  const changes: FileChange[] = [];
  for (const path of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const old = before.get(path);
    const now = after.get(path);
    if (old === now) continue;
    changes.push({
      path,
      change: old === undefined ? 'added' : now === undefined ? 'removed' : 'modified',
      diff: diffLines(old ?? '', now ?? ''),
    });
  }
  const oldIndex = safeRead(paths, join(directory, 'MEMORY.md'));
  const newIndex = readIndexText(paths);
  if (oldIndex !== newIndex) {
    changes.push({
      path: 'MEMORY.md',
      change: oldIndex === '' ? 'added' : 'modified',
      diff: diffLines(oldIndex, newIndex),
    });
  }
  return changes;
}

/** The operations that put topics and index back as they were in a snapshot. */
export function restoreOperations(paths: MemoryPaths, dreamId: string): IntentOperation[] {
  if (!hasSnapshot(paths, dreamId)) {
    throw new MemoryError(
      'E_DREAM_NOT_FOUND',
      `No snapshot for dream ${JSON.stringify(dreamId)}; dreams.jsonl lists the dreams, and only the newest snapshots are kept.`,
    );
  }
  const directory = join(paths.snapshotsDir, dreamId);
  const operations: IntentOperation[] = [];
  const kept = new Set<string>();
  for (const name of safeReaddir(paths, join(directory, 'topics'))) {
    const content = readContainedFile(paths, join(directory, 'topics', name))?.text;
    if (content === undefined) continue;
    kept.add(name);
    operations.push({ path: `topics/${name}`, content });
  }
  for (const slug of listTopicSlugs(paths).slugs) {
    if (!kept.has(`${slug}.md`)) operations.push({ path: topicRelativePath(slug), content: null });
  }
  operations.push({ path: 'MEMORY.md', content: safeRead(paths, join(directory, 'MEMORY.md')) });
  return operations;
}

/** Appends one record to `dreams.jsonl` with a single `write()`. */
export function appendDreamRecord(paths: MemoryPaths, record: Record<string, unknown>): void {
  const { fd } = openContained(
    paths,
    paths.dreamsLog,
    constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT,
  );
  try {
    const payload = Buffer.from(`${JSON.stringify(record)}\n`, 'utf8');
    let written = 0;
    while (written < payload.length) written += writeSync(fd, payload, written, payload.length - written);
  } finally {
    closeSync(fd);
  }
}

function safeReaddir(paths: MemoryPaths, directory: string): string[] {
  try {
    assertContainedDirectory(paths, directory);
    return readdirSync(directory)
      .filter((name) => name.endsWith('.md') && !name.startsWith('.'))
      .sort();
  } catch {
    return [];
  }
}

function safeRead(paths: MemoryPaths, path: string): string {
  return readContainedFile(paths, path)?.text ?? '';
}
