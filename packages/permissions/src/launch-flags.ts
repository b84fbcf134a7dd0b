import { PermissionsError } from './errors.js';
import { intersectLaunchLimits } from './launch-limits.js';
import { MEMORY_LIMIT_FLAG } from './memory-limits.js';
import type { FilesystemLaunchLimits, LaunchLimits, ShellLaunchLimits } from './types.js';

/**
 * The flags that carry a profile's launch limits to a meshwork server. The coordinator appends them
 * to the configured launch ({@link renderLaunchFlags}); the server parses them with these option
 * specs and intersects its own configured launch with them ({@link applyFilesystemLimits},
 * {@link applyShellLimits}), so a profile can never widen what a server was started with. They
 * are distinct from the server's own flags, so the coordinator never parses a command line.
 */
export const LAUNCH_LIMIT_FLAGS = {
  root: 'limit-root',
  deny: 'limit-deny',
  readOnly: 'limit-read-only',
  allow: 'limit-allow',
  write: 'limit-write',
  denyPath: 'limit-deny-path',
} as const;

/** `node:util` parseArgs options of the filesystem server's launch limits. */
export const FILESYSTEM_LIMIT_OPTIONS = {
  [LAUNCH_LIMIT_FLAGS.root]: { type: 'string', multiple: true },
  [LAUNCH_LIMIT_FLAGS.deny]: { type: 'string', multiple: true },
  [LAUNCH_LIMIT_FLAGS.readOnly]: { type: 'boolean' },
} as const;

/** `node:util` parseArgs options of the shell server's launch limits. */
export const SHELL_LIMIT_OPTIONS = {
  [LAUNCH_LIMIT_FLAGS.root]: { type: 'string', multiple: true },
  [LAUNCH_LIMIT_FLAGS.deny]: { type: 'string', multiple: true },
  [LAUNCH_LIMIT_FLAGS.allow]: { type: 'string', multiple: true },
  [LAUNCH_LIMIT_FLAGS.write]: { type: 'string', multiple: true },
  [LAUNCH_LIMIT_FLAGS.readOnly]: { type: 'boolean' },
  [LAUNCH_LIMIT_FLAGS.denyPath]: { type: 'string', multiple: true },
} as const;

const LIMITS_NOTE =
  'Launch limits (added by the coordinator from a permission profile; they only narrow the flags above):';

/** Help text of {@link FILESYSTEM_LIMIT_OPTIONS}. */
export const FILESYSTEM_LIMIT_USAGE = `${LIMITS_NOTE}
  --limit-root <dir>      keep only the roots inside this directory (repeatable; relative = inside each root)
  --limit-deny <glob>     refuse matching paths too (repeatable)
  --limit-read-only       serve read-only`;

/** Help text of {@link SHELL_LIMIT_OPTIONS}. */
export const SHELL_LIMIT_USAGE = `${LIMITS_NOTE}
  --limit-root <dir>      keep only the roots inside this directory (repeatable; relative = inside each root)
  --limit-deny <glob>     deny matching commands too (repeatable)
  --limit-allow <glob>    allow only commands the configured policy and these patterns both allow (repeatable)
  --limit-write <glob>    commands write only paths the configured grant and these globs both allow (repeatable)
  --limit-read-only       no command writes a file
  --limit-deny-path <glob> commands may not name, read or write matching paths (repeatable)`;

/**
 * Why `limits` leave nothing for the server to do (no root, or no command), or undefined. A server
 * whose limits are unreachable must not be started for that profile.
 */
export function unreachableReason(limits: LaunchLimits): string | undefined {
  if (limits.kind === 'none' || limits.kind === 'memory') return undefined;
  if (limits.roots !== undefined && limits.roots.length === 0) return 'no root is reachable';
  if (limits.kind === 'shell' && limits.allow !== undefined && limits.allow.length === 0)
    return 'no command is allowed';
  return undefined;
}

/**
 * Renders launch limits as the flags appended to a server's configured arguments. Kind `none`
 * renders nothing. Throws {@link PermissionsError} `E_LAUNCH_LIMITS` for unreachable limits
 * (see {@link unreachableReason}): an empty list has no flag form, and such a server is not started.
 */
export function renderLaunchFlags(limits: LaunchLimits): string[] {
  if (limits.kind === 'none') return [];
  if (limits.kind === 'memory')
    return limits.transcriptProfile === undefined
      ? []
      : [`--${MEMORY_LIMIT_FLAG}=${limits.transcriptProfile}`];
  const unreachable = unreachableReason(limits);
  if (unreachable !== undefined)
    throw new PermissionsError('E_LAUNCH_LIMITS', `cannot render launch limits: ${unreachable}`);
  const repeated = (flag: string, values: readonly string[] | undefined) =>
    (values ?? []).flatMap((value) => [`--${flag}=${value}`]);
  const flags = [...repeated(LAUNCH_LIMIT_FLAGS.root, limits.roots)];
  if (limits.kind === 'filesystem' && limits.readOnly) flags.push(`--${LAUNCH_LIMIT_FLAGS.readOnly}`);
  if (limits.kind === 'shell') {
    flags.push(...repeated(LAUNCH_LIMIT_FLAGS.allow, limits.allow));
    if (limits.write !== undefined && limits.write.length === 0)
      flags.push(`--${LAUNCH_LIMIT_FLAGS.readOnly}`);
    else flags.push(...repeated(LAUNCH_LIMIT_FLAGS.write, limits.write));
  }
  flags.push(...repeated(LAUNCH_LIMIT_FLAGS.deny, limits.deny));
  if (limits.kind === 'shell') flags.push(...repeated(LAUNCH_LIMIT_FLAGS.denyPath, limits.denyPaths));
  return flags;
}

/** The parsed values of {@link FILESYSTEM_LIMIT_OPTIONS} or {@link SHELL_LIMIT_OPTIONS}. */
export interface LaunchLimitValues {
  'limit-root'?: string[];
  'limit-deny'?: string[];
  'limit-read-only'?: boolean;
  'limit-allow'?: string[];
  'limit-write'?: string[];
  'limit-deny-path'?: string[];
}

/** The filesystem server's configured launch, as its own flags say. */
export interface FilesystemLaunch {
  /** Absolute roots, in order (the first one resolves relative paths). */
  roots: string[];
  readOnly: boolean;
  deny: string[];
}

/** The shell server's configured launch (flags and `--policy` file together). */
export interface ShellLaunch {
  /** Absolute roots, in order. */
  roots: string[];
  /**
   * Allowed command patterns; empty allows nothing here (a server with a default set of its own
   * passes that set, so limits narrow it rather than replace it).
   */
  allow: string[];
  deny: string[];
  /**
   * Layers of path globs commands may write; a write must match every layer (the `--policy` file,
   * the flags and the launch limits each add one). No layer = nothing is writable.
   */
  write?: string[][];
  /** Path globs commands may not name (read or write). */
  denyPaths?: string[];
}

function limitError(kind: string, reason: string): PermissionsError {
  return new PermissionsError(
    'E_LAUNCH_LIMITS',
    `the launch limits leave this ${kind} server nothing to serve: ${reason}. Widen the profile's rules or launch settings, or the server's own flags.`,
  );
}

/**
 * Intersects a filesystem server's configured launch with the launch limits in `values`; the
 * configured launch unchanged when no limit flag was given. Throws `E_LAUNCH_LIMITS` when the
 * limits leave none of the configured roots.
 */
export function applyFilesystemLimits(launch: FilesystemLaunch, values: LaunchLimitValues): FilesystemLaunch {
  const given =
    values['limit-root'] !== undefined ||
    values['limit-deny'] !== undefined ||
    values['limit-read-only'] === true;
  if (!given) return launch;
  const base: FilesystemLaunchLimits = { kind: 'filesystem', ...launch };
  const limits: FilesystemLaunchLimits = {
    kind: 'filesystem',
    readOnly: values['limit-read-only'] === true,
    deny: values['limit-deny'] ?? [],
    ...(values['limit-root'] === undefined ? {} : { roots: values['limit-root'] }),
  };
  const result = intersectLaunchLimits(base, limits);
  const roots = result.roots ?? launch.roots;
  if (roots.length === 0 && launch.roots.length > 0)
    throw limitError('filesystem', 'no root is inside a --limit-root');
  return { roots, readOnly: result.readOnly, deny: result.deny };
}

/**
 * Intersects a shell server's configured launch with the launch limits in `values`. A configured
 * launch with no allow rule (the default read-only set) takes the limit's allow-list as it is.
 * Throws `E_LAUNCH_LIMITS` when no root or no command is left.
 */
export function applyShellLimits(launch: ShellLaunch, values: LaunchLimitValues): ShellLaunch {
  const write = [...(launch.write ?? [])];
  if (values['limit-read-only'] === true) write.push([]);
  else if (values['limit-write'] !== undefined) write.push([...values['limit-write']]);
  const denyPaths = [...new Set([...(launch.denyPaths ?? []), ...(values['limit-deny-path'] ?? [])])];
  const given =
    values['limit-root'] !== undefined ||
    values['limit-deny'] !== undefined ||
    values['limit-allow'] !== undefined;
  if (!given) return { ...launch, write, denyPaths };
  const base: ShellLaunchLimits = {
    kind: 'shell',
    roots: launch.roots,
    deny: launch.deny,
    // An empty configured list allows nothing: limits can only narrow it, never fill it in.
    allow: launch.allow,
  };
  const limits: ShellLaunchLimits = {
    kind: 'shell',
    deny: values['limit-deny'] ?? [],
    ...(values['limit-root'] === undefined ? {} : { roots: values['limit-root'] }),
    ...(values['limit-allow'] === undefined ? {} : { allow: values['limit-allow'] }),
  };
  const result = intersectLaunchLimits(base, limits);
  const roots = result.roots ?? launch.roots;
  if (roots.length === 0 && launch.roots.length > 0)
    throw limitError('shell', 'no root is inside a --limit-root');
  const allow = result.allow ?? launch.allow;
  if (allow.length === 0 && (launch.allow.length > 0 || values['limit-allow'] !== undefined))
    throw limitError('shell', 'no configured command pattern is within a --limit-allow');
  return { roots, allow, deny: result.deny, write, denyPaths };
}
