import { closeSync, openSync, writeSync } from 'node:fs';

/** The run's `events.jsonl`: one JSON line per event, in emission order. */
export interface EventLog {
  /** Queues one line; it reaches the file by the end of the current turn of the event loop. */
  append(line: string): void;
  /** Writes what is queued and closes the file. Later appends are dropped. */
  close(): void;
  /** Problems writing the log (the run goes on without it). */
  warnings(): string[];
}

/**
 * Creates the log. Lines queued in one turn of the event loop leave in one synchronous append on a
 * descriptor kept open, like the transcripts (transcript.ts): with many agents a turn emits four
 * events, and an fs.WriteStream paid a thread-pool round trip for each. A write that fails is kept
 * as a warning and never fails the run.
 */
export function createEventLog(file: string): EventLog {
  let descriptor: number | undefined;
  let queued: string[] = [];
  let scheduled = false;
  let closed = false;
  const warnings: string[] = [];

  const flush = () => {
    scheduled = false;
    if (queued.length === 0) return;
    const text = queued.join('');
    queued = [];
    try {
      descriptor ??= openSync(file, 'a');
      writeSync(descriptor, text);
    } catch (error) {
      if (warnings.length < 5) warnings.push(`events: ${(error as Error).message}`);
    }
  };

  return {
    append(line) {
      if (closed) return;
      queued.push(line);
      if (scheduled) return;
      scheduled = true;
      setImmediate(flush);
    },
    close() {
      if (closed) return;
      closed = true;
      flush();
      if (descriptor !== undefined) closeSync(descriptor);
      descriptor = undefined;
    },
    warnings: () => [...warnings],
  };
}
