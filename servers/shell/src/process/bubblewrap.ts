import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { ShellError } from '../errors.js';

/** How `--sandbox` confines each command with bubblewrap. */
export interface BubblewrapConfig {
  /** Absolute path of the bwrap binary. */
  bwrapPath: string;
  /** Directories that stay writable; everything else is mounted read-only. */
  writableRoots: readonly string[];
}

/** Finds an executable on a PATH string; undefined when it is not there. */
export function findExecutable(name: string, pathValue: string | undefined): string | undefined {
  for (const directory of (pathValue ?? '').split(delimiter)) {
    if (!directory) continue;
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

/**
 * Resolves bubblewrap for `--sandbox`. Without bwrap on PATH this throws: a sandbox that was asked
 * for is never silently dropped.
 */
export function createBubblewrapConfig(
  pathValue: string | undefined,
  writableRoots: readonly string[],
): BubblewrapConfig {
  const bwrapPath = findExecutable('bwrap', pathValue);
  if (!bwrapPath) {
    throw new ShellError(
      'E_NO_SANDBOX',
      '--sandbox needs bubblewrap (bwrap) on PATH, and it was not found. Install it (for example `apt-get install bubblewrap`) or run without --sandbox. Refusing to run commands unsandboxed.',
    );
  }
  return { bwrapPath, writableRoots };
}

/**
 * The bwrap command line that runs `command` with the whole file system read-only except the
 * roots, a private /tmp, its own /dev and /proc, and a PID namespace that dies with the server.
 */
export function bubblewrapCommand(
  config: BubblewrapConfig,
  cwd: string,
  command: readonly string[],
): string[] {
  const binds = config.writableRoots.flatMap((root) => ['--bind', root, root]);
  return [
    config.bwrapPath,
    '--die-with-parent',
    '--unshare-pid',
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
    ...binds,
    '--chdir',
    cwd,
    '--',
    ...command,
  ];
}
