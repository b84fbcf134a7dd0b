import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { messageOf } from '../errors.js';
import type { ServerConnection } from '../servers/server-connection.js';

/** One transcript entry. */
export interface TranscriptEntry {
  role: string;
  content: string;
  ts?: string;
  meta?: Record<string, unknown>;
}

/** Options of {@link createTranscriptWriter}. */
export interface TranscriptWriterOptions {
  /**
   * The agent's transcript scope (`transcriptScopeOf` its profile), written on every entry: the
   * memory server launched for a profile shows only entries of that profile's scope (and tags what
   * it receives with its own scope in any case, so the tag cannot be forged through it).
   */
  profile?: string;
}

/** Appends a subagent's turns to `.meshwork/runs/<id>/agents/<agent>.jsonl` and, when the profile has memory, to memory layer 3. */
export interface TranscriptWriter {
  readonly file: string;
  readonly session: string;
  /**
   * Appends entries: to the file at once, to the memory server in the background (the turn does
   * not wait for it). The returned promise settles (never rejects) once the entries reached both;
   * a failure is kept in `warnings()`.
   */
  append(entries: TranscriptEntry[]): Promise<void>;
  /** Waits until everything appended reached the memory server. */
  flush(): Promise<void>;
  /** Flushes and closes the file; a later append reopens it. */
  close(): Promise<void>;
  /**
   * Sends entries to memory too, through `tool` of `connection`: the memory tool that declares the
   * `memory/append-transcript` role (known once the tool view is).
   */
  attachMemory(connection: ServerConnection, tool: string): void;
  /** Problems writing the transcript (the file is authoritative; memory is a copy). */
  warnings(): string[];
}

/** A file-system-safe form of an agent instance id. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
}

type Stamped = TranscriptEntry & { ts: string; profile?: string };

/**
 * Creates a writer. The file gets one synchronous append per call on a descriptor kept open: a
 * local append of a few kilobytes is cheaper done at once than handed to the thread pool, and the
 * order of lines is then trivially the order of calls. Memory entries queued while a call of the
 * memory's transcript tool is in flight are coalesced into the next call, one call at a time, so
 * memory keeps the same order.
 */
export function createTranscriptWriter(
  runDir: string,
  runId: string,
  agentId: string,
  options: TranscriptWriterOptions = {},
): TranscriptWriter {
  const file = join(runDir, 'agents', `${safeName(agentId)}.jsonl`);
  const session = safeName(`${runId}-${agentId}`);
  let memory: { connection: ServerConnection; tool: string } | undefined;
  let descriptor: number | undefined;
  let queued: Stamped[] = [];
  let draining: Promise<void> | undefined;
  const warnings: string[] = [];
  const warn = (text: string) => {
    if (warnings.length < 5) warnings.push(text);
  };

  function writeFile(batch: Stamped[]): void {
    try {
      if (descriptor === undefined) {
        mkdirSync(join(runDir, 'agents'), { recursive: true });
        descriptor = openSync(file, 'a');
      }
      writeSync(descriptor, batch.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
    } catch (error) {
      warn(`transcript: ${messageOf(error)}`);
    }
  }

  async function sendToMemory(target: { connection: ServerConnection; tool: string }, batch: Stamped[]) {
    try {
      const outcome = await target.connection.call(target.tool, {
        session,
        entries: batch.map((entry) => ({
          role: entry.role,
          content: entry.content,
          ts: entry.ts,
          ...(entry.meta ? { meta: entry.meta } : {}),
          ...(entry.profile === undefined ? {} : { profile: entry.profile }),
        })),
      });
      if (outcome.isError) warn(`memory transcript: ${outcome.text.slice(0, 200)}`);
    } catch (error) {
      warn(`memory transcript: ${messageOf(error)}`);
    }
  }

  async function drain(target: { connection: ServerConnection; tool: string }): Promise<void> {
    while (queued.length > 0) {
      const batch = queued;
      queued = [];
      await sendToMemory(target, batch);
    }
    // Cleared in the same synchronous step as the last emptiness check: an append that comes
    // later starts a new drain instead of joining one that is about to settle.
    draining = undefined;
  }

  const flush = (): Promise<void> => draining ?? Promise.resolve();

  return {
    file,
    session,
    attachMemory(connection, tool) {
      memory = { connection, tool };
    },
    append(entries) {
      const ts = new Date().toISOString();
      const tag = options.profile === undefined ? {} : { profile: options.profile };
      const stamped = entries.map((entry): Stamped => ({ ts, ...entry, ...tag }));
      writeFile(stamped);
      if (!memory) return Promise.resolve();
      queued.push(...stamped);
      draining ??= drain(memory);
      return draining;
    },
    flush,
    async close() {
      await flush();
      if (descriptor === undefined) return;
      try {
        closeSync(descriptor);
      } catch (error) {
        warn(`transcript: ${messageOf(error)}`);
      }
      descriptor = undefined;
    },
    warnings: () => [...warnings],
  };
}
