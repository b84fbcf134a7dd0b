import { stat } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { ShellError } from '../errors.js';
import type { Explanation } from '../policy/policy.js';
import type { ShellRuntime } from '../runtime.js';

/**
 * Refuses a git command whose repository the agent may write. A repository's config and
 * attributes name commands git runs (core.fsmonitor, diff.external, textconv and filter drivers,
 * hooks), so a `.git` inside the write grant (a nested repository planted under `src/`) would turn
 * an allowed `git status` into any command. The environment overrides the keys it can (see
 * scrubEnvironment); this covers the rest by refusing.
 */
export async function checkGitRepositories(runtime: ShellRuntime, explanation: Explanation): Promise<void> {
  for (const command of explanation.commands) {
    const at = command.argv.findIndex((word) => basename(word) === 'git');
    if (at === -1) continue;
    const args = command.argv.slice(at + 1);
    let directory = explanation.cwd;
    let gitDirectory: string | undefined;
    for (let index = 0; index < args.length; index += 1) {
      const value = args[index]!;
      if (!value.startsWith('-')) break;
      if (value === '-C' && args[index + 1] !== undefined) {
        directory = resolve(directory, args[index + 1]!);
        index += 1;
      } else if (value === '--git-dir' && args[index + 1] !== undefined) {
        gitDirectory = resolve(directory, args[index + 1]!);
        index += 1;
      } else if (value.startsWith('--git-dir=')) gitDirectory = resolve(directory, value.slice(10));
      else if (['-c', '--work-tree', '--namespace', '--config-env'].includes(value)) index += 1;
    }
    const found = gitDirectory ?? (await findGitDirectory(directory));
    if (found === undefined) continue;
    const paths = runtime.policy.paths;
    if (
      [found, join(found, 'config'), join(found, 'info', 'attributes')].some((path) =>
        paths.mayBeWritten(path),
      )
    ) {
      throw new ShellError(
        'E_DENIED',
        `git would use the repository ${found}, which this server may write: its config and hooks could run any command. Run git in a repository outside the write grant. Nothing was run.`,
      );
    }
    if (isAbsolute(found) && paths.mayBeWritten(join(dirname(found), '.gitattributes'))) {
      throw new ShellError(
        'E_DENIED',
        `git would read ${join(dirname(found), '.gitattributes')}, which this server may write: attributes name filter and diff drivers that run commands. Nothing was run.`,
      );
    }
  }
}

/** The `.git` (directory or file) git finds from `start`, walking up, if any. */
async function findGitDirectory(start: string): Promise<string | undefined> {
  let current = start;
  for (;;) {
    const candidate = join(current, '.git');
    try {
      await stat(candidate);
      return candidate;
    } catch {
      const parent = dirname(current);
      if (parent === current) return undefined;
      current = parent;
    }
  }
}
