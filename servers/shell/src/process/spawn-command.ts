import { type ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { type BubblewrapConfig, bubblewrapCommand } from './bubblewrap.js';
import type { GroupGuard } from './group-guard.js';
import { killGroup } from './process-group.js';

/** What to start: an argv run directly, or a script run by bash. */
export interface CommandSpec {
  argv?: readonly string[] | undefined;
  script?: string | undefined;
  cwd: string;
  env: Record<string, string>;
  stdin?: string | undefined;
}

/** Shared settings for starting commands. */
export interface SpawnSettings {
  /** Absolute path of bash. */
  shellPath: string;
  sandbox?: BubblewrapConfig | undefined;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

/** How a command ended. */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** Set when the command could not be started at all. */
  spawnError?: string;
  /** The errno of that failure (`ENOENT`, `E2BIG`, …). */
  spawnErrno?: string;
}

/** A started command in its own process group. */
export interface RunningCommand {
  /** Process id of the group leader, which is also the process group id; undefined when it did not start. */
  pid: number | undefined;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the leader has exited, the rest of its group is gone and the pipes are closed. */
  done: Promise<ExitInfo>;
  /** Ends the whole group (SIGTERM, then SIGKILL after the grace period). Idempotent. */
  kill(): Promise<void>;
}

/**
 * Starts a command as the leader of a new session and process group (`detached`), so that the whole
 * tree can be signalled at once, and registers the group with `guard` in the same tick. When the
 * leader exits, whatever it left behind in its group is ended too.
 */
export function spawnCommand(spec: CommandSpec, settings: SpawnSettings, guard: GroupGuard): RunningCommand {
  const base = spec.argv ? [...spec.argv] : [settings.shellPath, '-c', spec.script ?? ''];
  const [file, ...args] = settings.sandbox ? bubblewrapCommand(settings.sandbox, spec.cwd, base) : base;
  let child: ChildProcess;
  try {
    child = spawn(file!, args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
  } catch (error) {
    // Node refuses some arguments before it forks (a NUL byte in a variable, for example).
    const failure = spawnFailure(base[0]!, error as NodeJS.ErrnoException);
    return { pid: undefined, ...emptyPipes(), done: Promise.resolve(failure), kill: async () => {} };
  }
  const pid = child.pid;
  if (pid !== undefined) guard.add(pid);
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const ended = new Promise<ExitInfo>((resolve) => {
    child.once('exit', (code, signal) => resolve({ exitCode: code, signal }));
    // Also kept after the exit: an 'error' event without a listener would end the server.
    child.on('error', (error) => resolve(spawnFailure(base[0]!, error)));
  });
  if (spec.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {
      // The command may exit without reading its input (EPIPE); that is not a failure.
    });
    child.stdin.end(spec.stdin);
  }
  let killing: Promise<void> | undefined;
  const kill = (): Promise<void> => {
    if (pid === undefined) return Promise.resolve();
    killing ??= killGroup(pid, settings.killGraceMs);
    return killing;
  };
  const done = (async (): Promise<ExitInfo> => {
    const exit = await ended;
    if (pid === undefined) {
      await closed;
      return exit;
    }
    // Leftovers in the group (a `sleep &`) would hold the pipes open and outlive the command.
    await kill();
    guard.remove(pid);
    // A process that left the group may still hold the pipes open: wait for them, but not forever.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      closed,
      new Promise((resolve) => (timer = setTimeout(resolve, settings.killGraceMs + 1000))),
    ]);
    clearTimeout(timer);
    child.stdout!.destroy();
    child.stderr!.destroy();
    return exit;
  })();
  return { pid, stdout: child.stdout!, stderr: child.stderr!, done, kill };
}

/** How a command that could not start is reported: exit 127 when it was not found, else 126, as bash does. */
function spawnFailure(program: string, error: NodeJS.ErrnoException): ExitInfo {
  const missing = error.code === 'ENOENT';
  return {
    exitCode: missing ? 127 : 126,
    signal: null,
    spawnError: missing ? `${program}: command not found` : `${program}: ${error.message}`,
    ...(error.code === undefined ? {} : { spawnErrno: error.code }),
  };
}

function emptyPipes(): { stdout: Readable; stderr: Readable } {
  return { stdout: Readable.from([]), stderr: Readable.from([]) };
}
