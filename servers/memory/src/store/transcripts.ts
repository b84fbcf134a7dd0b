import { closeSync, constants, fstatSync, mkdirSync, readSync, writeSync } from 'node:fs';
import { MemoryError } from '../errors.js';
import { assertContainedDirectory, openContained } from './contained-file.js';
import { type MemoryPaths, transcriptPath } from './paths.js';
import { entryFields } from './transcript-entry.js';

/** One entry to append; `ts` defaults to now. */
export interface TranscriptEntryInput {
  role: string;
  content: string;
  ts?: string | undefined;
  meta?: Record<string, unknown> | undefined;
  /** Transcript scope tag; a server launched with a scope overrides it with its own. */
  profile?: string | undefined;
}

/** Largest batch one append may write, so one append stays one `write()`. */
export const MAX_APPEND_BYTES = 8 * 1024 * 1024;

/** What an append did. */
export interface AppendResult {
  appended: number;
  bytes: number;
  /** Size of the transcript after the append. */
  size: number;
}

/**
 * Appends entries as JSON lines with one `write()` on an `O_APPEND` descriptor, so concurrent
 * appenders (other processes included) never interleave inside a line. If the file ends in a
 * partial line (a writer was killed mid-write), a newline is written first so the new entries stay
 * whole; the partial line is later skipped as corrupt.
 */
export function appendTranscript(
  paths: MemoryPaths,
  session: string,
  entries: readonly TranscriptEntryInput[],
  now: () => Date = () => new Date(),
): AppendResult {
  const path = transcriptPath(paths, session);
  const lines = entries.map((entry) => {
    const ts = entry.ts === undefined ? now().toISOString() : entry.ts;
    if (Number.isNaN(Date.parse(ts))) {
      throw new MemoryError(
        'E_BAD_TIME',
        `Entry timestamp ${JSON.stringify(ts)} is not an ISO 8601 date; omit ts to use now.`,
      );
    }
    return JSON.stringify({
      ts,
      role: entry.role,
      content: entry.content,
      ...(entry.meta ? { meta: entry.meta } : {}),
      ...(entry.profile === undefined ? {} : { profile: entry.profile }),
    });
  });
  let payload = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
  if (payload.length > MAX_APPEND_BYTES) {
    throw new MemoryError(
      'E_TOO_LARGE',
      `These entries are ${payload.length} bytes; one append takes at most ${MAX_APPEND_BYTES}. Split them over several calls.`,
    );
  }
  assertContainedDirectory(paths, paths.transcriptsDir);
  mkdirSync(paths.transcriptsDir, { recursive: true });
  // O_RDWR | O_APPEND (like a+): every write lands at the end, and the last byte can still be read.
  const { fd } = openContained(paths, path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT);
  try {
    const before = fstatSync(fd).size;
    if (before > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, before - 1);
      if (last[0] !== 10) payload = Buffer.concat([Buffer.from('\n'), payload]);
    }
    let written = 0;
    while (written < payload.length) written += writeSync(fd, payload, written, payload.length - written);
    return { appended: entries.length, bytes: payload.length, size: fstatSync(fd).size };
  } finally {
    closeSync(fd);
  }
}

/** One line of a transcript slice. */
export interface TranscriptLine {
  line: number;
  timestamp: string | null;
  role: string | null;
  content: string;
  /** Set when `content` was cut to the per-entry limit. */
  truncated?: boolean;
  /** Set when the line is not valid JSON; `content` then holds the start of the raw line. */
  corrupt?: boolean;
}

/** Options for {@link readTranscriptSlice}. */
export interface SliceOptions {
  fromLine: number;
  toLine: number;
  /** Where to start reading: a known line and its byte offset (from the index), else the start. */
  start?: { line: number; offset: number } | undefined;
  maxEntryChars: number;
  /** Stop once this many bytes of content were returned. */
  maxTotalChars: number;
  /**
   * Return only entries tagged with this transcript scope; lines of other scopes, untagged lines
   * and lines that cannot be read (corrupt, cut) are left out. Absent = every line.
   */
  profile?: string | undefined;
}

/** A bounded slice of a transcript. */
export interface TranscriptSlice {
  lines: TranscriptLine[];
  /** Last line number returned (or `fromLine - 1` when none). */
  lastLine: number;
  /** True when the file has lines after `lastLine`. */
  hasMore: boolean;
}

const READ_CHUNK = 256 * 1024;

/**
 * Reads lines `fromLine..toLine` (1-based, inclusive) without loading the file: it seeks to the
 * nearest known offset and streams forward in chunks. Blank lines count as lines but are not
 * returned. Entries longer than `maxEntryChars` are cut.
 */
export function readTranscriptSlice(
  paths: MemoryPaths,
  session: string,
  options: SliceOptions,
): TranscriptSlice {
  const path = transcriptPath(paths, session);
  let fd: number;
  try {
    fd = openContained(paths, path, constants.O_RDONLY).fd;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new MemoryError(
        'E_SESSION_NOT_FOUND',
        `No transcript for session ${JSON.stringify(session)}; call list_sessions to see the sessions.`,
      );
    }
    throw error;
  }
  try {
    const size = fstatSync(fd).size;
    let line = options.start ? options.start.line : 1;
    let position = options.start ? options.start.offset : 0;
    const lines: TranscriptLine[] = [];
    let total = 0;
    let lastLine = options.fromLine - 1;
    const chunk = Buffer.allocUnsafe(READ_CHUNK);
    let carry: Buffer[] = [];
    let carryBytes = 0;
    const maxLineBytes = options.maxEntryChars * 4 + 1024;
    let lineTooLong = false;
    while (position < size && line <= options.toLine) {
      const got = readSync(fd, chunk, 0, Math.min(READ_CHUNK, size - position), position);
      if (got === 0) break;
      let cursor = 0;
      while (cursor < got && line <= options.toLine) {
        const newline = chunk.subarray(0, got).indexOf(10, cursor);
        const end = newline < 0 ? got : newline;
        if (line >= options.fromLine && !lineTooLong) {
          const piece = chunk.subarray(cursor, end);
          if (carryBytes + piece.length > maxLineBytes) {
            carry.push(Buffer.from(piece.subarray(0, Math.max(0, maxLineBytes - carryBytes))));
            carryBytes = maxLineBytes;
            lineTooLong = true;
          } else {
            carry.push(Buffer.from(piece));
            carryBytes += piece.length;
          }
        }
        if (newline < 0) {
          cursor = got;
          break;
        }
        if (line >= options.fromLine) {
          const raw = Buffer.concat(carry).toString('utf8');
          if (raw.trim() !== '') {
            const entry = toLine(line, raw, lineTooLong, options.maxEntryChars);
            if (options.profile === undefined || entry.profile === options.profile) {
              const { profile: _scope, ...shown } = entry;
              lines.push(shown);
              total += entry.content.length;
            }
          }
          lastLine = line;
        }
        carry = [];
        carryBytes = 0;
        lineTooLong = false;
        line += 1;
        cursor = newline + 1;
        if (total >= options.maxTotalChars) break;
      }
      position += cursor;
      if (total >= options.maxTotalChars) break;
    }
    return { lines, lastLine, hasMore: position < size };
  } finally {
    closeSync(fd);
  }
}

function toLine(
  line: number,
  raw: string,
  cut: boolean,
  maxChars: number,
): TranscriptLine & { profile?: string | null } {
  if (!cut) {
    try {
      const fields = entryFields(JSON.parse(raw));
      const truncated = fields.text.length > maxChars;
      return {
        line,
        timestamp: fields.timestamp === null ? null : new Date(fields.timestamp).toISOString(),
        role: fields.role,
        content: truncated ? `${fields.text.slice(0, maxChars)}…` : fields.text,
        ...(truncated ? { truncated: true } : {}),
        profile: fields.profile,
      };
    } catch {
      // Fall through: shown raw and flagged.
    }
  }
  return {
    line,
    timestamp: null,
    role: null,
    content: raw.slice(0, cut ? maxChars : Math.min(maxChars, 200)),
    ...(cut ? { truncated: true } : { corrupt: true }),
  };
}
