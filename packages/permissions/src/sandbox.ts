import { compileCommandPattern, normalizeCommandText } from './command-match.js';
import { PermissionsError } from './errors.js';
import { formatPath, isWithin, normalizePath } from './path-utils.js';
import type { Profile } from './profile.js';
import { compileNameGlob, parseRule } from './rule.js';
import type { FilesystemSandbox, Rule, Sandbox, ShellSandbox } from './types.js';

/** Tool names of a filesystem server that write; a grant matching one makes the sandbox writable. */
export const FILESYSTEM_WRITE_TOOLS: readonly string[] = [
  'write_file',
  'edit_file',
  'create_directory',
  'move_file',
  'copy_file',
  'delete_file',
  'delete_directory',
  'remove_file',
  'rename_file',
  'append_file',
  'apply_patch',
];
/** Tool names of a shell server that run a command line (their subject is the command). */
export const SHELL_RUN_TOOLS: readonly string[] = ['run_command', 'run', 'start_process', 'run_background'];

const WRITE_VERB =
  /^(write|edit|create|move|copy|delete|remove|rename|append|apply|patch|mkdir|rm|touch|set|put|update)/;

/** Options for {@link deriveSandbox}. */
export interface DeriveSandboxOptions {
  /** Which sandbox applies; inferred from the server name (`fs`/`filesystem`, `shell`) when absent. */
  kind?: Sandbox['kind'];
  /** Write tools of the filesystem server; default {@link FILESYSTEM_WRITE_TOOLS}. */
  writeTools?: readonly string[];
  /** Command-running tools of the shell server; default {@link SHELL_RUN_TOOLS}. */
  runTools?: readonly string[];
}

/** Infers a server's sandbox kind from its name: `fs`/`filesystem`/`*-fs` → filesystem, `shell` → shell. */
export function inferSandboxKind(serverName: string): Sandbox['kind'] {
  if (/(^|[-_.])(fs|filesystem|files)($|[-_.])/i.test(serverName) || /filesystem/i.test(serverName))
    return 'filesystem';
  if (/shell/i.test(serverName)) return 'shell';
  return 'none';
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
 * Derives the launch sandbox of `serverName` from a profile: the narrowest sandbox that still lets
 * every allow/ask rule work. Combine it with the server's own configuration through
 * {@link intersectSandbox}, so a profile can never widen what a server was started with.
 *
 * - filesystem: `readOnly` unless some allow/ask rule could match a write tool (or the profile says
 *   `readOnly: true`); `roots` from `sandbox.filesystem.roots`; `deny` = `sandbox.filesystem.deny`
 *   plus the patterns of deny rules that cover every tool (`fs:*(.env)`).
 * - shell: `allow` = the patterns of allow/ask rules on run tools (absent when one of them has no
 *   pattern), narrowed by `sandbox.shell.allow`; `deny` = `sandbox.shell.deny` plus the patterns of
 *   deny rules on run tools; `roots` from `sandbox.shell.roots`.
 * - A server no allow/ask rule reaches gets roots `[]` (and, for shell, `allow: []`): nothing.
 */
export function deriveSandbox(
  profile: Profile,
  serverName: string,
  options: DeriveSandboxOptions = {},
): Sandbox {
  const kind = options.kind ?? inferSandboxKind(serverName);
  if (kind === 'none') return { kind: 'none' };
  const grants = [...rulesFor(profile.ask, serverName), ...rulesFor(profile.allow, serverName)];
  const denies = rulesFor(profile.deny, serverName);
  const reachable =
    grants.length > 0 &&
    (profile.servers === undefined || profile.servers.some((glob) => compileNameGlob(glob)(serverName)));

  if (kind === 'filesystem') {
    const settings = profile.sandbox?.filesystem;
    const writeTools = options.writeTools ?? FILESYSTEM_WRITE_TOOLS;
    const writable = grants.some(
      (grant) => writeTools.some((tool) => grant.tool(tool)) || WRITE_VERB.test(grant.rule.tool),
    );
    const deny = [
      ...(settings?.deny ?? []),
      ...denies
        .filter((rule) => rule.rule.tool === '*' && rule.rule.pattern !== undefined)
        .map((rule) => rule.rule.pattern!),
    ];
    const sandbox: FilesystemSandbox = {
      kind,
      readOnly: settings?.readOnly === true || !writable,
      deny: [...new Set(deny)],
    };
    if (!reachable) sandbox.roots = [];
    else if (settings?.roots !== undefined) sandbox.roots = [...settings.roots];
    return sandbox;
  }

  const settings = profile.sandbox?.shell;
  const runTools = options.runTools ?? SHELL_RUN_TOOLS;
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
  const sandbox: ShellSandbox = { kind, deny: [...new Set(deny)] };
  if (!reachable) {
    sandbox.roots = [];
    sandbox.allow = [];
  } else {
    if (settings?.roots !== undefined) sandbox.roots = [...settings.roots];
    if (allow !== undefined) sandbox.allow = [...new Set(allow)];
  }
  return sandbox;
}

/**
 * Intersects two sandboxes of the same kind. The result is never wider than `base`: roots are
 * narrowed to paths inside both, `readOnly` if either is, deny lists are merged, and shell allow
 * lists keep only the patterns one side's patterns cover. `narrower` of kind `none` leaves `base`
 * unchanged. Throws {@link PermissionsError} `E_SANDBOX` when the kinds differ otherwise.
 */
export function intersectSandbox<T extends Sandbox>(base: T, narrower: Sandbox): T {
  if (narrower.kind === 'none' || base.kind === 'none') return base;
  if (base.kind !== narrower.kind) {
    throw new PermissionsError(
      'E_SANDBOX',
      `cannot intersect a ${base.kind} sandbox with a ${narrower.kind} sandbox`,
    );
  }
  const roots = intersectRoots(base.roots, narrower.roots);
  const deny = [...new Set([...base.deny, ...narrower.deny])];
  if (base.kind === 'filesystem') {
    const other = narrower as FilesystemSandbox;
    const result: FilesystemSandbox = { kind: 'filesystem', readOnly: base.readOnly || other.readOnly, deny };
    if (roots !== undefined) result.roots = roots;
    return result as T;
  }
  const other = narrower as ShellSandbox;
  const result: ShellSandbox = { kind: 'shell', deny };
  if (roots !== undefined) result.roots = roots;
  const allow = intersectCommandPatterns(base.allow, other.allow);
  if (allow !== undefined) result.allow = allow;
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
