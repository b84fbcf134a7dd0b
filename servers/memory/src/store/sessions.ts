import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { assertContainedDirectory, statContained } from './contained-file.js';
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
    assertContainedDirectory(paths, paths.transcriptsDir);
    names = readdirSync(paths.transcriptsDir);
  } catch {
    return [];
  }
  const sessions: SessionFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.jsonl')) continue;
    const session = name.slice(0, -'.jsonl'.length);
    if (!isSessionName(session)) continue;
    // Gone between readdir and stat, or a link / hard-linked file the server does not use.
    const stat = statContained(paths, join(paths.transcriptsDir, name));
    if (stat !== undefined) sessions.push({ session, size: stat.size, mtimeMs: stat.mtimeMs });
  }
  return sessions;
}
