import { closeSync, constants, readSync, type Stats } from 'node:fs';
import type Database from 'better-sqlite3';
import { openContained } from './contained-file.js';
import type { MemoryPaths } from './paths.js';
import { indexableText } from './search-query.js';
import { entryFields } from './transcript-entry.js';

/** Where a transcript stands in the index. */
export interface FileRow {
  id: number;
  session: string;
  ino: number;
  size: number;
  indexed_bytes: number;
  lines: number;
  entries: number;
  corrupt: number;
  first_ts: number | null;
  last_ts: number | null;
}

/** Receives warnings about skipped lines. */
export interface IndexWarning {
  session: string;
  line: number;
  count: number;
  reason: string;
}

/** What one {@link TranscriptIndexer.indexChunk} call did. */
export interface ChunkResult {
  consumed: number;
  more: boolean;
}

/**
 * The transcript indexer, bound to one database handle. Every method must run inside a write
 * transaction. Bookkeeping (`prepare`, `save`) is kept apart from `indexChunk` on purpose: a write
 * to the `files` table opens a statement savepoint, and FTS5 flushes its pending-terms buffer on
 * every savepoint, so interleaving them with text inserts would write one small segment per file.
 */
export interface TranscriptIndexer {
  /**
   * Gets (or creates) the row of each changed transcript, resetting rewritten ones and forgetting
   * deleted ones (`null` stat). Returns the rows to index, by session.
   */
  prepare(changes: ReadonlyMap<string, Stats | null>): Map<string, FileRow>;
  /** Indexes up to `maxBytes` of whole new lines into `row` (updated in memory; call {@link save}). */
  indexChunk(row: FileRow, path: string, stat: Stats, maxBytes: number): ChunkResult;
  /** Writes a row's progress back. */
  save(row: FileRow): void;
  /** Every indexed transcript, by session. */
  allRows(): Map<string, FileRow>;
  row(session: string): FileRow | undefined;
}

/** Options for {@link createTranscriptIndexer}. */
export interface TranscriptIndexerOptions {
  /** The memory directory: transcripts are opened only inside it (see contained-file). */
  paths: MemoryPaths;
  /** Most bytes read per chunk; a longer line is recorded but not searchable. */
  chunkBytes: number;
  onWarning(warning: IndexWarning): void;
}

/**
 * Incremental indexer for append-only JSONL transcripts. Per file it remembers the inode, the size
 * last seen and how many bytes were indexed, so each pass reads only what was appended since. A
 * trailing line without its newline yet is left for later. A file that shrank or changed inode
 * was rewritten and is reindexed from the start. Unparseable lines are recorded (so line numbers
 * and offsets stay right) but not searchable, and reported through `onWarning`.
 */
export function createTranscriptIndexer(
  database: Database.Database,
  options: TranscriptIndexerOptions,
): TranscriptIndexer {
  const selectRow = database.prepare('SELECT * FROM files WHERE session = ?');
  const selectAll = database.prepare('SELECT * FROM files');
  const insertRow = database.prepare(
    'INSERT INTO files(session, ino, size, indexed_bytes, lines, entries, corrupt) VALUES (?, ?, 0, 0, 0, 0, 0) RETURNING *',
  );
  const updateRow = database.prepare(
    `UPDATE files SET ino = @ino, size = @size, indexed_bytes = @indexed_bytes, lines = @lines, entries = @entries,
       corrupt = @corrupt, first_ts = @first_ts, last_ts = @last_ts WHERE id = @id`,
  );
  const deleteText = database.prepare(
    'DELETE FROM entry_text WHERE rowid IN (SELECT id FROM entries WHERE file_id = ?)',
  );
  const deleteEntries = database.prepare('DELETE FROM entries WHERE file_id = ?');
  const deleteRow = database.prepare('DELETE FROM files WHERE id = ?');
  const insertEntry = database.prepare(
    'INSERT INTO entries(file_id, line, offset, length, ts, role, corrupt, profile) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const insertText = database.prepare('INSERT INTO entry_text(rowid, text) VALUES (?, ?)');

  const save = (row: FileRow) => {
    updateRow.run(row);
  };

  return {
    row: (session) => selectRow.get(session) as FileRow | undefined,
    allRows() {
      const rows = new Map<string, FileRow>();
      for (const row of selectAll.all() as FileRow[]) rows.set(row.session, row);
      return rows;
    },
    prepare(changes) {
      const rows = new Map<string, FileRow>();
      for (const [session, stat] of changes) {
        const existing = selectRow.get(session) as FileRow | undefined;
        if (stat === null) {
          if (existing) {
            deleteText.run(existing.id);
            deleteEntries.run(existing.id);
            deleteRow.run(existing.id);
          }
          continue;
        }
        let row = existing ?? (insertRow.get(session, stat.ino) as FileRow);
        if (row.ino !== stat.ino || stat.size < row.indexed_bytes) {
          deleteText.run(row.id);
          deleteEntries.run(row.id);
          row = {
            ...row,
            ino: stat.ino,
            size: 0,
            indexed_bytes: 0,
            lines: 0,
            entries: 0,
            corrupt: 0,
            first_ts: null,
            last_ts: null,
          };
          save(row);
        }
        rows.set(session, row);
      }
      return rows;
    },
    save,
    indexChunk(row, path, stat, maxBytes) {
      row.size = stat.size;
      const start = row.indexed_bytes;
      if (start >= stat.size) return { consumed: 0, more: false };
      const { fd } = openContained(options.paths, path, constants.O_RDONLY);
      try {
        const remaining = stat.size - start;
        const want = Math.min(remaining, maxBytes, options.chunkBytes);
        const buffer = Buffer.allocUnsafe(want);
        const got = readFully(fd, buffer, start);
        const end = buffer.lastIndexOf(10, got - 1);
        if (end < 0) {
          // Only a partial trailing line so far: its writer has not finished it.
          if (got >= remaining) return { consumed: 0, more: false };
          // The next line does not fit in this transaction's budget: retry with a full one.
          if (got < options.chunkBytes) return { consumed: 0, more: true };
          // One line longer than a whole chunk: record it, unsearchable, and skip to its end.
          const newline = findNewline(fd, start + got, stat.size);
          if (newline < 0) return { consumed: 0, more: false };
          row.lines += 1;
          row.corrupt += 1;
          insertEntry.run(row.id, row.lines, start, newline - start, null, null, 2, null);
          options.onWarning({
            session: row.session,
            line: row.lines,
            count: 1,
            reason: 'line longer than the index chunk',
          });
          row.indexed_bytes = newline + 1;
          return { consumed: row.indexed_bytes - start, more: row.indexed_bytes < stat.size };
        }
        let position = 0;
        let firstBad = 0;
        let badCount = 0;
        while (position <= end) {
          const newline = buffer.indexOf(10, position);
          row.lines += 1;
          if (newline > position) {
            const offset = start + position;
            let fields: ReturnType<typeof entryFields> | undefined;
            try {
              fields = entryFields(JSON.parse(buffer.toString('utf8', position, newline)));
            } catch {
              fields = undefined;
            }
            if (fields) {
              const role = fields.role === null ? null : fields.role.slice(0, 64);
              const id = insertEntry.run(
                row.id,
                row.lines,
                offset,
                newline - position,
                fields.timestamp,
                role,
                0,
                fields.profile,
              ).lastInsertRowid;
              insertText.run(id, indexableText(fields.text));
              row.entries += 1;
              if (fields.timestamp !== null) {
                row.first_ts ??= fields.timestamp;
                row.last_ts = fields.timestamp;
              }
            } else {
              insertEntry.run(row.id, row.lines, offset, newline - position, null, null, 1, null);
              row.corrupt += 1;
              if (badCount === 0) firstBad = row.lines;
              badCount += 1;
            }
          }
          position = newline + 1;
        }
        if (badCount > 0) {
          options.onWarning({
            session: row.session,
            line: firstBad,
            count: badCount,
            reason: 'not valid JSON; skipped',
          });
        }
        row.indexed_bytes = start + end + 1;
        // Everything after the last newline of a full read is a partial line: nothing more now.
        return { consumed: end + 1, more: got < remaining };
      } finally {
        closeSync(fd);
      }
    },
  };
}

function readFully(fd: number, buffer: Buffer, position: number): number {
  let got = 0;
  while (got < buffer.length) {
    const count = readSync(fd, buffer, got, buffer.length - got, position + got);
    if (count === 0) break;
    got += count;
  }
  return got;
}

/** Byte position of the next newline at or after `from`, or -1 before `size`. */
function findNewline(fd: number, from: number, size: number): number {
  const window = Buffer.allocUnsafe(1 << 20);
  let position = from;
  while (position < size) {
    const got = readSync(fd, window, 0, Math.min(window.length, size - position), position);
    if (got === 0) return -1;
    const index = window.subarray(0, got).indexOf(10);
    if (index >= 0) return position + index;
    position += got;
  }
  return -1;
}
