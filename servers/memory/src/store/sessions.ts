import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSessionName, type MemoryPaths } from './paths.js';

/** A transcript file on disk. */
export interface SessionFile {
  session: string;
  size: number;
  mtimeMs: number;
}

/** Every transcript on disk with its size and modification time. */
export function sessionsOnDisk(paths: MemoryPaths): SessionFile[] {
  let names: string[] = [];
  try {
    names = readdirSync(paths.transcriptsDir);
  } catch {
    return [];
  }
  const sessions: SessionFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const session = name.slice(0, -'.jsonl'.length);
    if (!isSessionName(session)) continue;
    try {
      const stat = statSync(join(paths.transcriptsDir, name));
      sessions.push({ session, size: stat.size, mtimeMs: stat.mtimeMs });
    } catch {
      // Deleted between readdir and stat.
    }
  }
  return sessions;
}
