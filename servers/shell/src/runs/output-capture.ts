import { createWriteStream, type WriteStream } from 'node:fs';
import { Writable } from 'node:stream';

/** Options for {@link OutputCapture}. */
export interface OutputCaptureOptions {
  /** Bytes kept in memory and returned: half from the head, half from the tail. */
  limitBytes: number;
  /** Called once, when the output first exceeds the limit, for the file that gets the full output. */
  spillPath(): string;
  /** Sees every chunk as it arrives (for progress notifications). */
  onData?: (chunk: Buffer) => void;
}

/** What a capture holds once its stream has ended. */
export interface CapturedOutput {
  text: string;
  totalBytes: number;
  /** Bytes left out of `text` (0 when everything fit). */
  cutBytes: number;
  /** The file with the complete output, when it did not fit. */
  file: string | undefined;
}

/**
 * A sink for one output stream with bounded memory: everything up to the limit stays in memory;
 * past it, the full stream goes to a file and only a head and a tail are kept. Backpressure from
 * the file is passed on to the producer through the stream machinery.
 */
export class OutputCapture extends Writable {
  private readonly options: OutputCaptureOptions;
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private head: Buffer = Buffer.alloc(0);
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private file: WriteStream | undefined;
  private path: string | undefined;
  private total = 0;

  constructor(options: OutputCaptureOptions) {
    super();
    this.options = options;
    this.headLimit = Math.ceil(options.limitBytes / 2);
    this.tailLimit = Math.floor(options.limitBytes / 2);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.total += chunk.length;
    this.options.onData?.(chunk);
    if (!this.file) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.buffered <= this.options.limitBytes) {
        callback();
        return;
      }
      const all = Buffer.concat(this.chunks);
      this.chunks = [];
      this.head = Buffer.from(all.subarray(0, this.headLimit));
      this.keepTail(all.subarray(this.headLimit));
      this.path = this.options.spillPath();
      this.file = createWriteStream(this.path, { mode: 0o600 });
      this.file.on('error', (error) => this.destroy(error));
      this.writeToFile(all, callback);
      return;
    }
    this.keepTail(chunk);
    this.writeToFile(chunk, callback);
  }

  override _final(callback: (error?: Error | null) => void): void {
    if (this.file) this.file.end(() => callback());
    else callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    this.file?.destroy();
    callback(error);
  }

  /** The captured output: all of it, or head + marker + tail with the cut counted. */
  result(): CapturedOutput {
    if (!this.file) {
      return {
        text: Buffer.concat(this.chunks).toString('utf8'),
        totalBytes: this.total,
        cutBytes: 0,
        file: undefined,
      };
    }
    const tail = Buffer.concat(this.tail);
    const kept = tail.subarray(Math.max(0, tail.length - this.tailLimit));
    const cutBytes = this.total - this.head.length - kept.length;
    const marker = `\n[… ${cutBytes} bytes cut; the full output is in ${this.path} …]\n`;
    return {
      text: `${this.head.toString('utf8')}${marker}${kept.toString('utf8')}`,
      totalBytes: this.total,
      cutBytes,
      file: this.path,
    };
  }

  private writeToFile(chunk: Buffer, callback: (error?: Error | null) => void): void {
    if (this.file!.write(chunk)) callback();
    else this.file!.once('drain', () => callback());
  }

  private keepTail(chunk: Buffer): void {
    if (this.tailLimit === 0 || chunk.length === 0) return;
    this.tail.push(
      chunk.length > this.tailLimit ? Buffer.from(chunk.subarray(chunk.length - this.tailLimit)) : chunk,
    );
    this.tailBytes += Math.min(chunk.length, this.tailLimit);
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= this.tailLimit) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }
}
