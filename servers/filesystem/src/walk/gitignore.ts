import { constants } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';

const MAX_IGNORE_FILE_BYTES = 1024 * 1024;

/** The .gitignore rules of one directory. */
export interface IgnoreLevel {
  /** Real path of the directory holding the .gitignore. */
  base: string;
  rules: Ignore;
}

/**
 * Reads `<directory>/.gitignore` without following a symlink; undefined when there is none or
 * it cannot be read. Its content only filters results and is never shown.
 */
export async function loadIgnoreLevel(directory: string): Promise<IgnoreLevel | undefined> {
  try {
    const text = await readFile(path.join(directory, '.gitignore'), {
      encoding: 'utf8',
      flag: constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK,
    });
    if (text.length > MAX_IGNORE_FILE_BYTES) return undefined;
    return { base: directory, rules: ignore().add(text) };
  } catch {
    return undefined;
  }
}

/**
 * Applies a stack of .gitignore levels (outermost first) to a real path, git-style: a deeper
 * level's negation (`!keep.log`) can re-include what an outer level ignored.
 */
export function isIgnored(levels: readonly IgnoreLevel[], real: string, isDirectory: boolean): boolean {
  let ignored = false;
  for (const level of levels) {
    if (!real.startsWith(`${level.base}/`) && level.base !== '/') continue;
    const relative = level.base === '/' ? real.slice(1) : real.slice(level.base.length + 1);
    const result = level.rules.test(isDirectory ? `${relative}/` : relative);
    if (result.ignored) ignored = true;
    else if (result.unignored) ignored = false;
  }
  return ignored;
}
