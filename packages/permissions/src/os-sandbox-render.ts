/** A masked path as found at launch. */
export interface SandboxMask {
  path: string;
  directory: boolean;
}

/**
 * The mounts of one sandbox, every path checked against the file system at launch (see
 * `deriveSandboxView` for what they are derived from). The renderer trusts them as given.
 */
export interface SandboxMounts {
  /** Paths bound back read-only over the private /tmp (the project, the server's install). */
  keep: readonly string[];
  /** Existing paths bound writable. */
  writable: readonly string[];
  /** Existing directories replaced by an empty tmpfs (`.meshwork/`). */
  hidden: readonly string[];
  /** Existing paths inside a hidden directory bound back writable. */
  exposed: readonly string[];
  /** Existing paths masked: a directory by an empty tmpfs, a file by `/dev/null`. */
  masks: readonly SandboxMask[];
  network: boolean;
  /** The whole environment (`--clearenv`, then these); absent = inherited as the caller built it. */
  env?: Readonly<Record<string, string>>;
  /** Working directory inside the sandbox. */
  cwd: string;
}

/**
 * The bubblewrap arguments (after the `bwrap` program itself) that run `command` in `mounts`:
 * the whole file system read-only, a private /tmp, its own /dev, a PID namespace with a fresh
 * /proc (no ancestor is visible), a new session (no terminal injection), killed with its parent,
 * the environment cleared and rebuilt, and no network unless granted. Later mounts win, so the
 * order is: base, kept paths, writable paths, hidden directories, exposed paths, masks.
 */
export function renderBubblewrapArgs(mounts: SandboxMounts, command: readonly string[]): string[] {
  const args = [
    '--die-with-parent',
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(mounts.network ? [] : ['--unshare-net']),
    '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
  ];
  for (const path of mounts.keep) args.push('--ro-bind', path, path);
  for (const path of mounts.writable) args.push('--bind', path, path);
  for (const path of mounts.hidden) args.push('--tmpfs', path);
  for (const path of mounts.exposed) args.push('--bind', path, path);
  for (const mask of mounts.masks) {
    if (mask.directory) args.push('--tmpfs', mask.path, '--remount-ro', mask.path);
    else args.push('--ro-bind', '/dev/null', mask.path);
  }
  if (mounts.env !== undefined) {
    args.push('--clearenv');
    for (const [name, value] of Object.entries(mounts.env)) args.push('--setenv', name, value);
  }
  args.push('--chdir', mounts.cwd, '--', ...command);
  return args;
}
