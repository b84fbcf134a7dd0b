/** Anything that reads bytes at a position (an opened file). */
export interface PositionalReader {
  readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
}

const CHUNK_BYTES = 64 * 1024;
const NEWLINE = 0x0a;
/** Files up to this size get an exact total line count with offset/limit reads. */
const COUNT_ALL_LINES_UP_TO = 64 * 1024 * 1024;

/** A run of lines read from a file. */
export interface LineSlice {
  /** The lines, without their line terminators (a trailing `\r` is dropped too). */
  lines: string[];
  /** 1-based number of the first returned line. */
  firstLine: number;
  /** True when lines exist after the returned ones. */
  hasMore: boolean;
  /** Total lines in the file, when it was cheap to know. */
  totalLines: number | undefined;
  /** True when the byte cap cut the slice short. */
  truncated: boolean;
}

function decodeLine(bytes: Buffer): string {
  const end = bytes.length > 0 && bytes[bytes.length - 1] === 0x0d ? bytes.length - 1 : bytes.length;
  return bytes.toString('utf8', 0, end);
}

/**
 * Reads `take` lines starting at 1-based line `first`, streaming in 64 KiB chunks so memory stays
 * bounded by the returned text. Stops early once `maxBytes` of line text is collected.
 */
export async function readLineSlice(
  reader: PositionalReader,
  size: number,
  first: number,
  take: number,
  maxBytes: number,
): Promise<LineSlice> {
  const lines: string[] = [];
  let collectedBytes = 0;
  let lineNumber = 0; // lines completed so far
  let carry: Buffer | undefined;
  let position = 0;
  let hasMore = false;
  let truncated = false;
  let done = false;
  const countAll = size <= COUNT_ALL_LINES_UP_TO;
  const chunk = Buffer.allocUnsafe(CHUNK_BYTES);

  const takeLine = (bytes: Buffer): void => {
    lineNumber += 1;
    if (lineNumber < first || done) {
      if (done && lineNumber >= first) hasMore = true;
      return;
    }
    if (lines.length >= take) {
      hasMore = true;
      done = true;
      return;
    }
    if (collectedBytes + bytes.length > maxBytes) {
      truncated = true;
      hasMore = true;
      done = true;
      return;
    }
    collectedBytes += bytes.length + 1;
    lines.push(decodeLine(bytes));
  };

  while (position < size) {
    const bytesRead = await reader.readAt(chunk, 0, CHUNK_BYTES, position);
    if (bytesRead === 0) break;
    position += bytesRead;
    let view = chunk.subarray(0, bytesRead);
    let start = 0;
    for (;;) {
      const index = view.indexOf(NEWLINE, start);
      if (index === -1) break;
      const piece = view.subarray(start, index);
      takeLine(carry ? Buffer.concat([carry, piece]) : piece);
      carry = undefined;
      start = index + 1;
      if (done && !countAll) break;
    }
    if (done && !countAll) break;
    if (start < view.length) {
      view = view.subarray(start);
      // Lines longer than the cap are never returned whole; keep only what could still matter.
      const kept = carry ? Buffer.concat([carry, view]) : Buffer.from(view);
      carry = kept.length > maxBytes + 1 ? kept.subarray(0, maxBytes + 1) : kept;
    }
  }
  if (carry && carry.length > 0) takeLine(carry);
  const reachedEnd = position >= size;
  return {
    lines,
    firstLine: first,
    hasMore,
    totalLines: reachedEnd && countAll ? lineNumber : undefined,
    truncated,
  };
}

/**
 * Reads the last `count` lines by walking backwards from the end in 64 KiB chunks; a final
 * newline does not count as an extra empty line. Stops once `maxBytes` have been read.
 */
export async function readLastLines(
  reader: PositionalReader,
  size: number,
  count: number,
  maxBytes: number,
): Promise<{ lines: string[]; truncated: boolean }> {
  if (size === 0 || count <= 0) return { lines: [], truncated: false };
  const chunks: Buffer[] = [];
  let position = size;
  let newlines = 0;
  let read = 0;
  let truncated = false;
  let trailingNewline: boolean | undefined;
  while (position > 0) {
    const length = Math.min(CHUNK_BYTES, position);
    position -= length;
    const buffer = Buffer.allocUnsafe(length);
    const bytesRead = await reader.readAt(buffer, 0, length, position);
    const data = buffer.subarray(0, bytesRead);
    if (trailingNewline === undefined) trailingNewline = data[data.length - 1] === NEWLINE;
    chunks.unshift(data);
    read += bytesRead;
    for (let index = data.indexOf(NEWLINE); index !== -1; index = data.indexOf(NEWLINE, index + 1))
      newlines += 1;
    if (newlines >= count + (trailingNewline ? 1 : 0)) break;
    if (read > maxBytes) {
      truncated = true;
      break;
    }
  }
  const text = Buffer.concat(chunks);
  const body = trailingNewline ? text.subarray(0, text.length - 1) : text;
  const parts: Buffer[] = [];
  let end = body.length;
  let reachedStart = false;
  while (parts.length < count) {
    const index = end === 0 ? -1 : body.lastIndexOf(NEWLINE, end - 1);
    if (index === -1) {
      reachedStart = true;
      // Only a whole line if we read from the very start of the file.
      if (position === 0) parts.push(body.subarray(0, end));
      break;
    }
    parts.push(body.subarray(index + 1, end));
    end = index;
  }
  const lines = parts.reverse().map(decodeLine);
  truncated = truncated && reachedStart;
  return { lines, truncated };
}
