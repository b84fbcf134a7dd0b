import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The first executable file called `name` on a PATH string; undefined when there is none. */
export function findExecutable(name: string, pathValue: string | undefined): string | undefined {
  for (const directory of (pathValue ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; keep looking.
    }
  }
  return undefined;
}
