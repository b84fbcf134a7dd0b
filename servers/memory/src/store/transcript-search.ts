import { closeSync, constants, readSync } from 'node:fs';
import type Database from 'better-sqlite3';
import { openContained } from './contained-file.js';
import { type MemoryPaths, transcriptPath } from './paths.js';
import { makeSnippet, type SearchQuery } from './search-query.js';
import { entryFields } from './transcript-entry.js';

/** A transcript search hit: a location and a short snippet, never the whole entry. */
export interface TranscriptHit {
  session: string;
  line: number;
  timestamp: string | null;
  role: string | null;
  snippet: string;
}

/** Filters for transcript search; times are epoch milliseconds. */
export interface TranscriptFilters {
  session?: string | undefined;
  /** Only entries tagged with this transcript scope (a server launched with a scope); absent = all. */
  profile?: string | undefined;
  since?: number | undefined;
  until?: number | undefined;
}

const SNIPPET_READ_LIMIT = 64 * 1024;

/**
 * Runs a transcript query: FTS5 drives (newest first, so LIMIT stops early and the cost does not
 * grow with the corpus), the filters apply to the joined rows, and each hit's snippet is read back
 * from its transcript file (the index stores no text).
 */
export function searchTranscriptIndex(
  database: Database.Database,
  paths: MemoryPaths,
  query: SearchQuery,
  filters: TranscriptFilters,
  limit: number,
): TranscriptHit[] {
  const conditions = ['entry_text MATCH @match'];
  if (filters.session !== undefined) conditions.push('f.session = @session');
  if (filters.profile !== undefined) conditions.push('e.profile = @profile');
  if (filters.since !== undefined) conditions.push('e.ts >= @since');
  if (filters.until !== undefined) conditions.push('e.ts <= @until');
  const sql = `SELECT f.session AS session, e.line AS line, e.offset AS offset, e.length AS length, e.ts AS ts, e.role AS role
      FROM entry_text JOIN entries e ON e.id = entry_text.rowid JOIN files f ON f.id = e.file_id
      WHERE ${conditions.join(' AND ')} ORDER BY entry_text.rowid DESC LIMIT @limit`;
  const rows = database.prepare(sql).all({
    match: query.match,
    limit,
    ...(filters.session === undefined ? {} : { session: filters.session }),
    ...(filters.profile === undefined ? {} : { profile: filters.profile }),
    ...(filters.since === undefined ? {} : { since: filters.since }),
    ...(filters.until === undefined ? {} : { until: filters.until }),
  }) as {
    session: string;
    line: number;
    offset: number;
    length: number;
    ts: number | null;
    role: string | null;
  }[];
  return rows.map((row) => ({
    session: row.session,
    line: row.line,
    timestamp: row.ts === null ? null : new Date(row.ts).toISOString(),
    role: row.role,
    snippet: transcriptSnippet(paths, row.session, row.offset, row.length, query.terms),
  }));
}

/** Reads one indexed line back from its transcript (bounded) and cuts a snippet around the terms. */
function transcriptSnippet(
  paths: MemoryPaths,
  session: string,
  offset: number,
  length: number,
  terms: readonly string[],
): string {
  let fd: number | undefined;
  try {
    fd = openContained(paths, transcriptPath(paths, session), constants.O_RDONLY).fd;
    const buffer = Buffer.allocUnsafe(Math.min(length, SNIPPET_READ_LIMIT));
    const got = readSync(fd, buffer, 0, buffer.length, offset);
    const raw = buffer.toString('utf8', 0, got);
    let text = raw;
    if (got === length) {
      try {
        text = entryFields(JSON.parse(raw)).text;
      } catch {
        text = raw;
      }
    }
    return makeSnippet(text, terms);
  } catch {
    return '';
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
