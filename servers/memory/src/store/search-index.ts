import { type FSWatcher, lstatSync, readdirSync, type Stats, statSync, watch } from 'node:fs';
import { setTimeout as delay, setImmediate as yieldToLoop } from 'node:timers/promises';
import type Database from 'better-sqlite3';
import { MemoryError } from '../errors.js';
import { assertContainedDirectory, statContained } from './contained-file.js';
import { isSessionName, type MemoryPaths, transcriptPath } from './paths.js';
import {
  isCorruptionError,
  type OpenedSearchDatabase,
  openSearchDatabase,
  removeSearchDatabase,
  writeTransaction,
} from './search-database.js';
import type { SearchQuery } from './search-query.js';
import { refreshTopicIndex, searchTopicIndex, type TopicHit } from './topic-index.js';
import {
  createTranscriptIndexer,
  type FileRow,
  type IndexWarning,
  type TranscriptIndexer,
} from './transcript-indexer.js';
import { searchTranscriptIndex, type TranscriptFilters, type TranscriptHit } from './transcript-search.js';

export type { TopicHit } from './topic-index.js';
export type { TranscriptFilters, TranscriptHit } from './transcript-search.js';

/** The slice of a logger the store uses (pino's `warn(object, message)` fits). */
export interface MemoryLogger {
  warn(object: object, message: string): void;
}

/** What the index knows about one transcript. */
export interface SessionIndexInfo {
  lines: number;
  entries: number;
  corruptLines: number;
  indexedBytes: number;
  firstTimestamp: number | null;
  lastTimestamp: number | null;
}

/** Counters for `memory_stats`. */
export interface SearchIndexStats {
  indexedSessions: number;
  indexedBytes: number;
  entries: number;
  corruptLines: number;
  databaseBytes: number;
  rebuilds: number;
  watching: boolean;
}

/** Options for {@link createSearchIndex}. */
export interface SearchIndexOptions {
  paths: MemoryPaths;
  logger?: MemoryLogger | undefined;
  /** Full rescan of the transcripts folder at most this often, a safety net for missed watch events. */
  rescanIntervalMs?: number;
  /** Bytes indexed per transaction (default 8 MiB); the server stays responsive between chunks. */
  chunkBytes?: number;
  /** Watch the transcripts folder for appends by other processes (default true). */
  watch?: boolean;
}

/** The derived SQLite FTS5 index over topics and transcripts. */
export interface SearchIndex {
  /** Brings the index up to date with the files, waiting at most `budgetMs` (the rest goes on in the background). */
  refresh(budgetMs?: number): Promise<void>;
  /** Indexes one transcript fully before returning. */
  refreshSession(session: string): Promise<void>;
  /** Marks a transcript as changed (this process appended to it). */
  markDirty(session: string): void;
  searchTranscripts(query: SearchQuery, filters: TranscriptFilters, limit: number): Promise<TranscriptHit[]>;
  searchTopics(query: SearchQuery, limit: number): Promise<TopicHit[]>;
  /** Offset of the nearest indexed line at or before `line`. */
  locateLine(session: string, line: number): { line: number; offset: number } | undefined;
  sessionInfo(): Map<string, SessionIndexInfo>;
  /** Sessions with at least one indexed entry tagged with transcript scope `profile`. */
  sessionsOf(profile: string): Set<string>;
  /** Bytes of transcripts not indexed yet (from the last scan). */
  pendingBytes(): number;
  stats(): SearchIndexStats;
  /** Deletes and rebuilds the index from the files. */
  rebuild(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Creates the search index for a memory directory. Transcripts are indexed incrementally by byte
 * offset; appends by any process are noticed through a folder watch (plus a periodic rescan) and
 * become searchable on the next search. A missing, replaced or corrupt index is rebuilt.
 */
export function createSearchIndex(options: SearchIndexOptions): SearchIndex {
  const { paths } = options;
  const rescanIntervalMs = options.rescanIntervalMs ?? 5_000;
  const chunkBytes = options.chunkBytes ?? 8 * 1024 * 1024;
  let opened: OpenedSearchDatabase | undefined;
  let indexer: TranscriptIndexer | undefined;
  let statements: ReturnType<typeof prepare> | undefined;
  let rebuilds = 0;
  let closed = false;
  let fullScanDue = true;
  let lastFullScan = 0;
  let pending = 0;
  const dirty = new Set<string>();
  let running: Promise<void> | undefined;
  let watcher: FSWatcher | undefined;

  const warn = (warning: IndexWarning) =>
    options.logger?.warn(warning, `transcript ${warning.session} line ${warning.line}: ${warning.reason}`);

  if (options.watch !== false) {
    try {
      watcher = watch(paths.transcriptsDir, { persistent: false }, (_event, filename) => {
        if (typeof filename === 'string' && filename.endsWith('.jsonl'))
          dirty.add(filename.slice(0, -'.jsonl'.length));
        else fullScanDue = true;
      });
      watcher.on('error', () => {
        watcher?.close();
        watcher = undefined;
      });
    } catch {
      watcher = undefined;
    }
  }

  const attach = (next: OpenedSearchDatabase & { rebuilt: boolean }) => {
    opened = next;
    indexer = createTranscriptIndexer(next.database, { paths, chunkBytes, onWarning: warn });
    statements = prepare(next.database);
    fullScanDue = true;
    if (next.rebuilt) {
      rebuilds += 1;
      options.logger?.warn({ path: paths.searchDb }, 'search index was corrupt or outdated; rebuilding it');
    }
  };

  /** The open database, reopened when `.index/` was deleted or replaced underneath us. */
  const database = (): Database.Database => {
    if (opened) {
      let inode: number | undefined;
      try {
        inode = lstatSync(paths.searchDb).ino;
      } catch {
        inode = undefined;
      }
      if (inode === opened.inode) return opened.database;
      opened.database.close();
      opened = undefined;
      rebuilds += 1;
      options.logger?.warn({ path: paths.searchDb }, 'search index was deleted or replaced; rebuilding it');
    }
    attach(openSearchDatabase(paths));
    return opened!.database;
  };

  const resetCorrupt = (error: unknown) => {
    options.logger?.warn({ err: error }, 'search index is corrupt; rebuilding it');
    opened?.database.close();
    opened = undefined;
    removeSearchDatabase(paths);
    attach({ ...openSearchDatabase(paths), rebuilt: false });
    rebuilds += 1;
  };

  /** Runs `task`; on corruption rebuilds the database and runs it once more. */
  const guarded = async <T>(task: () => Promise<T> | T): Promise<T> => {
    try {
      return await task();
    } catch (error) {
      if (!isCorruptionError(error) || closed) throw error;
      resetCorrupt(error);
      return await task();
    }
  };

  const changedSessions = (full: boolean): Map<string, Stats | null> => {
    const rows = indexer!.allRows();
    const changed = new Map<string, Stats | null>();
    const consider = (session: string) => {
      // A link or a hard-linked file counts as absent: it is neither indexed nor kept in the index.
      const stat: Stats | null = statContained(paths, transcriptPath(paths, session)) ?? null;
      const row = rows.get(session);
      if (stat === null) {
        if (row) changed.set(session, null);
      } else if (!row || row.size !== stat.size || row.ino !== stat.ino) {
        changed.set(session, stat);
      }
    };
    if (full) {
      let names: string[] = [];
      try {
        assertContainedDirectory(paths, paths.transcriptsDir);
        names = readdirSync(paths.transcriptsDir);
      } catch {
        names = [];
      }
      const present = new Set<string>();
      for (const name of names) {
        if (!name.endsWith('.jsonl')) continue;
        const session = name.slice(0, -'.jsonl'.length);
        if (!isSessionName(session)) continue;
        present.add(session);
        consider(session);
      }
      for (const session of rows.keys()) if (!present.has(session)) changed.set(session, null);
    } else {
      for (const session of dirty) if (isSessionName(session)) consider(session);
    }
    return changed;
  };

  /**
   * Indexes changed transcripts, several per transaction: each transaction takes up to
   * `chunkBytes` of new lines from as many files as fit, so the FTS5 buffer flushes few, large
   * segments however the bytes are spread over files. Yields to the event loop between
   * transactions.
   */
  const indexSessions = async (changes: Map<string, Stats | null>) => {
    const handle = database();
    // Bookkeeping first, in its own transaction (see TranscriptIndexer for why).
    await writeTransaction(handle, () => {
      indexer!.prepare(changes);
    });
    const queue = [...changes].filter((entry): entry is [string, Stats] => entry[1] !== null);
    while (queue.length > 0 && !closed) {
      await writeTransaction(handle, () => {
        let budget = chunkBytes;
        const touched = new Map<string, FileRow>();
        while (queue.length > 0 && budget > 0) {
          const [session, stat] = queue[0]!;
          // Read inside the transaction: another process may have indexed part of it meanwhile.
          const row = touched.get(session) ?? indexer!.row(session);
          if (!row || row.ino !== stat.ino) {
            queue.shift();
            continue;
          }
          let result: ReturnType<TranscriptIndexer['indexChunk']>;
          try {
            result = indexer!.indexChunk(row, transcriptPath(paths, session), stat, budget);
          } catch (error) {
            // Swapped for a link since the scan: skipped now, dropped from the index by the next scan.
            if (!(error instanceof MemoryError && error.code === 'E_UNSAFE_PATH')) throw error;
            queue.shift();
            fullScanDue = true;
            continue;
          }
          touched.set(session, row);
          if (result.consumed === 0 && result.more) break;
          budget -= result.consumed;
          pending = Math.max(0, pending - result.consumed);
          if (!result.more) queue.shift();
        }
        for (const row of touched.values()) indexer!.save(row);
      });
      await yieldToLoop();
    }
  };

  const drain = async () => {
    while (!closed) {
      database();
      const full = fullScanDue || watcher === undefined || Date.now() - lastFullScan > rescanIntervalMs;
      if (!full && dirty.size === 0) return;
      if (full) {
        fullScanDue = false;
        lastFullScan = Date.now();
      }
      const changed = changedSessions(full);
      dirty.clear();
      const rows = indexer!.allRows();
      pending = 0;
      for (const [session, stat] of changed) {
        if (stat) pending += Math.max(0, stat.size - (rows.get(session)?.indexed_bytes ?? 0));
      }
      if (changed.size === 0) return;
      await guarded(() => indexSessions(changed));
      // Loop: appends made while we indexed are picked up by the next pass.
    }
  };

  // A refresh asked for while one runs must still see changes made after that one scanned.
  let rerun = false;
  const startRefresh = (): Promise<void> => {
    if (running) {
      rerun = true;
      return running;
    }
    running = (async () => {
      do {
        rerun = false;
        await guarded(drain);
      } while (rerun && !closed);
    })().finally(() => {
      running = undefined;
    });
    return running;
  };

  const refresh = async (budgetMs = 250) => {
    if (closed) return;
    const task = startRefresh();
    const timer = delay(budgetMs, undefined, { ref: false });
    await Promise.race([task, timer]);
  };

  return {
    refresh,
    async refreshSession(session) {
      if (closed) return;
      await guarded(async () => {
        database();
        const stat: Stats | null = statContained(paths, transcriptPath(paths, session)) ?? null;
        if (stat !== null || indexer!.row(session)) await indexSessions(new Map([[session, stat]]));
      });
    },
    markDirty(session) {
      dirty.add(session);
    },
    async searchTranscripts(query, filters, limit) {
      await refresh();
      return guarded(() => searchTranscriptIndex(database(), paths, query, filters, limit));
    },
    async searchTopics(query, limit) {
      return guarded(async () => {
        const handle = database();
        await refreshTopicIndex(handle, paths);
        return searchTopicIndex(handle, query, limit);
      });
    },
    locateLine(session, line) {
      const row = indexer?.row(session);
      if (!row) return undefined;
      const found = statements!.locate.get(row.id, line) as { line: number; offset: number } | undefined;
      return found;
    },
    sessionInfo() {
      database();
      const info = new Map<string, SessionIndexInfo>();
      for (const row of indexer!.allRows().values()) info.set(row.session, toInfo(row));
      return info;
    },
    sessionsOf(profile) {
      const rows = database()
        .prepare(
          'SELECT DISTINCT f.session AS session FROM entries e JOIN files f ON f.id = e.file_id WHERE e.profile = ?',
        )
        .all(profile) as { session: string }[];
      return new Set(rows.map((row) => row.session));
    },
    pendingBytes: () => pending,
    stats() {
      const handle = database();
      const totals = handle
        .prepare(
          'SELECT count(*) AS sessions, coalesce(sum(indexed_bytes), 0) AS bytes, coalesce(sum(entries), 0) AS entries, coalesce(sum(corrupt), 0) AS corrupt FROM files',
        )
        .get() as { sessions: number; bytes: number; entries: number; corrupt: number };
      let databaseBytes = 0;
      for (const suffix of ['', '-wal']) {
        try {
          databaseBytes += statSync(`${paths.searchDb}${suffix}`).size;
        } catch {
          // The WAL file exists only while the database is open in WAL mode.
        }
      }
      return {
        indexedSessions: totals.sessions,
        indexedBytes: totals.bytes,
        entries: totals.entries,
        corruptLines: totals.corrupt,
        databaseBytes,
        rebuilds,
        watching: watcher !== undefined,
      };
    },
    async rebuild() {
      await running;
      opened?.database.close();
      opened = undefined;
      removeSearchDatabase(paths);
      attach({ ...openSearchDatabase(paths), rebuilt: false });
      rebuilds += 1;
      await startRefresh();
    },
    async close() {
      closed = true;
      watcher?.close();
      watcher = undefined;
      await running?.catch(() => undefined);
      opened?.database.close();
      opened = undefined;
    },
  };
}

function prepare(database: Database.Database) {
  return {
    locate: database.prepare(
      'SELECT line, offset FROM entries WHERE file_id = ? AND line <= ? ORDER BY line DESC LIMIT 1',
    ),
  };
}

function toInfo(row: FileRow): SessionIndexInfo {
  return {
    lines: row.lines,
    entries: row.entries,
    corruptLines: row.corrupt,
    indexedBytes: row.indexed_bytes,
    firstTimestamp: row.first_ts,
    lastTimestamp: row.last_ts,
  };
}
