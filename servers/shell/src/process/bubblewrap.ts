import { realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findExecutable } from '@meshwork/kit';
import {
  HOME_SECRET_PATHS,
  HOST_SOCKET_PATHS,
  renderBubblewrapArgs,
  type SandboxMask,
} from '@meshwork/permissions';
import { ShellError } from '../errors.js';

/** How `--sandbox` confines each command with bubblewrap. */
export interface BubblewrapConfig {
  /** Absolute path of the bwrap binary. */
  bwrapPath: string;
  /** Directories that stay writable; everything else is mounted read-only. */
  writableRoots: readonly string[];
  /** Home secrets that exist at startup, masked in every command's view. */
  masks: readonly SandboxMask[];
}

/**
 * The home secrets ({@link HOME_SECRET_PATHS}) under `home` and the host sockets that exist, by the
 * path they resolve to (bwrap mounts there; `/var/run/x` and `/run/x` are one mount), each once.
 */
function homeSecretMasks(home: string | undefined): SandboxMask[] {
  const masks = new Map<string, SandboxMask>();
  const candidates = [
    ...(home ? HOME_SECRET_PATHS.map((secret) => join(home, secret)) : []),
    ...HOST_SOCKET_PATHS,
  ];
  for (const candidate of candidates) {
    try {
      const path = realpathSync(candidate);
      masks.set(path, { path, directory: statSync(path).isDirectory() });
    } catch {
      // not there: nothing to mask
    }
  }
  return [...masks.values()];
}

/**
 * Resolves bubblewrap for `--sandbox`. Without bwrap on PATH this throws: a sandbox that was asked
 * for is never silently dropped.
 */
export function createBubblewrapConfig(
  pathValue: string | undefined,
  writableRoots: readonly string[],
  home?: string,
): BubblewrapConfig {
  const bwrapPath = findExecutable('bwrap', pathValue);
  if (!bwrapPath) {
    throw new ShellError(
      'E_NO_SANDBOX',
      '--sandbox needs bubblewrap (bwrap) on PATH, and it was not found. Install it (for example `apt-get install bubblewrap`) or run without --sandbox. Refusing to run commands unsandboxed.',
    );
  }
  return { bwrapPath, writableRoots, masks: homeSecretMasks(home) };
}

/**
 * The bwrap command line that runs `command` in the OS sandbox of `@meshwork/permissions` (the one
 * the coordinator runs every server in): the whole file system read-only except the roots, a
 * private /tmp, the home secrets masked, its own /dev, a PID namespace with a fresh /proc, a new
 * session, killed with the server. The environment is the one the server already scrubbed, and the
 * network stays (a standalone server has no profile that could grant it).
 */
export function bubblewrapCommand(
  config: BubblewrapConfig,
  cwd: string,
  command: readonly string[],
): string[] {
  return [
    config.bwrapPath,
    ...renderBubblewrapArgs(
      {
        keep: config.writableRoots.filter((root) => root === '/tmp' || root.startsWith('/tmp/')),
        writable: config.writableRoots,
        hidden: [],
        exposed: [],
        masks: config.masks,
        network: true,
        cwd,
      },
      command,
    ),
  ];
}
