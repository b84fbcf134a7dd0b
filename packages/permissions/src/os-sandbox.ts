import { isAbsolute, join, posix, resolve } from 'node:path';
import type { Profile } from './profile.js';
import { compileNameGlob, parseRule } from './rule.js';
import { isReadCoveringDeny, SERVER_KIND_CONTRACTS, type ServerKind } from './server-kinds.js';

/**
 * Files and directories under `$HOME` that hold credentials. They are masked in every sandbox
 * where they exist, unless a server entry grants reading one of them (`"sandbox": {"read": [...]}`).
 */
export const HOME_SECRET_PATHS = [
  '.ssh',
  '.aws',
  '.azure',
  '.kube',
  '.docker',
  '.gnupg',
  '.password-store',
  '.config/gcloud',
  '.config/gh',
  '.config/hub',
  '.config/op',
  '.config/anthropic',
  '.claude',
  '.claude.json',
  '.local/share/keyrings',
  '.terraform.d',
  '.vault-token',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.netrc',
  '.git-credentials',
  '.pypirc',
  '.pgpass',
  '.m2/settings.xml',
  '.gradle/gradle.properties',
  '.cargo/credentials',
  '.cargo/credentials.toml',
  '.bash_history',
  '.zsh_history',
] as const;

/**
 * Host sockets and runtime directories that hand out more than the sandbox does (a container
 * daemon is root; a session bus or an agent socket acts as the user). A unix socket on a read-only
 * mount still connects, and the network namespace does not cover it, so they are masked too.
 */
export const HOST_SOCKET_PATHS = [
  '/var/run/docker.sock',
  '/run/docker.sock',
  '/run/containerd',
  '/run/podman',
  '/run/user',
  '/run/dbus',
  '/var/run/dbus',
  '/run/systemd/private',
  '/run/snapd.socket',
] as const;

/** What a server entry grants its sandbox beyond what the profile implies (`"sandbox": {...}`). */
export interface SandboxGrants {
  /** Paths kept readable: exempt from the home-secret masks, visible even under the private /tmp. */
  read?: readonly string[];
  /** Paths made writable. */
  write?: readonly string[];
  /** Network access (all or nothing). */
  network?: boolean;
}

/**
 * Options of {@link deriveSandboxView}; every path is absolute, relative to `projectDir`, or (in
 * grants) `~/…` under `homeDir`.
 */
export interface SandboxViewOptions {
  profile: Profile;
  serverName: string;
  /** The server's kind; absent = a third-party server. */
  kind?: ServerKind;
  /** Names of the configured filesystem-kind servers (their write rules are the profile's writes). */
  filesystemServers: readonly string[];
  /** Absolute project directory. */
  projectDir: string;
  /** Absolute `$HOME`, when known. */
  homeDir?: string;
  /** The memory server's own directory (visible and writable for a memory server only). */
  memoryDir?: string;
  /** Directories hidden besides `<project>/.meshwork` (the run records when configured elsewhere). */
  hidden?: readonly string[];
  /** The entry's grants. */
  grants?: SandboxGrants;
  /** Network granted by the profile (`"network": true`). */
  profileNetwork?: boolean;
}

/** A writable place of a view. */
export interface SandboxWritable {
  /** Absolute path. */
  path: string;
  /**
   * True when the rule names this exact path (`NOTES.md`); false for the literal prefix of a glob
   * (`src/**` → `src`), which is a directory, created at launch when it does not exist yet.
   */
  exact: boolean;
}

/** What one server process may see, before the paths are checked against the file system. */
export interface SandboxView {
  projectDir: string;
  writable: SandboxWritable[];
  /** Path patterns (deny rules) whose existing matches are masked; expanded at launch. */
  denyPatterns: string[];
  /** Directories replaced by an empty tmpfs. */
  hidden: string[];
  /** Paths inside a hidden directory bound back (writable) for this server. */
  exposed: string[];
  /** Absolute home-secret paths and host sockets ({@link HOST_SOCKET_PATHS}) to mask where they exist. */
  homeSecrets: string[];
  /** Paths granted for reading (kept visible). */
  readable: string[];
  network: boolean;
}

const GLOB_CHARACTERS = /[*?[\]{}!]/;

/**
 * The literal prefix of a path pattern: the segments before the first one holding a glob
 * character. `src/**` → `{path: 'src', exact: false}`; `NOTES.md` → exact; `**\/.env` → the root.
 */
export function literalPathPrefix(pattern: string): { path: string; exact: boolean } {
  const segments = pattern.split('/');
  const literal: string[] = [];
  for (const segment of segments) {
    if (GLOB_CHARACTERS.test(segment)) return { path: literal.join('/') || '.', exact: false };
    literal.push(segment);
  }
  const path = posix.normalize(literal.join('/') || '.');
  return { path: path.replace(/\/$/, '') || '/', exact: !pattern.endsWith('/') && path !== '.' };
}

function absoluteIn(projectDir: string, path: string, homeDir?: string): string {
  if (homeDir !== undefined && (path === '~' || path.startsWith('~/')))
    return posix.normalize(join(homeDir, path.slice(1)));
  return isAbsolute(path) ? posix.normalize(path) : resolve(projectDir, path);
}

function isFilesystemWriteRule(text: string, servers: readonly string[]): boolean {
  const rule = parseRule(text);
  const server = compileNameGlob(rule.server);
  const tool = compileNameGlob(rule.tool);
  return (
    servers.some((name) => server(name)) &&
    SERVER_KIND_CONTRACTS.filesystem.writeTools.some((name) => tool(name))
  );
}

/**
 * Derives what a server process launched for `profile` may see and change:
 * - filesystem server: the literal prefixes of the profile's write rules on it (a rule naming one
 *   file makes that file's directory writable, since a write replaces the file through a sibling
 *   temporary file); nothing when the profile says `launch.filesystem.readOnly`;
 * - shell server: the literal prefixes of the profile's write rules on every filesystem server (an
 *   exact file stays exact: its directory is not opened to commands); nothing for a profile whose
 *   only grants are commands;
 * - memory server: its own directory; third-party server: what its entry grants.
 * Every server: the project's `.meshwork/` hidden, the profile's path deny patterns masked, the
 * home secrets masked, network only when the entry or the profile grants it.
 */
export function deriveSandboxView(options: SandboxViewOptions): SandboxView {
  const { profile, projectDir, kind } = options;
  const grants = options.grants ?? {};
  const writable: SandboxWritable[] = [];
  const addRules = (servers: readonly string[], fileAsDirectory: boolean): void => {
    for (const text of [...(profile.allow ?? []), ...(profile.ask ?? [])]) {
      if (!isFilesystemWriteRule(text, servers)) continue;
      const pattern = parseRule(text).pattern;
      const prefix = pattern === undefined ? { path: '.', exact: false } : literalPathPrefix(pattern);
      const path = absoluteIn(projectDir, prefix.path);
      if (prefix.exact && fileAsDirectory) writable.push({ path: posix.dirname(path), exact: false });
      else writable.push({ path, exact: prefix.exact });
    }
  };
  const exposed: string[] = [];
  if (kind === 'filesystem') {
    if (profile.launch?.filesystem?.readOnly !== true) addRules([options.serverName], true);
  } else if (kind === 'shell') {
    addRules(options.filesystemServers, false);
  } else if (kind === 'memory') {
    const memoryDir = absoluteIn(projectDir, options.memoryDir ?? '.meshwork/memory');
    writable.push({ path: memoryDir, exact: false });
    exposed.push(memoryDir);
  }
  for (const path of grants.write ?? [])
    writable.push({ path: absoluteIn(projectDir, path, options.homeDir), exact: false });

  const denyPatterns = new Set<string>(profile.launch?.filesystem?.deny ?? []);
  for (const text of profile.deny ?? []) {
    const rule = parseRule(text);
    if (!isReadCoveringDeny(rule) || rule.pattern === undefined) continue;
    if (!options.filesystemServers.some((name) => compileNameGlob(rule.server)(name))) continue;
    denyPatterns.add(rule.pattern);
  }
  const readable = (grants.read ?? []).map((path) => absoluteIn(projectDir, path, options.homeDir));
  const home = options.homeDir;
  const homeSecrets = [
    ...(home === undefined ? [] : HOME_SECRET_PATHS.map((path) => join(home, path))),
    ...HOST_SOCKET_PATHS,
  ].filter((path) => !readable.some((granted) => granted === path || granted.startsWith(`${path}/`)));
  return {
    projectDir,
    writable: dedupe(writable),
    denyPatterns: [...denyPatterns],
    hidden: [...new Set([join(projectDir, '.meshwork'), ...(options.hidden ?? [])])],
    exposed,
    homeSecrets,
    readable,
    network: grants.network === true || options.profileNetwork === true,
  };
}

function dedupe(writable: SandboxWritable[]): SandboxWritable[] {
  const seen = new Map<string, SandboxWritable>();
  for (const entry of writable) {
    const known = seen.get(entry.path);
    if (!known || (known.exact && !entry.exact)) seen.set(entry.path, entry);
  }
  return [...seen.values()];
}
