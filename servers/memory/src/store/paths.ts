import { join, resolve } from 'node:path';
import { MemoryError } from '../errors.js';

/** Every file and folder of one memory directory. */
export interface MemoryPaths {
  root: string;
  /** `root` with every symlink resolved: what a file the server opens must lie under. */
  realRoot: string;
  /** Layer 1: `MEMORY.md`. */
  indexFile: string;
  /** Layer 2: `topics/<slug>.md`. */
  topicsDir: string;
  /** Layer 3: `transcripts/<session>.jsonl`. */
  transcriptsDir: string;
  /** Derived search index folder (`.index/`); safe to delete. */
  searchDir: string;
  searchDb: string;
  /** SQLite file used only as a cross-process mutex (its lock, never its content). */
  writeLock: string;
  /** Pending multi-file write, replayed by the next writer if a writer died half-way. */
  intentFile: string;
  /** Dream lock: holds the PID; its mtime is the time of the last dream. */
  dreamLock: string;
  /** One JSON line per dream, with the diff of what it changed. */
  dreamsLog: string;
  /** Topic snapshots taken before each dream, by dream id. */
  snapshotsDir: string;
}

/** Resolves the layout of a memory directory. Pure: touches nothing on disk. */
export function resolveMemoryPaths(directory: string): MemoryPaths {
  const root = resolve(directory);
  return {
    root,
    realRoot: root,
    indexFile: join(root, 'MEMORY.md'),
    topicsDir: join(root, 'topics'),
    transcriptsDir: join(root, 'transcripts'),
    searchDir: join(root, '.index'),
    searchDb: join(root, '.index', 'search.db'),
    writeLock: join(root, '.write.lock'),
    intentFile: join(root, '.intent.json'),
    dreamLock: join(root, '.dream.lock'),
    dreamsLog: join(root, 'dreams.jsonl'),
    snapshotsDir: join(root, '.dreams'),
  };
}

const SLUG_PATTERN = /^[a-z0-9][a-z0-9_-]{0,99}$/;
const SESSION_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** True when `value` is a valid topic slug: 1-100 of `a-z 0-9 - _`, starting with a letter or digit. */
export function isSlug(value: unknown): value is string {
  return typeof value === 'string' && SLUG_PATTERN.test(value);
}

/** True when `value` is a valid session name: 1-128 of `A-Z a-z 0-9 . - _`, no `..`. */
export function isSessionName(value: unknown): value is string {
  return typeof value === 'string' && SESSION_PATTERN.test(value) && !value.includes('..');
}

/** Returns `slug` or throws `E_BAD_SLUG`; refuses `..`, slashes, null bytes and upper case. */
export function assertSlug(slug: string): string {
  if (isSlug(slug)) return slug;
  throw new MemoryError(
    'E_BAD_SLUG',
    `Slug ${JSON.stringify(slug)} is not allowed. Use 1-100 lowercase letters, digits, '-' or '_', starting with a letter or digit (no '/', '..', spaces or null bytes), e.g. "build-setup".`,
  );
}

/** Returns `session` or throws `E_BAD_SESSION`; refuses `..`, slashes and null bytes. */
export function assertSession(session: string): string {
  if (isSessionName(session)) return session;
  throw new MemoryError(
    'E_BAD_SESSION',
    `Session ${JSON.stringify(session)} is not allowed. Use 1-128 letters, digits, '.', '-' or '_', starting with a letter or digit (no '/', '..' or null bytes).`,
  );
}

/** Path of a topic file; the slug must already be valid. */
export function topicPath(paths: MemoryPaths, slug: string): string {
  return join(paths.topicsDir, `${assertSlug(slug)}.md`);
}

/** Path of a transcript file; the session must already be valid. */
export function transcriptPath(paths: MemoryPaths, session: string): string {
  return join(paths.transcriptsDir, `${assertSession(session)}.jsonl`);
}
