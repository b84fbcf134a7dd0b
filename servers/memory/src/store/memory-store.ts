import { mkdirSync, realpathSync } from 'node:fs';
import { MemoryError } from '../errors.js';
import { type MemoryBounds, parseTimeArgument, resolveBounds } from './bounds.js';
import { assertContainedDirectory, assertPlainFileOrAbsent } from './contained-file.js';
import { beginDream, endDream, restoreDream } from './dream-service.js';
import { readDreamLock } from './dreams.js';
import { type IndexBounds, loadBoundedIndex } from './index-file.js';
import { applyIntent, recoverIntent } from './intent.js';
import { planMaintenance, removeTempFiles } from './maintain.js';
import { assertSession, resolveMemoryPaths } from './paths.js';
import { createSearchIndex, type MemoryLogger, type TopicHit, type TranscriptHit } from './search-index.js';
import { parseSearchQuery } from './search-query.js';
import { sessionsOnDisk } from './sessions.js';
import type { StoreContext } from './store-context.js';
import {
  deleteTopic,
  measureIndexReport,
  readTopic,
  type WriteTopicInput,
  writeTopic,
} from './topic-service.js';
import { listTopicSlugs, readIndexText } from './topics.js';
import {
  appendTranscript,
  MAX_APPEND_BYTES,
  readTranscriptSlice,
  type TranscriptEntryInput,
} from './transcripts.js';
import { createWriteLock } from './write-lock.js';

/** Options for {@link openMemoryStore}. */
export interface MemoryStoreOptions {
  /** The memory directory; created if missing. */
  dir: string;
  bounds?: Partial<MemoryBounds> | undefined;
  logger?: MemoryLogger | undefined;
  /** Default `source` recorded on topics written without one. */
  source?: string | undefined;
  /** Watch transcripts for appends by other processes (default true). */
  watch?: boolean | undefined;
  /** Start indexing in the background on open (default true). */
  indexOnOpen?: boolean | undefined;
  /** Bytes of transcript indexed per transaction (default 8 MiB); a longer line is not searchable. */
  indexChunkBytes?: number | undefined;
  /** How long a write waits for another process's lock (default 30 s). */
  lockTimeoutMs?: number | undefined;
  /** A running dream counts as abandoned after this long (default one hour). */
  dreamStaleMs?: number | undefined;
  /** Clock, for tests. */
  now?: (() => Date) | undefined;
  /**
   * The transcript scope this server was launched for (`--limit-transcript-profile`): appended
   * entries are tagged with it, and search, read_transcript and list_sessions show only entries
   * tagged with it. Absent: no tag is forced and every transcript is visible.
   */
  transcriptProfile?: string | undefined;
}

/** Input of {@link MemoryStore.search}. */
export interface SearchInput {
  query: string;
  scope?: 'topics' | 'transcripts' | 'all' | undefined;
  session?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  limit?: number | undefined;
}

/**
 * Opens a memory directory: creates its folders, replays a half-finished write left by a killed
 * writer, and starts the search index. Open it once per process and share it; every method is
 * safe to call concurrently, from this process and from others sharing the directory.
 */
export async function openMemoryStore(options: MemoryStoreOptions) {
  const paths = resolveMemoryPaths(options.dir);
  const bounds = resolveBounds(options.bounds);
  const indexBounds: IndexBounds = {
    maxLines: bounds.indexMaxLines,
    maxBytes: bounds.indexMaxBytes,
    maxLineChars: bounds.indexMaxLineChars,
  };
  mkdirSync(paths.root, { recursive: true });
  // The root itself may be a link (the user's choice); nothing the server manages below it may be.
  paths.realRoot = realpathSync(paths.root);
  for (const directory of [paths.topicsDir, paths.transcriptsDir, paths.snapshotsDir]) {
    assertContainedDirectory(paths, directory);
  }
  for (const directory of [paths.topicsDir, paths.transcriptsDir]) mkdirSync(directory, { recursive: true });
  assertPlainFileOrAbsent(paths, paths.writeLock);
  const now = options.now ?? (() => new Date());
  const transcriptScope = options.transcriptProfile;
  const hiddenSession = (session: string) =>
    new MemoryError(
      'E_SESSION_NOT_FOUND',
      `No transcript for session ${JSON.stringify(session)}; call list_sessions to see the sessions.`,
    );
  const defaultSource = options.source ?? 'unknown';
  const lock = createWriteLock(paths.writeLock, { timeoutMs: options.lockTimeoutMs ?? 30_000 });
  await lock.run(() => recoverIntent(paths));
  const search = createSearchIndex({
    paths,
    logger: options.logger,
    watch: options.watch ?? true,
    ...(options.indexChunkBytes === undefined ? {} : { chunkBytes: options.indexChunkBytes }),
  });
  if (options.indexOnOpen ?? true) void search.refresh(0).catch(() => undefined);
  const context: StoreContext = {
    paths,
    bounds,
    indexBounds,
    lock,
    search,
    now,
    dreamStaleMs: options.dreamStaleMs ?? 60 * 60 * 1000,
  };

  const indexReport = (text: string) => measureIndexReport(context, text);

  const dreamStatus = () => {
    const { lock, mtimeMs } = readDreamLock(paths);
    const running = lock?.state === 'running';
    const last = running ? (lock?.previousMtimeMs ?? null) : (mtimeMs ?? null);
    return {
      running,
      dream_id: running ? (lock?.dreamId ?? null) : null,
      last_dream_at: last === null ? null : new Date(last).toISOString(),
    };
  };

  return {
    paths,
    bounds,

    /** Layer 1: the index within its bounds, with its size against them. */
    readIndex() {
      const loaded = loadBoundedIndex(paths, indexBounds);
      return {
        content: loaded.content,
        shown_lines: loaded.shownLines,
        shown_bytes: loaded.shownBytes,
        total_lines: loaded.totalLines,
        total_bytes: loaded.totalBytes,
        max_lines: bounds.indexMaxLines,
        max_bytes: bounds.indexMaxBytes,
        max_line_chars: bounds.indexMaxLineChars,
        truncated: loaded.truncated,
        exceeded: loaded.exceeded,
        needs_consolidation: loaded.exceeded.length > 0,
      };
    },

    /** Layer 2: one topic, its body sliced by lines. */
    readTopic: (slug: string, offset = 0, limit = 500) => readTopic(context, slug, offset, limit),

    /** Writes a topic and its index line as one atomic step. */
    writeTopic: (input: WriteTopicInput) => writeTopic(context, input, defaultSource),

    /** Deletes a topic and its index line as one atomic step. */
    deleteTopic: (slug: string) => deleteTopic(context, slug),

    /** Searches topics and/or transcripts; returns locations and short snippets only. */
    async search(input: SearchInput) {
      const query = parseSearchQuery(input.query);
      const scope = input.scope ?? 'all';
      const limit = Math.max(1, Math.min(input.limit ?? 10, 100));
      const since = parseTimeArgument(input.since, 'since');
      const until = parseTimeArgument(input.until, 'until');
      if (input.session !== undefined) assertSession(input.session);
      let topics: TopicHit[] = [];
      let transcripts: TranscriptHit[] = [];
      if (scope !== 'transcripts' && input.session === undefined)
        topics = await search.searchTopics(query, limit);
      if (scope !== 'topics') {
        transcripts = await search.searchTranscripts(
          query,
          {
            session: input.session,
            since,
            until,
            ...(transcriptScope === undefined ? {} : { profile: transcriptScope }),
          },
          limit,
        );
      }
      const topicShare =
        scope === 'all'
          ? Math.min(topics.length, Math.max(Math.ceil(limit / 2), limit - transcripts.length))
          : topics.length;
      const results = [
        ...topics.slice(0, topicShare).map((hit) => ({ kind: 'topic' as const, ...hit })),
        ...transcripts
          .slice(0, limit - Math.min(topicShare, limit))
          .map((hit) => ({ kind: 'transcript' as const, ...hit })),
      ];
      const pending = search.pendingBytes();
      return {
        query: input.query,
        scope,
        results,
        ...(pending > 0 ? { indexing_pending_bytes: pending } : {}),
      };
    },

    /** Appends entries to a session's transcript (one write per call). */
    appendTranscript(session: string, entries: readonly TranscriptEntryInput[]) {
      assertSession(session);
      if (entries.length === 0) throw new MemoryError('E_NO_ENTRIES', 'Give at least one entry to append.');
      const tagged =
        transcriptScope === undefined
          ? entries
          : entries.map((entry) => ({ ...entry, profile: transcriptScope }));
      const result = appendTranscript(paths, session, tagged, now);
      search.markDirty(session);
      return { session, ...result, max_append_bytes: MAX_APPEND_BYTES };
    },

    /** A bounded slice of a transcript: at most 200 lines per call. */
    async readTranscript(session: string, fromLine: number, toLine: number) {
      assertSession(session);
      if (!Number.isInteger(fromLine) || fromLine < 1 || !Number.isInteger(toLine) || toLine < fromLine) {
        throw new MemoryError(
          'E_BAD_RANGE',
          `Lines ${fromLine}..${toLine} are not a range: from_line ≥ 1 and to_line ≥ from_line.`,
        );
      }
      const last = Math.min(toLine, fromLine + 199);
      let start: { line: number; offset: number } | undefined;
      try {
        await search.refreshSession(session);
        start = search.locateLine(session, fromLine);
      } catch {
        start = undefined;
      }
      // Fail closed: a session this scope has no indexed entry in does not exist for it.
      if (transcriptScope !== undefined && !search.sessionsOf(transcriptScope).has(session))
        throw hiddenSession(session);
      const slice = readTranscriptSlice(paths, session, {
        fromLine,
        toLine: last,
        start,
        maxEntryChars: 4_000,
        maxTotalChars: 200_000,
        ...(transcriptScope === undefined ? {} : { profile: transcriptScope }),
      });
      const info = search.sessionInfo().get(session);
      return {
        session,
        from_line: fromLine,
        to_line: slice.lastLine,
        entries: slice.lines,
        has_more: slice.hasMore,
        total_lines: info?.lines ?? null,
        ...(last < toLine ? { note: `At most 200 lines per call; continue from line ${last + 1}.` } : {}),
      };
    },

    /** Sessions, most recently written first (under a transcript scope: only those with its entries). */
    async listSessions(since?: string, limit = 50) {
      const sinceMs = parseTimeArgument(since, 'since');
      if (transcriptScope !== undefined) await search.refresh(1_000);
      const visible = transcriptScope === undefined ? undefined : search.sessionsOf(transcriptScope);
      const all = sessionsOnDisk(paths).filter(
        (session) =>
          (sinceMs === undefined || session.mtimeMs >= sinceMs) &&
          (visible === undefined || visible.has(session.session)),
      );
      all.sort((a, b) => b.mtimeMs - a.mtimeMs || a.session.localeCompare(b.session));
      const info = search.sessionInfo();
      const shown = all.slice(0, Math.max(1, Math.min(limit, 1000)));
      return {
        sessions: shown.map((session) => {
          const known = info.get(session.session);
          return {
            session: session.session,
            bytes: session.size,
            modified: new Date(session.mtimeMs).toISOString(),
            lines: known?.lines ?? null,
            first_timestamp:
              known?.firstTimestamp == null ? null : new Date(known.firstTimestamp).toISOString(),
            last_timestamp: known?.lastTimestamp == null ? null : new Date(known.lastTimestamp).toISOString(),
          };
        }),
        total: all.length,
        has_more: all.length > shown.length,
      };
    },

    /** Deterministic consolidation; `dryRun` reports without writing. */
    maintain(dryRun: boolean) {
      return lock.run(() => {
        recoverIntent(paths);
        const plan = planMaintenance(paths, indexBounds);
        if (!dryRun) {
          if (plan.operations.length > 0) applyIntent(paths, plan.operations);
          removeTempFiles(plan.tempFiles);
        }
        return {
          dry_run: dryRun,
          changes: plan.changes,
          warnings: plan.warnings,
          index_before: plan.before,
          index_after: { ...plan.after, within_bounds: plan.after.exceeded.length === 0 },
        };
      });
    },

    /** Sizes and counts of every layer and of the search index. */
    async stats() {
      await search.refresh(50);
      const sessions = sessionsOnDisk(paths);
      const index = search.stats();
      return {
        dir: paths.root,
        index: indexReport(readIndexText(paths)),
        topics: listTopicSlugs(paths).slugs.length,
        dream: dreamStatus(),
        topic_max_bytes: bounds.topicMaxBytes,
        sessions: sessions.length,
        transcript_bytes: sessions.reduce((sum, session) => sum + session.size, 0),
        search_index: {
          indexed_sessions: index.indexedSessions,
          indexed_bytes: index.indexedBytes,
          entries: index.entries,
          corrupt_lines: index.corruptLines,
          pending_bytes: search.pendingBytes(),
          database_bytes: index.databaseBytes,
          rebuilds: index.rebuilds,
          watching: index.watching,
        },
      };
    },

    /** Starts a dream: lock, snapshot, and what changed since the last one. */
    beginDream: () => beginDream(context),

    /** Ends the running dream; `failed` restores its snapshot and rolls the lock back. */
    endDream: (token: string, summary: string, outcome: 'completed' | 'failed' = 'completed') =>
      endDream(context, token, summary, outcome),

    /** Undoes a dream by restoring the snapshot taken before it. */
    restoreDream: (dreamId: string) => restoreDream(context, dreamId),

    /** The dream lock as it stands. */
    dreamStatus,

    /** Deletes and rebuilds the search index from the files. */
    rebuildSearchIndex: () => search.rebuild(),

    /** Brings the search index up to date, waiting at most `budgetMs`. */
    refreshSearchIndex: (budgetMs?: number) => search.refresh(budgetMs),

    async close() {
      await search.close();
      lock.close();
    },
  };
}

/** The memory store: the three layers, their search index, and the write lock. */
export type MemoryStore = Awaited<ReturnType<typeof openMemoryStore>>;
