import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { AgentReport } from './types.js';

/** Adds the sha256 of each touched file as it is at the end of the run (missing files get none). */
export async function hashTouchedFiles(agents: AgentReport[], projectDir: string): Promise<void> {
  const cache = new Map<string, Promise<string | undefined>>();
  const hash = (path: string) => {
    const absolute = isAbsolute(path) ? path : resolve(projectDir, path);
    let pending = cache.get(absolute);
    if (!pending) {
      pending = readFile(absolute).then(
        (bytes) => createHash('sha256').update(bytes).digest('hex'),
        () => undefined,
      );
      cache.set(absolute, pending);
    }
    return pending;
  };
  for (const agent of agents) {
    for (const file of agent.filesTouched) {
      const digest = await hash(file.path);
      if (digest !== undefined) file.sha256 = digest;
    }
  }
}
