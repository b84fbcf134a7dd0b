import { existsSync, mkdirSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import {
  compilePathPattern,
  deriveSandboxView,
  type Profile,
  renderBubblewrapArgs,
  type SandboxMask,
  type SandboxView,
} from '@meshwork/permissions';
import type { MeshworkConfig, ServerConfig } from '../config/types.js';
import { CoordinatorError } from '../errors.js';
import type { ServerSandbox } from '../report/types.js';
import { SANDBOX_REMEDY, type SandboxSupport } from './sandbox-probe.js';
import type { LaunchSpec } from './server-connection.js';

/** How one server process runs, as the run report shows it. */
export type SandboxRecord = ServerSandbox;

/** The variables a sandboxed server gets from the coordinator's environment (never a secret). */
const SANDBOX_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TERM', 'TZ', 'USER', 'LOGNAME', 'SHELL'];

/** Directories not searched for files a deny pattern matches (see the README's Security section). */
const UNSCANNED = new Set(['.git', 'node_modules', '.meshwork']);
const MAX_SCANNED_ENTRIES = 200_000;

/** The existing paths under `projectDir` that one of `patterns` denies. */
export function expandDenyPatterns(projectDir: string, patterns: readonly string[]): SandboxMask[] {
  if (patterns.length === 0) return [];
  const matchers = patterns.map((pattern) => compilePathPattern(pattern));
  const masks: SandboxMask[] = [];
  let scanned = 0;
  const walk = (directory: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      scanned += 1;
      if (scanned > MAX_SCANNED_ENTRIES) {
        throw new CoordinatorError(
          'E_SANDBOX',
          `The project has more than ${MAX_SCANNED_ENTRIES} entries; the deny rules' paths cannot be masked. Narrow the project directory.`,
        );
      }
      const path = join(directory, entry.name);
      const subject = { absolute: path, relative: relative(projectDir, path) };
      if (matchers.some((matcher) => matcher.denies(subject))) {
        if (entry.isDirectory() || entry.isFile()) masks.push({ path, directory: entry.isDirectory() });
        else if (entry.isSymbolicLink()) masks.push({ path, directory: isDirectory(path) });
        continue;
      }
      if (entry.isDirectory() && !UNSCANNED.has(entry.name)) walk(path);
    }
  };
  walk(projectDir);
  return masks;
}

/**
 * The paths of `candidates` that exist, by what they resolve to (`/var/run/x` is `/run/x`: bwrap
 * mounts on the resolved path, and a second mount through the link would fail), each once.
 */
function existingMasks(candidates: readonly string[]): SandboxMask[] {
  const masks = new Map<string, SandboxMask>();
  for (const candidate of candidates) {
    try {
      const path = realpathSync(candidate);
      masks.set(path, { path, directory: isDirectory(path) });
    } catch {
      // not there: nothing to mask
    }
  }
  return [...masks.values()];
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function isUnder(parent: string, path: string): boolean {
  return path === parent || path.startsWith(parent.endsWith('/') ? parent : `${parent}/`);
}

/**
 * What a private /tmp must keep of a server's own install that lives under /tmp: the whole top
 * directory (a checkout or an install prefix), because its dependencies may be anywhere in it
 * (pnpm links them from `node_modules/.pnpm` at the workspace root). It stays read-only, as it
 * would be anywhere else on the system.
 */
function installPath(path: string): string {
  const top = path.slice('/tmp/'.length).split('/')[0];
  return top ? `/tmp/${top}` : path;
}

/** Options of {@link sandboxLaunch}. */
export interface SandboxLaunchOptions {
  spec: LaunchSpec;
  server: ServerConfig;
  profile: Profile;
  config: MeshworkConfig;
  projectDir: string;
  support: SandboxSupport;
  /** The environment the coordinator runs with (only {@link SANDBOX_ENV} is taken from it). */
  env: NodeJS.ProcessEnv;
}

/** The sandbox view of `server` for `profile` (pure: nothing is read). */
export function sandboxViewOf(
  options: Omit<SandboxLaunchOptions, 'support' | 'spec' | 'env'> & { homeDir?: string },
): SandboxView {
  const { server, profile, config, projectDir } = options;
  const grants = typeof server.sandbox === 'object' ? server.sandbox : undefined;
  const runsDir = config.runsDir;
  return deriveSandboxView({
    profile,
    serverName: server.name,
    ...(server.kind === undefined ? {} : { kind: server.kind }),
    filesystemServers: Object.values(config.servers)
      .filter((entry) => entry.kind === 'filesystem')
      .map((entry) => entry.name),
    projectDir,
    ...(options.homeDir === undefined ? {} : { homeDir: options.homeDir }),
    hidden: isUnder(join(projectDir, '.meshwork'), runsDir) ? [] : [runsDir],
    ...(grants === undefined ? {} : { grants }),
    ...(profile.network === true ? { profileNetwork: true } : {}),
  });
}

/**
 * Wraps the launch of a stdio server in its OS sandbox, or says why it runs without one. Fails
 * closed (`E_SANDBOX_UNAVAILABLE`) for a server that can run code of its choosing (a shell or a
 * third-party server) when bubblewrap cannot start here, unless its entry opts out explicitly.
 */
export function sandboxLaunch(options: SandboxLaunchOptions): { spec: LaunchSpec; record: SandboxRecord } {
  const { spec, server, projectDir, support } = options;
  const homeDir = options.env.HOME;
  const view = sandboxViewOf({ ...options, ...(homeDir ? { homeDir } : {}) });
  const shown = (paths: readonly string[]) =>
    paths.map((path) => (isUnder(projectDir, path) ? relative(projectDir, path) || '.' : path));
  if (server.sandbox === 'none')
    return { spec, record: { server: server.name, mode: 'none', network: true, writable: ['/'] } };
  if (!support.available) {
    if (server.kind === undefined || server.kind === 'shell') {
      throw new CoordinatorError(
        'E_SANDBOX_UNAVAILABLE',
        `The ${server.name} server can run any code, and the OS sandbox it must run in cannot start: ${support.reason}. ${SANDBOX_REMEDY}`,
      );
    }
    return { spec, record: { server: server.name, mode: 'unavailable', network: true, writable: ['/'] } };
  }

  // Directories that must exist to be mounted over; creating them changes nothing the agents see.
  for (const path of [...view.hidden, ...view.exposed]) mkdirSync(path, { recursive: true });
  const writable: string[] = [];
  const realProject = realpathSync(projectDir);
  for (const entry of view.writable) {
    if (!existsSync(entry.path)) {
      if (entry.exact || !isUnder(projectDir, entry.path)) continue;
      mkdirSync(entry.path, { recursive: true });
    }
    // bwrap binds what a path resolves to: a symlink planted inside the project (`src/x -> ~`) must
    // not turn a write prefix into a writable place outside it.
    if (isUnder(projectDir, entry.path) && !isUnder(realProject, realpathSync(entry.path))) continue;
    writable.push(entry.path);
  }
  const masks = [...expandDenyPatterns(projectDir, view.denyPatterns), ...existingMasks(view.homeSecrets)];
  const command = spec.command === 'node' ? process.execPath : (spec.command as string);
  const cwd = spec.cwd ?? projectDir;
  const keep = new Set<string>();
  for (const path of [
    projectDir,
    cwd,
    dirname(dirname(process.execPath)),
    ...view.readable,
    ...spec.args,
    command,
  ]) {
    if (!isAbsolute(path) || !isUnder('/tmp', path) || !existsSync(path)) continue;
    keep.add(path === projectDir || path === cwd || view.readable.includes(path) ? path : installPath(path));
  }
  const env: Record<string, string> = {};
  for (const name of SANDBOX_ENV) {
    const value = options.env[name];
    if (value !== undefined) env[name] = value;
  }
  env.TMPDIR = '/tmp';
  env.MESHWORK_LOG_LEVEL = options.env.MESHWORK_LOG_LEVEL ?? 'warn';
  Object.assign(env, spec.env);
  const args = renderBubblewrapArgs(
    {
      keep: [...keep],
      writable,
      hidden: view.hidden,
      exposed: view.exposed,
      masks,
      network: view.network,
      env,
      cwd,
    },
    [command, ...spec.args],
  );
  return {
    spec: { ...spec, command: support.bwrapPath, args, env: {}, sandboxed: true },
    record: { server: server.name, mode: 'bwrap', network: view.network, writable: shown(writable) },
  };
}
