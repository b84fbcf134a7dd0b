import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import type { SpawnRequest } from './spawn-frames.js';

/**
 * The script a warm shell runs: wait for one line, then run it. `read` takes a pipe one byte at a
 * time, so whatever follows the line stays in the pipe for the command as its stdin. dash exports
 * PWD on its own; unsetting it leaves the command exactly the environment it was given.
 */
const WARM_SCRIPT = 'unset PWD; IFS= read -r line || exit 0; eval "$line"';

/**
 * Variables a POSIX shell (dash, or bash as sh) reads at startup or sets itself, so a warm shell
 * could not pass them through unchanged or would behave differently with them (SHELLOPTS=xtrace
 * would trace the exec line to the command's stderr).
 */
const SHELL_VARIABLES = new Set([
  'BASHOPTS',
  'BASH_ENV',
  'BASH_XTRACEFD',
  'CDPATH',
  'ENV',
  'HISTFILE',
  'IFS',
  'LINENO',
  'MAIL',
  'MAILCHECK',
  'MAILPATH',
  'OLDPWD',
  'OPTARG',
  'OPTIND',
  'PPID',
  'PS1',
  'PS2',
  'PS4',
  'POSIXLY_CORRECT',
  'PWD',
  'SHELLOPTS',
]);
const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * A shell started ahead of time, already in its own process group with its pipes open, waiting
 * for a command line. Starting a process costs a fork and an exec (about 0.7 ms from the helper
 * here, most of a quick command's latency); a warm shell does the fork while nobody is waiting,
 * so a command pays only its exec.
 *
 * Only requests whose every word survives a round trip through single quotes on one line are
 * eligible; anything else is started the ordinary way. The line is built from the exact argv, each
 * word single-quoted, so the shell performs no expansion of its own.
 */
export interface WarmShell {
  child: ChildProcess;
  /** Requests with this key (same cwd and environment) can use this shell. */
  key: string;
  /** Device and inode of the cwd when the shell started: a directory replaced since is another cwd. */
  cwdIdentity: string | undefined;
}

/** Device and inode of a directory, or undefined when it is gone. */
export function directoryIdentity(path: string): string | undefined {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats?.isDirectory() ? `${stats.dev}:${stats.ino}` : undefined;
  } catch {
    return undefined;
  }
}

/** The key a request must match to run in a warm shell, or undefined when it cannot use one. */
export function warmShellKey(request: Pick<SpawnRequest, 'cwd' | 'env'>): string | undefined {
  // Without PATH, execvp and the shell fall back to different default search paths.
  if (request.env.PATH === undefined) return undefined;
  for (const [name, value] of Object.entries(request.env)) {
    if (!VARIABLE_NAME.test(name) || SHELL_VARIABLES.has(name) || value.includes('\0')) return undefined;
  }
  return `${request.cwd}\0${JSON.stringify(request.env)}`;
}

/** Starts a warm shell for requests like `request` (same cwd and environment). */
export function startWarmShell(
  shellPath: string,
  request: Pick<SpawnRequest, 'cwd' | 'env'>,
  key: string,
): WarmShell {
  const cwdIdentity = directoryIdentity(request.cwd);
  const child = spawn(shellPath, ['-c', WARM_SCRIPT], {
    cwd: request.cwd,
    env: request.env,
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin!.on('error', () => {
    // EPIPE when the shell died before its line arrived; its exit reports that.
  });
  return { child, key, cwdIdentity };
}

/**
 * The line that makes a warm shell become the command, or undefined when a word cannot be put on
 * one line (a newline) or would be read as an option of `exec` by some shells (a leading dash).
 */
export function warmShellLine(request: Pick<SpawnRequest, 'file' | 'args' | 'stdin'>): string | undefined {
  if (request.file.startsWith('-')) return undefined;
  const words = [request.file, ...request.args];
  for (const word of words)
    if (word.includes('\n') || word.includes('\r') || word.includes('\0')) return undefined;
  const quoted = words.map((word) => `'${word.replaceAll("'", `'\\''`)}'`).join(' ');
  return request.stdin === undefined ? `exec ${quoted} </dev/null\n` : `exec ${quoted}\n`;
}

/**
 * Where `file` runs from with this cwd and PATH, searched as execvp searches: a name with a slash is
 * taken as it is (relative to `cwd`), any other is looked up in each PATH entry in turn. Without a
 * match the error is the one execvp would give: EACCES when a candidate exists but cannot be
 * executed, else ENOENT.
 */
export function resolveExecutable(
  file: string,
  cwd: string,
  path: string | undefined,
): { path: string } | { error: NodeJS.ErrnoException } {
  const candidates = file.includes('/')
    ? [isAbsolute(file) ? file : resolve(cwd, file)]
    : (path ?? '').split(delimiter).map((directory) => resolve(cwd, join(directory || '.', file)));
  let code = 'ENOENT';
  for (const candidate of candidates) {
    try {
      const stats = statSync(candidate, { throwIfNoEntry: false });
      if (!stats) continue;
      code = 'EACCES';
      if (stats.isDirectory()) continue;
      accessSync(candidate, constants.X_OK);
      return { path: candidate };
    } catch {
      // ENOTDIR for a PATH entry that is a file, EACCES for a file without the x bit: try the next.
    }
  }
  return { error: Object.assign(new Error(`spawn ${file} ${code}`), { code, path: file }) };
}

/**
 * Why `file` cannot be executed from `cwd` with this PATH, as execvp would fail (ENOENT or
 * EACCES), or undefined when it can. A warm shell would only print its own message and exit 127,
 * so the helper checks first and reports a missing command the same way a direct spawn does.
 */
export function findExecutableError(
  file: string,
  cwd: string,
  path: string | undefined,
): NodeJS.ErrnoException | undefined {
  const resolved = resolveExecutable(file, cwd, path);
  return 'error' in resolved ? resolved.error : undefined;
}
