import { closeSync, constants, readSync } from 'node:fs';
import { openContained } from './contained-file.js';
import type { MemoryPaths } from './paths.js';

/** Bounds of the layer-1 index; loading never returns more than these. */
export interface IndexBounds {
  maxLines: number;
  maxBytes: number;
  maxLineChars: number;
}

/** One line of `MEMORY.md`; `slug` is set when it is a topic pointer. */
export interface IndexLine {
  raw: string;
  slug?: string;
  title?: string;
  hook?: string;
}

const POINTER = /^\s*[-*]\s+\[(.*)\]\(topics\/([^)\s]+)\.md\)(?:\s*[—–-]+\s*(.*))?\s*$/;

/** Parses one index line; pointer lines get `slug`, `title` and `hook`. */
export function parseIndexLine(raw: string): IndexLine {
  const match = POINTER.exec(raw);
  if (!match) return { raw };
  return { raw, title: match[1] ?? '', slug: match[2] ?? '', hook: (match[3] ?? '').trim() };
}

/** Splits index text into lines, dropping the final empty one. */
export function splitIndexLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

const oneLine = (value: string) => value.replace(/\s+/g, ' ').trim();

/** Renders the pointer line `- [Title](topics/slug.md) — hook`. */
export function renderIndexLine(title: string, slug: string, hook: string): string {
  const cleanHook = oneLine(hook);
  return `- [${oneLine(title) || slug}](topics/${slug}.md)${cleanHook ? ` — ${cleanHook}` : ''}`;
}

/**
 * Shortens a pointer line to `maxChars` by cutting the hook (then the title), never the link, so
 * the line still points at its topic.
 */
export function fitIndexLine(title: string, slug: string, hook: string, maxChars: number): string {
  const full = renderIndexLine(title, slug, hook);
  if ([...full].length <= maxChars) return full;
  const bare = renderIndexLine(title, slug, '');
  const room = maxChars - [...bare].length - 4;
  if (room > 8) return renderIndexLine(title, slug, `${[...oneLine(hook)].slice(0, room - 1).join('')}…`);
  const titleRoom = maxChars - [...renderIndexLine('', slug, '')].length - 1;
  if (titleRoom > 4 && [...bare].length > maxChars) {
    return renderIndexLine(`${[...oneLine(title)].slice(0, titleRoom - 1).join('')}…`, slug, '');
  }
  return bare;
}

/** Joins lines back into index text with a final newline. */
export function joinIndexLines(lines: readonly string[]): string {
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Replaces the pointer line for `slug`, or appends it; other lines keep their place. */
export function upsertIndexLine(text: string, slug: string, line: string): string {
  const lines = splitIndexLines(text);
  let replaced = false;
  const next: string[] = [];
  for (const raw of lines) {
    if (parseIndexLine(raw).slug === slug) {
      if (!replaced) next.push(line);
      replaced = true;
    } else {
      next.push(raw);
    }
  }
  if (!replaced) next.push(line);
  return joinIndexLines(next);
}

/** Removes every pointer line for `slug`. */
export function removeIndexLine(text: string, slug: string): string {
  return joinIndexLines(splitIndexLines(text).filter((raw) => parseIndexLine(raw).slug !== slug));
}

/** How index text measures against its bounds. */
export interface IndexMeasure {
  lines: number;
  bytes: number;
  longestLineChars: number;
  /** Human-readable list of exceeded bounds; empty when within bounds. */
  exceeded: string[];
}

/** Measures index text against `bounds`. */
export function measureIndex(text: string, bounds: IndexBounds): IndexMeasure {
  const lines = splitIndexLines(text);
  const bytes = Buffer.byteLength(text, 'utf8');
  let longest = 0;
  let longCount = 0;
  for (const line of lines) {
    const chars = [...line].length;
    longest = Math.max(longest, chars);
    if (chars > bounds.maxLineChars) longCount += 1;
  }
  const exceeded: string[] = [];
  if (lines.length > bounds.maxLines) exceeded.push(`${lines.length} lines > ${bounds.maxLines}`);
  if (bytes > bounds.maxBytes) exceeded.push(`${bytes} bytes > ${bounds.maxBytes}`);
  if (longCount > 0) exceeded.push(`${longCount} line(s) longer than ${bounds.maxLineChars} characters`);
  return { lines: lines.length, bytes, longestLineChars: longest, exceeded };
}

/** What {@link loadBoundedIndex} returns. */
export interface BoundedIndex {
  content: string;
  shownLines: number;
  shownBytes: number;
  /** Lines in the file, or `null` when the file is too big to count cheaply. */
  totalLines: number | null;
  totalBytes: number;
  /** True when something was cut to stay within the bounds. */
  truncated: boolean;
  exceeded: string[];
}

/** Largest index file read whole to count its lines; above it only the first bytes are read. */
const COUNT_LIMIT_BYTES = 1 << 20;

/**
 * Loads `MEMORY.md` within its bounds: at most `maxLines` lines, each cut to `maxLineChars`
 * characters, and at most `maxBytes` bytes in all. Reads at most 1 MiB whatever the file's size,
 * so a runaway index can never flood the caller.
 */
export function loadBoundedIndex(paths: MemoryPaths, bounds: IndexBounds): BoundedIndex {
  let opened: ReturnType<typeof openContained>;
  try {
    opened = openContained(paths, paths.indexFile, constants.O_RDONLY);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    return {
      content: '',
      shownLines: 0,
      shownBytes: 0,
      totalLines: 0,
      totalBytes: 0,
      truncated: false,
      exceeded: [],
    };
  }
  const { fd } = opened;
  const size = opened.stat.size;
  const readBytes = Math.min(size, COUNT_LIMIT_BYTES);
  const buffer = Buffer.alloc(readBytes);
  let got = 0;
  try {
    while (got < readBytes) {
      const count = readSync(fd, buffer, got, readBytes - got, got);
      if (count === 0) break;
      got += count;
    }
  } finally {
    closeSync(fd);
  }
  const text = buffer.subarray(0, got).toString('utf8');
  const lines = splitIndexLines(text);
  const measured = measureIndex(text, bounds);
  const shown: string[] = [];
  let bytes = 0;
  let truncated = false;
  for (const line of lines) {
    if (shown.length >= bounds.maxLines) {
      truncated = true;
      break;
    }
    let fitted = line;
    if ([...line].length > bounds.maxLineChars) {
      const parsed = parseIndexLine(line);
      fitted =
        parsed.slug !== undefined
          ? fitIndexLine(parsed.title ?? '', parsed.slug, parsed.hook ?? '', bounds.maxLineChars)
          : `${[...line].slice(0, bounds.maxLineChars - 1).join('')}…`;
      truncated = true;
    }
    const lineBytes = Buffer.byteLength(fitted, 'utf8') + 1;
    if (bytes + lineBytes > bounds.maxBytes) {
      truncated = true;
      break;
    }
    shown.push(fitted);
    bytes += lineBytes;
  }
  const complete = got === size;
  if (!complete) measured.exceeded.unshift(`${size} bytes > ${bounds.maxBytes}`);
  return {
    content: joinIndexLines(shown),
    shownLines: shown.length,
    shownBytes: bytes,
    totalLines: complete ? lines.length : null,
    totalBytes: size,
    truncated,
    exceeded: [...new Set(measured.exceeded)],
  };
}
