import { appendFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConnection } from '../mesh/server-connection.js';

/** One transcript entry. */
export interface TranscriptEntry {
  role: string;
  content: string;
  ts?: string;
  meta?: Record<string, unknown>;
}

/** Appends a subagent's turns to `.meshwork/runs/<id>/agents/<agent>.jsonl` and, when the profile has memory, to memory layer 3. */
export interface TranscriptWriter {
  readonly file: string;
  readonly session: string;
  /**
   * Queues entries; they are written in order in the background (the turn does not wait for the
   * disk or the memory server). The returned promise settles when these entries are written.
   */
  append(entries: TranscriptEntry[]): Promise<void>;
  /** Waits until everything queued is written. */
  flush(): Promise<void>;
  /** Connects the memory server's `append_transcript` (after the tool view is known). */
  attachMemory(connection: ServerConnection): void;
  /** Problems writing to memory (the file transcript is authoritative). */
  warnings(): string[];
}

/** A file-system-safe form of an agent instance id. */
export function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 100);
}

/** Creates a writer; entries are written in order (writes are chained). */
export function createTranscriptWriter(runDir: string, runId: string, agentId: string): TranscriptWriter {
  const file = join(runDir, 'agents', `${safeName(agentId)}.jsonl`);
  const session = safeName(`${runId}-${agentId}`);
  let memory: ServerConnection | undefined;
  let chain: Promise<void> = mkdir(join(runDir, 'agents'), { recursive: true }).then(() => {});
  const warnings: string[] = [];
  return {
    file,
    session,
    attachMemory(connection) {
      memory = connection;
    },
    append(entries) {
      const stamped = entries.map((entry) => ({ ts: new Date().toISOString(), ...entry }));
      chain = chain
        .catch(() => {})
        .then(async () => {
          await appendFile(file, stamped.map((entry) => `${JSON.stringify(entry)}\n`).join(''));
          if (memory) {
            const outcome = await memory.call('append_transcript', {
              session,
              entries: stamped.map((entry) => ({
                role: entry.role,
                content: entry.content,
                ts: entry.ts,
                ...(entry.meta ? { meta: entry.meta } : {}),
              })),
            });
            if (outcome.isError && warnings.length < 5)
              warnings.push(`memory transcript: ${outcome.text.slice(0, 200)}`);
          }
        });
      return chain;
    },
    flush: () =>
      chain.catch((error: unknown) => {
        warnings.push(`transcript: ${(error as Error).message}`);
      }),
    warnings: () => [...warnings],
  };
}
