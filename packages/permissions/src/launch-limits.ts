import { compileCommandPattern, normalizeCommandText } from './command-match.js';
import { PermissionsError } from './errors.js';
import { memoryLaunchLimits } from './memory-limits.js';
import { formatPath, isWithin, normalizePath } from './path-utils.js';
import type { Profile } from './profile.js';
import { compileNameGlob, parseRule } from './rule.js';
import { isReadCoveringDeny, SERVER_KIND_CONTRACTS, type ServerKind } from './server-kinds.js';
import type { FilesystemLaunchLimits, LaunchLimits, Rule, ShellLaunchLimits } from './types.js';

/** Options of {@link deriveLaunchLimits}. */
export interface DeriveLaunchLimitsOptions {
  /** The server's kind, as its `meshwork.json` entry declares it; absent = a third-party server. */
  kind?: ServerKind;
  /** Write tools of a filesystem server; default its {@link SERVER_KIND_CONTRACTS} entry. */
  writeTools?: readonly string[];
  /** Command-running tools of a shell server; default its {@link SERVER_KIND_CONTRACTS} entry. */
  runTools?: readonly string[];
}

interface GlobRule {
  rule: Rule;
  server: (name: string) => boolean;
  tool: (name: string) => boolean;
}

function rulesFor(texts: readonly string[] | undefined, serverName: string): GlobRule[] {
  return (texts ?? [])
    .map((text) => parseRule(text))
    .map((rule) => ({ rule, server: compileNameGlob(rule.server), tool: compileNameGlob(rule.tool) }))
    .filter((rule) => rule.server(serverName));
}

/**
 * Derives the launch limits of `serverName` from a profile: the narrowest limits that still let
 * every allow/ask rule work. The server intersects them with its own configured launch
 * ({@link intersectLaunchLimits}), so a profile can never widen what a server was started with.
 *
 * - filesystem: `readOnly` unless some allow/ask rule could match a write tool of the contract
 *   (or the profile says `readOnly: true`); `roots` from `launch.filesystem.roots`; `deny` =
 *   `launch.filesystem.deny` plus the patterns of deny rules on any tool but an exact write tool
 *   (`fs:*(.env)`, `fs:read_text_file(secrets/**)`: see `isReadCoveringDeny`).
 * - shell: `allow` = the patterns of allow/ask rules on run tools (absent when one of them has no
 *   pattern), narrowed by `launch.shell.allow`; `deny` = `launch.shell.deny` plus the patterns of
 *   deny rules on run tools; `roots` from `launch.shell.roots`.
 * - A server no allow/ask rule reaches gets roots `[]` (and, for shell, `allow: []`): nothing.
 * - memory: the profile's transcript scope ({@link memoryLaunchLimits}).
 * - third-party servers (no `kind`) have no launch limits.
 */
export function deriveLaunchLimits(
  profile: Profile,
  serverName: string,
  options: DeriveLaunchLimitsOptions = {},
): LaunchLimits {
  const kind = options.kind;
  if (kind === 'memory') return memoryLaunchLimits(profile);
  if (kind !== 'filesystem' && kind !== 'shell') return { kind: 'none' };
  const grants = [...rulesFor(profile.ask, serverName), ...rulesFor(profile.allow, serverName)];
  const denies = rulesFor(profile.deny, serverName);
  const reachable =
    grants.length > 0 &&
    (profile.servers === undefined || profile.servers.some((glob) => compileNameGlob(glob)(serverName)));

  if (kind === 'filesystem') {
    const settings = profile.launch?.filesystem;
    const writeTools = options.writeTools ?? SERVER_KIND_CONTRACTS.filesystem.writeTools;
    const writable = grants.some((grant) => writeTools.some((tool) => grant.tool(tool)));
    const deny = [
      ...(settings?.deny ?? []),
      ...denies.filter((rule) => isReadCoveringDeny(rule.rule)).map((rule) => rule.rule.pattern!),
    ];
    const limits: FilesystemLaunchLimits = {
      kind,
      readOnly: settings?.readOnly === true || !writable,
      deny: [...new Set(deny)],
    };
    if (!reachable) limits.roots = [];
    else if (settings?.roots !== undefined) limits.roots = [...settings.roots];
    return limits;
  }

  const settings = profile.launch?.shell;
  const runTools = options.runTools ?? SERVER_KIND_CONTRACTS.shell.runTools;
  const runs = (rule: GlobRule): boolean => runTools.some((tool) => rule.tool(tool));
  const runGrants = grants.filter(runs);
  let allow: string[] | undefined = runGrants.some((grant) => grant.rule.pattern === undefined)
    ? undefined
    : runGrants.map((grant) => grant.rule.pattern!);
  allow = intersectCommandPatterns(allow, settings?.allow);
  const deny = [
    ...(settings?.deny ?? []),
    ...denies
      .filter((rule) => runs(rule) && rule.rule.pattern !== undefined)
      .map((rule) => rule.rule.pattern!),
  ];
  const limits: ShellLaunchLimits = { kind, deny: [...new Set(deny)] };
  const fileLimits = deriveFileLimits(profile, serverName);
  if (fileLimits.write !== undefined) limits.write = fileLimits.write;
  if (fileLimits.denyPaths.length > 0) limits.denyPaths = fileLimits.denyPaths;
  if (!reachable) {
    limits.roots = [];
    limits.allow = [];
  } else {
    if (settings?.roots !== undefined) limits.roots = [...settings.roots];
    if (allow !== undefined) limits.allow = [...new Set(allow)];
  }
  return limits;
}

/**
 * The file limits of a profile for its shell server, read from the rules on the other servers
 * (the profile's own word on what files it may write and must not see): `write` = the patterns of
 * allow/ask rules on filesystem write tools (absent when one has no pattern: everything); `[]`
 * when there is none; `denyPaths` = the patterns of deny rules on every tool (`fs:*(.env)`).
 */
function deriveFileLimits(profile: Profile, shellName: string): { write?: string[]; denyPaths: string[] } {
  const all = (texts: readonly string[] | undefined) =>
    (texts ?? [])
      .map((text) => parseRule(text))
      .map((rule) => ({ rule, server: compileNameGlob(rule.server), tool: compileNameGlob(rule.tool) }))
      .filter((rule) => !rule.server(shellName));
  const writeTools = SERVER_KIND_CONTRACTS.filesystem.writeTools;
  const writes = [...all(profile.allow), ...all(profile.ask)].filter((rule) =>
    writeTools.some((tool) => rule.tool(tool)),
  );
  const denyPaths = [
    ...new Set(
      all(profile.deny)
        .filter((rule) => isReadCoveringDeny(rule.rule))
        .map((rule) => rule.rule.pattern!),
    ),
  ];
  if (writes.some((rule) => rule.rule.pattern === undefined)) return { denyPaths };
  return { write: [...new Set(writes.map((rule) => rule.rule.pattern!))], denyPaths };
}

/**
 * Intersects two launch limits of the same kind. The result is never wider than `base`: roots are
 * narrowed to paths inside both, `readOnly` if either is, deny lists are merged, and shell allow
 * lists keep only the patterns one side's patterns cover. `narrower` of kind `none` leaves `base`
 * unchanged. Throws {@link PermissionsError} `E_LAUNCH_LIMITS` when the kinds differ otherwise.
 */
export function intersectLaunchLimits<T extends LaunchLimits>(base: T, narrower: LaunchLimits): T {
  if (narrower.kind === 'none' || base.kind === 'none') return base;
  if (base.kind !== narrower.kind) {
    throw new PermissionsError(
      'E_LAUNCH_LIMITS',
      `cannot intersect the launch limits of a ${base.kind} server with those of a ${narrower.kind} server`,
    );
  }
  if (base.kind === 'memory' || narrower.kind === 'memory')
    return (
      (narrower as { transcriptProfile?: string }).transcriptProfile === undefined ? base : narrower
    ) as T;
  const roots = intersectRoots(base.roots, narrower.roots);
  const deny = [...new Set([...base.deny, ...narrower.deny])];
  if (base.kind === 'filesystem') {
    const other = narrower as FilesystemLaunchLimits;
    const result: FilesystemLaunchLimits = {
      kind: 'filesystem',
      readOnly: base.readOnly || other.readOnly,
      deny,
    };
    if (roots !== undefined) result.roots = roots;
    return result as T;
  }
  const other = narrower as ShellLaunchLimits;
  const result: ShellLaunchLimits = { kind: 'shell', deny };
  if (roots !== undefined) result.roots = roots;
  const allow = intersectCommandPatterns(base.allow, other.allow);
  if (allow !== undefined) result.allow = allow;
  const baseShell = base as ShellLaunchLimits;
  // Write globs: kept when one side's glob is the other's or the other side has none (exact
  // intersection of globs is not computed; a server applies both layers itself).
  if (baseShell.write !== undefined && other.write !== undefined)
    result.write = baseShell.write.filter((glob) => other.write!.includes(glob));
  else if ((baseShell.write ?? other.write) !== undefined)
    result.write = [...(baseShell.write ?? other.write)!];
  const denyPaths = [...new Set([...(baseShell.denyPaths ?? []), ...(other.denyPaths ?? [])])];
  if (denyPaths.length > 0) result.denyPaths = denyPaths;
  return result as T;
}

/**
 * Intersects two root lists (absent = unrestricted). A narrower root inside a base root is kept; a
 * base root inside a narrower root is kept; a relative narrower root is read relative to each base
 * root. Anything else is dropped, so the result can be empty (nothing is reachable).
 */
export function intersectRoots(base?: readonly string[], narrower?: readonly string[]): string[] | undefined {
  if (narrower === undefined) return base === undefined ? undefined : [...base];
  if (base === undefined) return [...narrower];
  const result = new Set<string>();
  for (const baseRoot of base) {
    const parent = normalizePath(baseRoot);
    if (parent === undefined || parent.escapes) continue;
    for (const narrowRoot of narrower) {
      if (normalizePath(narrowRoot) === undefined) continue;
      const relativeToBase = parent.absolute && !narrowRoot.startsWith('/');
      const child = normalizePath(relativeToBase ? `${baseRoot}/${narrowRoot}` : narrowRoot);
      if (child === undefined || child.escapes || child.absolute !== parent.absolute) continue;
      if (isWithin(parent.segments, child.segments)) result.add(formatPath(child));
      else if (isWithin(child.segments, parent.segments)) result.add(formatPath(parent));
    }
  }
  return [...result];
}

/** True when every command `pattern` matches is also matched by `cover` (sound, not complete). */
export function coversCommandPattern(cover: string, pattern: string): boolean {
  const normalizedCover = normalizeCommandText(cover);
  const normalizedPattern = normalizeCommandText(pattern).replace(/(\S):\*$/, '$1 *');
  if (normalizedCover.includes('\\*') || normalizedPattern.includes('\\*')) {
    return normalizedCover.replace(/(\S):\*$/, '$1 *') === normalizedPattern;
  }
  const matcher = compileCommandPattern(normalizedCover);
  // Every `*` of `pattern` read as a literal star: `cover` must match it for each substitution.
  if (!matcher.allows(normalizedPattern)) return false;
  return !normalizedPattern.endsWith(' *') || matcher.allows(normalizedPattern.slice(0, -2));
}

/** Intersects two command-pattern allow lists (absent = unrestricted; empty = nothing). */
export function intersectCommandPatterns(
  base?: readonly string[],
  narrower?: readonly string[],
): string[] | undefined {
  if (narrower === undefined) return base === undefined ? undefined : [...base];
  if (base === undefined) return [...narrower];
  const result = new Set<string>();
  for (const pattern of narrower)
    if (base.some((cover) => coversCommandPattern(cover, pattern))) result.add(pattern);
  for (const pattern of base)
    if (narrower.some((cover) => coversCommandPattern(cover, pattern))) result.add(pattern);
  return [...result];
}
