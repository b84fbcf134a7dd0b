import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import type { CompiledPattern } from './pattern.js';

const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const NEWLINE = 0x0a;
/** Bytes sniffed for a NUL to call a file binary. */
export const BINARY_SNIFF_BYTES = 8 * 1024;
/** Longest line text returned with a match. */
export const MAX_LINE_TEXT = 400;
/** A line longer than this is cut when carried across chunks (minified files). */
const MAX_CARRY_BYTES = 1024 * 1024;

/** One matching line. */
export interface LineMatch {
  /** 1-based line number. */
  line: number;
  /** 1-based column of the first match on the line (UTF-16 units of the decoded line). */
  column: number;
  /** The line, cut to {@link MAX_LINE_TEXT} characters around the match. */
  text: string;
}

/** The result of scanning one file. */
export interface FileScan {
  status: 'scanned' | 'binary' | 'unreadable';
  matches: LineMatch[];
  /** Matching lines counted (can exceed matches.length when only counting). */
  count: number;
  /** True when the scan stopped at `limit` with more of the file unread. */
  stoppedEarly: boolean;
  /** The open handle, kept only when the file matched, so the caller can verify it. */
  handle: FileHandle | undefined;
}

/** What to collect from a file. */
export interface ScanOptions {
  /** Stop after this many matching lines. */
  limit: number;
  /** Keep line text (false for files_with_matches / count). */
  collectText: boolean;
  /** Reusable buffer for reads (its size is the chunk size). */
  buffer: Buffer;
}

/**
 * Scans one file for a pattern. The file is opened with O_NOFOLLOW | O_NONBLOCK (a symlink
 * swapped in is refused, a FIFO never blocks) and read in chunks into a reused buffer; a NUL byte
 * in the first 8 KiB marks it binary and skips it. One match is reported per line. When the file
 * matched, the still-open handle is returned so the caller can verify what was read before
 * revealing any of it; otherwise it is closed here.
 */
export async function scanFile(
  real: string,
  pattern: CompiledPattern,
  options: ScanOptions,
): Promise<FileScan> {
  let handle: FileHandle;
  try {
    handle = await open(real, READ_FLAGS);
  } catch {
    return { status: 'unreadable', matches: [], count: 0, stoppedEarly: false, handle: undefined };
  }
  const result: FileScan = {
    status: 'scanned',
    matches: [],
    count: 0,
    stoppedEarly: false,
    handle: undefined,
  };
  try {
    const chunkSize = options.buffer.length;
    let position = 0;
    let carry: Buffer | undefined;
    let lineBase = 1;
    for (;;) {
      const { bytesRead } = await handle.read(options.buffer, 0, chunkSize, position);
      if (position === 0) {
        const sniff = options.buffer.subarray(0, Math.min(bytesRead, BINARY_SNIFF_BYTES));
        if (sniff.includes(0)) {
          result.status = 'binary';
          break;
        }
      }
      position += bytesRead;
      // A short read of a regular file means end of file; this saves one read per small file.
      const atEnd = bytesRead < chunkSize;
      let data = options.buffer.subarray(0, bytesRead);
      if (carry) data = Buffer.concat([carry, data]);
      carry = undefined;
      let end = data.length;
      if (!atEnd) {
        const lastNewline = data.lastIndexOf(NEWLINE);
        end = lastNewline + 1;
        if (end === 0) {
          // One very long line: keep its tail bounded and continue.
          carry = Buffer.from(
            data.length > MAX_CARRY_BYTES ? data.subarray(data.length - MAX_CARRY_BYTES) : data,
          );
          continue;
        }
        carry = Buffer.from(data.subarray(end));
      }
      const region = data.subarray(0, end);
      lineBase = scanRegion(region, lineBase, pattern, options, result);
      if (result.count >= options.limit) {
        result.stoppedEarly = true;
        break;
      }
      if (atEnd) break;
    }
  } catch {
    result.status = 'unreadable';
  }
  if (result.count > 0 && result.status === 'scanned') result.handle = handle;
  else await handle.close().catch(() => {});
  return result;
}

/** Scans a region of whole lines; returns the line number of the line after the region. */
function scanRegion(
  region: Buffer,
  lineBase: number,
  pattern: CompiledPattern,
  options: ScanOptions,
  result: FileScan,
): number {
  if (pattern.kind === 'literal') return scanLiteral(region, lineBase, pattern.needle, options, result);
  return scanRegex(region, lineBase, pattern.regex, pattern.foldCase, options, result);
}

function scanLiteral(
  region: Buffer,
  lineBase: number,
  needle: Buffer,
  options: ScanOptions,
  result: FileScan,
): number {
  let line = lineBase;
  let counted = 0; // newlines before this offset are already in `line`
  let from = 0;
  for (;;) {
    const index = region.indexOf(needle, from);
    if (index === -1) break;
    for (
      let newline = region.indexOf(NEWLINE, counted);
      newline !== -1 && newline < index;
      newline = region.indexOf(NEWLINE, newline + 1)
    ) {
      line += 1;
      counted = newline + 1;
    }
    const lineStart = counted;
    let lineEnd = region.indexOf(NEWLINE, index);
    if (lineEnd === -1) lineEnd = region.length;
    result.count += 1;
    if (options.collectText) {
      const column = region.toString('utf8', lineStart, index).length + 1;
      result.matches.push({
        line,
        column,
        text: lineText(region.toString('utf8', lineStart, lineEnd), column),
      });
    }
    if (result.count >= options.limit) return line;
    from = lineEnd + 1;
    if (lineEnd < region.length) {
      line += 1;
      counted = lineEnd + 1;
    }
    if (from >= region.length) break;
  }
  for (
    let newline = region.indexOf(NEWLINE, counted);
    newline !== -1;
    newline = region.indexOf(NEWLINE, newline + 1)
  )
    line += 1;
  return line;
}

function scanRegex(
  region: Buffer,
  lineBase: number,
  regex: RegExp,
  foldCase: boolean,
  options: ScanOptions,
  result: FileScan,
): number {
  const original = region.toString('utf8');
  const text = foldCase ? original.toLowerCase() : original;
  // Lower-casing can change lengths for a few characters; line structure is unchanged, so the
  // original line is found by line number when they differ.
  const sameLength = text.length === original.length;
  let line = lineBase;
  let counted = 0;
  regex.lastIndex = 0;
  for (;;) {
    const match = regex.exec(text);
    if (!match) break;
    const index = match.index;
    for (
      let newline = text.indexOf('\n', counted);
      newline !== -1 && newline < index;
      newline = text.indexOf('\n', newline + 1)
    ) {
      line += 1;
      counted = newline + 1;
    }
    let lineEnd = text.indexOf('\n', index);
    if (lineEnd === -1) lineEnd = text.length;
    result.count += 1;
    if (options.collectText) {
      const column = index - counted + 1;
      const lineString = sameLength ? original.slice(counted, lineEnd) : nthLine(original, line - lineBase);
      result.matches.push({ line, column, text: lineText(lineString.replace(/\r$/, ''), column) });
    }
    if (result.count >= options.limit) return line;
    if (lineEnd >= text.length) break;
    regex.lastIndex = lineEnd + 1;
    line += 1;
    counted = lineEnd + 1;
  }
  for (let newline = text.indexOf('\n', counted); newline !== -1; newline = text.indexOf('\n', newline + 1))
    line += 1;
  return line;
}

function nthLine(text: string, index: number): string {
  let start = 0;
  for (let skipped = 0; skipped < index; skipped += 1) {
    const next = text.indexOf('\n', start);
    if (next === -1) return '';
    start = next + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end === -1 ? text.length : end);
}

/** Cuts a long line to a window around the match column. */
function lineText(line: string, column: number): string {
  const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
  if (trimmed.length <= MAX_LINE_TEXT) return trimmed;
  const start = Math.max(0, Math.min(column - 1 - MAX_LINE_TEXT / 4, trimmed.length - MAX_LINE_TEXT));
  return `${start > 0 ? '…' : ''}${trimmed.slice(start, start + MAX_LINE_TEXT)}${start + MAX_LINE_TEXT < trimmed.length ? '…' : ''}`;
}
