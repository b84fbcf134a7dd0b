#!/usr/bin/env node
import { readFileSync, realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createLogger,
  findExecutable,
  readPackageVersion,
  readServeSettings,
  runServer,
  SERVE_CLI_OPTIONS,
  SERVE_CLI_USAGE,
} from '@meshwork/kit';
import {
  applyShellLimits,
  intersectCommandPatterns,
  intersectRoots,
  SHELL_LIMIT_OPTIONS,
  SHELL_LIMIT_USAGE,
  type ShellLaunch,
} from '@meshwork/permissions';
import { ShellError } from './errors.js';
import { DEFAULT_ALLOW, DEFAULT_DENY } from './policy/defaults.js';
import { scrubEnvironment } from './policy/environment.js';
import { createPolicy } from './policy/policy.js';
import { type BubblewrapConfig, createBubblewrapConfig } from './process/bubblewrap.js';
import { createProcessTable } from './runs/process-table.js';
import { createSpillDirectory } from './runs/spill-directory.js';
import type { ShellRuntime } from './runtime.js';
import { createShellServer } from './server.js';

const USAGE = `Usage: meshwork-shell [options]

A policy-checked shell MCP server. Each command line is parsed with a real bash grammar; every simple
command in it must be allowed on its own, and anything that cannot be resolved is refused.

Policy:
  --allow <glob>          allow commands matching the glob, e.g. 'npm test *' (repeatable)
  --deny <glob>           deny commands matching the glob; deny beats allow (repeatable)
  --ask <glob>            refuse with "needs approval" (repeatable)
  --policy <file>         JSON file {"allow", "deny", "ask", "roots", "write", "denyPaths": [...]}; it
                          and the flags combine by intersection: roots and allow lists are
                          intersected, write grants must both hold, deny lists are joined
                          With no rules, a read-only set is allowed: ls, cat, head, tail, wc, grep,
                          find (no -exec/-delete), git status/log/diff/show, pwd, echo.
  --root <dir>            commands run inside this directory (repeatable; default: cwd)
  --allow-write <glob>    commands may write matching paths inside the roots, through redirections
                          (> f) and writer programs (tee, cp, mv, rm, touch, tar, git init, …);
                          relative to the first root, e.g. 'src/**' or '**' (repeatable). Without
                          it no command writes a file: a rule that names a command grants running
                          it, not writing. /dev/null and --output-dir stay writable.
  --deny-path <glob>      commands may not name, read or write matching paths, e.g. '.env' (any
                          depth, any case) or 'secrets/**' (repeatable)
  --pass-env <NAME>       pass this variable through even if it looks secret (repeatable)
  --sandbox               run commands in bubblewrap, writable only in the roots; fails if bwrap is missing

Limits:
  --timeout-ms <n>        default command timeout (default 120000)
  --max-timeout-ms <n>    largest timeout a call may ask for (default 3600000)
  --max-output-bytes <n>  bytes of stdout and of stderr returned inline (default 32768)
  --max-processes <n>     background processes running at once (default 8)
  --kill-grace-ms <n>     time between SIGTERM and SIGKILL (default 2000)
  --output-dir <dir>      where full outputs are saved (default: a temp directory, removed on exit)

${SHELL_LIMIT_USAGE}

${SERVE_CLI_USAGE}`;

const OPTIONS = {
  ...SERVE_CLI_OPTIONS,
  allow: { type: 'string', multiple: true },
  deny: { type: 'string', multiple: true },
  ask: { type: 'string', multiple: true },
  policy: { type: 'string' },
  root: { type: 'string', multiple: true },
  'allow-write': { type: 'string', multiple: true },
  'deny-path': { type: 'string', multiple: true },
  'pass-env': { type: 'string', multiple: true },
  sandbox: { type: 'boolean' },
  'timeout-ms': { type: 'string' },
  'max-timeout-ms': { type: 'string' },
  'max-output-bytes': { type: 'string' },
  'max-processes': { type: 'string' },
  'kill-grace-ms': { type: 'string' },
  'output-dir': { type: 'string' },
  ...SHELL_LIMIT_OPTIONS,
} as const;

interface PolicyFile {
  allow?: string[];
  deny?: string[];
  ask?: string[];
  roots?: string[];
  write?: string[];
  denyPaths?: string[];
}

function readPolicyFile(path: string): PolicyFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ShellError('E_USAGE', `Cannot read --policy ${path}: ${(error as Error).message}`);
  }
  const file = parsed as Record<string, unknown>;
  for (const key of ['allow', 'deny', 'ask', 'roots', 'write', 'denyPaths']) {
    const value = file[key];
    if (value !== undefined && !(Array.isArray(value) && value.every((item) => typeof item === 'string'))) {
      throw new ShellError('E_USAGE', `--policy ${path}: "${key}" must be an array of strings.`);
    }
  }
  return file as PolicyFile;
}

/**
 * The configured launch: the --policy file and the flags combined by intersection, never by
 * union. Roots and allow lists given on both sides are intersected (an empty result is an error),
 * deny lists are joined, and each side's write grant is a layer a write must pass; a launch with
 * no write grant gets one empty layer (nothing is writable).
 */
function combineLaunch(
  file: PolicyFile,
  values: {
    root?: string[];
    allow?: string[];
    deny?: string[];
    'allow-write'?: string[];
    'deny-path'?: string[];
  },
  realRoot: (root: string) => string,
): ShellLaunch {
  const fileRoots = file.roots?.map(realRoot);
  const flagRoots = values.root?.map(realRoot);
  let roots = fileRoots ?? flagRoots ?? [realRoot(process.cwd())];
  if (fileRoots !== undefined && flagRoots !== undefined) {
    roots = intersectRoots(fileRoots, flagRoots) ?? [];
    if (roots.length === 0)
      throw new ShellError(
        'E_USAGE',
        'No --root is inside a root of the --policy file (they combine by intersection).',
      );
  }
  let allow = file.allow ?? values.allow ?? [];
  if (file.allow !== undefined && values.allow !== undefined) {
    allow = intersectCommandPatterns(file.allow, values.allow) ?? [];
    if (allow.length === 0)
      throw new ShellError(
        'E_USAGE',
        'No --allow pattern is within an allow pattern of the --policy file (they combine by intersection).',
      );
  }
  const write: string[][] = [];
  if (file.write !== undefined) write.push([...file.write]);
  if (values['allow-write'] !== undefined) write.push([...values['allow-write']]);
  if (write.length === 0) write.push([]);
  return {
    roots,
    allow,
    deny: [...new Set([...(file.deny ?? []), ...(values.deny ?? [])])],
    write,
    denyPaths: [...new Set([...(file.denyPaths ?? []), ...(values['deny-path'] ?? [])])],
  };
}

function integer(value: string | undefined, flag: string, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < minimum)
    throw new ShellError('E_USAGE', `${flag} takes a whole number ≥ ${minimum}; got ${value}.`);
  return number;
}

function findShell(pathValue: string | undefined): string {
  for (const candidate of ['/bin/bash', '/usr/bin/bash']) {
    try {
      return realpathSync(candidate);
    } catch {
      // try the next one
    }
  }
  const found = findExecutable('bash', pathValue);
  if (!found)
    throw new ShellError('E_NO_BASH', 'bash was not found; meshwork-shell runs command lines with bash.');
  return found;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: OPTIONS, allowPositionals: false });
  // Even --help and --version stay off stdout: a server bin writes nothing there but protocol
  // frames (the reference filesystem server prints its usage on stderr too).
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stderr.write(`${readPackageVersion(new URL('../package.json', import.meta.url))}\n`);
    return 0;
  }
  const settings = readServeSettings(values);
  const logger = createLogger({ name: 'meshwork-shell', level: settings.logLevel });
  const file = values.policy ? readPolicyFile(values.policy) : {};
  const realRoot = (root: string): string => {
    try {
      return realpathSync(resolve(root));
    } catch {
      throw new ShellError('E_USAGE', `--root ${root} does not exist.`);
    }
  };
  const combined = combineLaunch(file, values, realRoot);
  const rulesGiven =
    combined.allow.length + combined.deny.length + (file.ask?.length ?? 0) + (values.ask?.length ?? 0);
  // Launch limits narrow what the server was started with. Started with no rules, that is the
  // default read-only set, so the limits are intersected with it, never used in its place.
  const configured =
    rulesGiven === 0 &&
    (values['limit-allow'] !== undefined ||
      values['limit-deny'] !== undefined ||
      values['limit-root'] !== undefined)
      ? { ...combined, allow: [...DEFAULT_ALLOW], deny: [...DEFAULT_DENY] }
      : combined;
  // The configured launch (flags and --policy file), narrowed by the launch limits a coordinator
  // appended (never widened).
  const launch = applyShellLimits(configured, values);
  const roots = launch.roots.map(realRoot);
  const environment = scrubEnvironment(process.env, values['pass-env'] ?? []);
  const policy = createPolicy({
    allow: launch.allow,
    deny: launch.deny,
    ask: [...(file.ask ?? []), ...(values.ask ?? [])],
    roots,
    home: environment.HOME,
    write: launch.write ?? [[]],
    denyPaths: launch.denyPaths ?? [],
    writable: values['output-dir'] === undefined ? [] : [resolve(values['output-dir'])],
  });
  const sandbox: BubblewrapConfig | undefined = values.sandbox
    ? createBubblewrapConfig(process.env.PATH, roots, process.env.HOME)
    : undefined;
  const killGraceMs = integer(values['kill-grace-ms'], '--kill-grace-ms', 2000, 0);
  const processes = createProcessTable({
    logger,
    settings: { shellPath: findShell(process.env.PATH), sandbox, killGraceMs },
    spill: createSpillDirectory(values['output-dir']),
    maxProcesses: integer(values['max-processes'], '--max-processes', 8, 1),
  });
  const maxTimeoutMs = integer(values['max-timeout-ms'], '--max-timeout-ms', 3_600_000, 1);
  const runtime: ShellRuntime = {
    policy,
    processes,
    environment,
    defaultTimeoutMs: Math.min(integer(values['timeout-ms'], '--timeout-ms', 120_000, 1), maxTimeoutMs),
    maxTimeoutMs,
    maxOutputBytes: integer(values['max-output-bytes'], '--max-output-bytes', 32_768, 2),
    sandboxed: sandbox !== undefined,
    logger,
  };
  const version = readPackageVersion(new URL('../package.json', import.meta.url));
  const running = await runServer({
    settings,
    logger,
    factory: () => createShellServer({ runtime, version }).server,
    onShutdown: () => processes.close(),
  });
  logger.info(
    { roots, rules: policy.rules.length, defaultSet: policy.defaultSet, sandbox: sandbox !== undefined },
    'shell server ready',
  );
  await running.closed;
  return 0;
}

try {
  process.exit(await main());
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`meshwork-shell: ${message}\n`);
  process.exit((error as { code?: unknown }).code === 'E_USAGE' ? 2 : 1);
}
