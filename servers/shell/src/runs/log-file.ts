import { EventEmitter, once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Writable } from 'node:stream';

/** A slice of a log read from an offset. */
export interface LogSlice {
  text: string;
  /** Offset to pass as `since` next time. */
  next: number;
  /** Bytes written so far (on disk). */
  total: number;
}

/**
 * The combined output of a background process, appended to a file as it arrives. Memory stays
 * flat: nothing is kept but counters; readers read the file from an offset.
 */
export class LogFile extends Writable {
  readonly path: string;
  private readonly file: WriteStream;
  private readonly events = new EventEmitter();
  private flushed = 0;

  constructor(path: string) {
    super();
    this.path = path;
    this.file = createWriteStream(path, { mode: 0o600 });
    this.file.on('error', (error) => this.destroy(error));
  }

  /** Bytes on disk so far. */
  get size(): number {
    return this.flushed;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.file.write(chunk, (error) => {
      if (error) return callback(error);
      this.flushed += chunk.length;
      this.events.emit('data');
      callback();
    });
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.file.end(() => {
      this.events.emit('data');
      callback();
    });
  }

  /** Resolves when more bytes than `offset` are on disk, the log ends, or `timeoutMs` passes. */
  async waitBeyond(offset: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (this.flushed > offset || this.writableFinished || timeoutMs <= 0) return;
    const abort = AbortSignal.any([AbortSignal.timeout(timeoutMs), ...(signal ? [signal] : [])]);
    while (this.flushed <= offset && !this.writableFinished && !abort.aborted) {
      await once(this.events, 'data', { signal: abort }).catch(() => undefined);
    }
  }

  /** Reads up to `maxBytes` from `since`, ending on a whole UTF-8 character. */
  async read(since: number, maxBytes: number): Promise<LogSlice> {
    const total = this.flushed;
    const start = Math.min(Math.max(0, since), total);
    const length = Math.min(maxBytes, total - start);
    if (length <= 0) return { text: '', next: start, total };
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(length);
      const { bytesRead } = await handle.read(buffer, 0, length, start);
      const end = start + bytesRead < total ? wholeCharacterEnd(buffer, bytesRead) : bytesRead;
      return { text: buffer.subarray(0, end).toString('utf8'), next: start + end, total };
    } finally {
      await handle.close();
    }
  }
}

/** Length of `buffer[0..length)` without a trailing, incomplete UTF-8 sequence. */
function wholeCharacterEnd(buffer: Buffer, length: number): number {
  for (let back = 1; back <= Math.min(3, length); back += 1) {
    const byte = buffer[length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return needed > back ? length - back : length;
  }
  return length;
}
