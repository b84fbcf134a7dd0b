import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** One line of the memory server's `dreams.jsonl`. */
export interface DreamRecord {
  kind: string;
  dream_id: string;
  outcome: string;
  started_at?: string | null;
  ended_at?: string;
  summary?: string;
  changes?: Array<{ path: string; change: string; diff?: string }>;
  restored?: boolean;
  [key: string]: unknown;
}

/**
 * Reads the dream records of a memory directory, oldest first. `dreams.jsonl` is one of the plain
 * files of the memory (meant for people and git), and the memory server offers no tool to list it.
 */
export async function readDreamLog(memoryDirectory: string): Promise<DreamRecord[]> {
  let text: string;
  try {
    text = await readFile(join(memoryDirectory, 'dreams.jsonl'), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const records: DreamRecord[] = [];
  for (const line of text.split('\n')) {
    if (line.trim().length === 0) continue;
    try {
      records.push(JSON.parse(line) as DreamRecord);
    } catch {
      // A torn last line from a crash: skip it.
    }
  }
  return records;
}

/**
 * What an undo did to a file. A restore's changes come from the memory server as the difference
 * between the memory before the undo and the snapshot it goes back to, so a file the dream had
 * "added" is one the undo removed, and so on.
 */
export function undoneChange(change: string): string {
  if (change === 'added') return 'removed';
  if (change === 'removed') return 'restored';
  if (change === 'modified') return 'reverted';
  return change;
}

/** A record as people read it; with `withDiff`, each change's diff follows. */
export function formatDreamRecord(record: DreamRecord, withDiff: boolean): string {
  const lines = [
    `${record.dream_id}  ${record.kind === 'dream' ? record.outcome : `${record.kind} ${record.outcome ?? ''}`.trim()}  ${record.started_at ?? ''}${record.ended_at ? ` → ${record.ended_at}` : ''}`,
  ];
  if (record.summary) lines.push(`  ${record.summary.replace(/\n/g, '\n  ')}`);
  for (const change of record.changes ?? []) {
    const verb = record.kind === 'restore' ? undoneChange(change.change) : change.change;
    lines.push(`  ${verb.padEnd(8)} ${change.path}`);
    if (withDiff && change.diff) lines.push(change.diff.replace(/^/gm, '    ').trimEnd());
  }
  return `${lines.join('\n')}\n`;
}
