import { lstatSync, mkdirSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { MemoryError } from '../errors.js';
import type { MemoryPaths } from './paths.js';

/** Bump when the schema changes; an index with another version is rebuilt. */
export const SEARCH_SCHEMA_VERSION = '2';

const TOKENIZER = `unicode61 remove_diacritics 2 tokenchars '-_'`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files(
  id INTEGER PRIMARY KEY,
  session TEXT NOT NULL UNIQUE,
  ino INTEGER NOT NULL,
  size INTEGER NOT NULL,
  indexed_bytes INTEGER NOT NULL,
  lines INTEGER NOT NULL,
  entries INTEGER NOT NULL,
  corrupt INTEGER NOT NULL,
  first_ts INTEGER,
  last_ts INTEGER
);
CREATE TABLE IF NOT EXISTS entries(
  id INTEGER PRIMARY KEY,
  file_id INTEGER NOT NULL,
  line INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  length INTEGER NOT NULL,
  ts INTEGER,
  role TEXT,
  corrupt INTEGER NOT NULL,
  profile TEXT
);
CREATE INDEX IF NOT EXISTS entries_by_line ON entries(file_id, line);
CREATE VIRTUAL TABLE IF NOT EXISTS entry_text USING fts5(text, content='', contentless_delete=1, tokenize="${TOKENIZER}");
CREATE TABLE IF NOT EXISTS topic_files(slug TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ms REAL NOT NULL, body_line INTEGER NOT NULL);
CREATE VIRTUAL TABLE IF NOT EXISTS topic_text USING fts5(slug UNINDEXED, title, hook, body, extra, tokenize="${TOKENIZER}");
`;

/** True for SQLite errors that mean the file is damaged or not a database at all. */
export function isCorruptionError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB');
}

/** An open search database and the inode it was opened on (to notice deletion or replacement). */
export interface OpenedSearchDatabase {
  database: Database.Database;
  inode: number;
}

/**
 * Opens (creating if needed) the derived search database. A file that is corrupt, not a database,
 * or of another schema version is deleted and recreated empty; the caller then reindexes.
 * Returns whether it had to rebuild.
 */
export function openSearchDatabase(paths: MemoryPaths): OpenedSearchDatabase & { rebuilt: boolean } {
  try {
    return { ...openOnce(paths), rebuilt: false };
  } catch (error) {
    if (!isCorruptionError(error) && !(error instanceof MemoryError && error.code === 'E_INDEX_SCHEMA'))
      throw error;
    removeSearchDatabase(paths);
    return { ...openOnce(paths), rebuilt: true };
  }
}

/** Deletes the derived index folder; it is rebuilt from the files. */
export function removeSearchDatabase(paths: MemoryPaths): void {
  rmSync(paths.searchDir, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * SQLite follows links, so anything planted where the derived index lives is removed first (the
 * link itself, never its target; the index is rebuilt from the files): a linked `.index/`, and a
 * database, WAL, shared-memory or journal file that is a link, not a regular file, or hard-linked.
 */
function removePlantedLinks(paths: MemoryPaths): void {
  const planted = (path: string, directory: boolean): boolean => {
    try {
      const stat = lstatSync(path);
      return directory ? !stat.isDirectory() : !stat.isFile() || stat.nlink > 1;
    } catch {
      return false;
    }
  };
  if (planted(paths.searchDir, true)) unlinkSync(paths.searchDir);
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    const path = `${paths.searchDb}${suffix}`;
    if (planted(path, false)) rmSync(path, { recursive: true, force: true });
  }
}

function openOnce(paths: MemoryPaths): OpenedSearchDatabase {
  removePlantedLinks(paths);
  mkdirSync(paths.searchDir, { recursive: true });
  // A short busy timeout: schema creation races with other processes opening the same index.
  const database = new Database(paths.searchDb, { timeout: 5_000 });
  try {
    database.pragma('journal_mode = WAL');
    // The index is derived and rebuilt when damaged, so durability of the last commit is not needed.
    database.pragma('synchronous = NORMAL');
    database.pragma('cache_size = -32000');
    database.pragma('temp_store = MEMORY');
    const version = readSchemaVersion(database);
    if (version !== undefined && version !== SEARCH_SCHEMA_VERSION) {
      throw new MemoryError(
        'E_INDEX_SCHEMA',
        `search index schema ${version}, expected ${SEARCH_SCHEMA_VERSION}`,
      );
    }
    if (version === undefined) {
      database.exec('BEGIN IMMEDIATE');
      try {
        database.exec(SCHEMA);
        database
          .prepare(`INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', ?)`)
          .run(SEARCH_SCHEMA_VERSION);
        // Bulk indexing: a 16 MiB pending-terms buffer and lazier merging write fewer, larger
        // segments (the README has the figures).
        database.exec(`INSERT INTO entry_text(entry_text, rank) VALUES ('hashsize', ${16 * 1024 * 1024})`);
        database.exec(`INSERT INTO entry_text(entry_text, rank) VALUES ('automerge', 8)`);
        database.exec('COMMIT');
      } catch (error) {
        if (database.inTransaction) database.exec('ROLLBACK');
        throw error;
      }
    }
    // Touch every table once so a damaged file fails here rather than mid-search.
    database.prepare('SELECT count(*) FROM files').get();
    database.pragma('busy_timeout = 100');
    return { database, inode: statSync(paths.searchDb).ino };
  } catch (error) {
    database.close();
    throw error;
  }
}

function readSchemaVersion(database: Database.Database): string | undefined {
  const table = database
    .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'`)
    .get();
  if (!table) return undefined;
  const row = database.prepare(`SELECT value FROM meta WHERE key = 'schema_version'`).get() as
    | { value: string }
    | undefined;
  return row?.value ?? 'unknown';
}

/**
 * Runs synchronous `work` in a write transaction. Waiting for another process's write lock is
 * asynchronous (retried with backoff), so the event loop keeps serving while it waits.
 */
export async function writeTransaction<T>(
  database: Database.Database,
  work: () => T,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let backoff = 2;
  for (;;) {
    try {
      database.exec('BEGIN IMMEDIATE');
      break;
    } catch (error) {
      if ((error as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw error;
      await delay(backoff + Math.random() * backoff);
      backoff = Math.min(backoff * 2, 50);
    }
  }
  try {
    const result = work();
    database.exec('COMMIT');
    return result;
  } catch (error) {
    if (database.inTransaction) database.exec('ROLLBACK');
    throw error;
  }
}
