import type { Readable } from 'node:stream';
import { killGroup } from './process-group.js';
import { type SandboxConfig, sandboxCommand } from './sandbox.js';
import type { Spawner } from './spawner.js';

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
  sandbox?: SandboxConfig | undefined;
  /** Time between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

/** How a command ended. */
export interface ExitInfo {
  exitCode: number | null;
  signal: string | null;
  /** Set when the command could not be started at all (or its fate could not be learned). */
  spawnError?: string;
}

/** A started command in its own process group. */
export interface RunningCommand {
  /** Process id of the group leader, which is also the process group id; set once {@link started} settles. */
  pid: number | undefined;
  /** Settles once the command runs or has failed to start (then `pid` stays undefined). */
  started: Promise<void>;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the leader has exited, the rest of its group is gone and the pipes are closed. */
  done: Promise<ExitInfo>;
  /** Ends the whole group (SIGTERM, then SIGKILL after the grace period). Idempotent. */
  kill(): Promise<void>;
}

/**
 * Starts a command as the leader of a new process group (through the spawner), so that the whole
 * tree can be signalled at once. When the leader exits, whatever it left behind in its group is
 * ended too.
 */
export function spawnCommand(spec: CommandSpec, settings: SpawnSettings, spawner: Spawner): RunningCommand {
  const base = spec.argv ? [...spec.argv] : [settings.shellPath, '-c', spec.script ?? ''];
  const [file, ...args] = settings.sandbox ? sandboxCommand(settings.sandbox, spec.cwd, base) : base;
  const launched = spawner.launch({ file: file!, args, cwd: spec.cwd, env: spec.env, stdin: spec.stdin });
  let pid: number | undefined;
  const started = launched.started.then((spawned) => {
    if ('pid' in spawned) pid = spawned.pid;
  });
  let killing: Promise<void> | undefined;
  const kill = async (): Promise<void> => {
    await started;
    if (pid === undefined) return;
    killing ??= killGroup(pid, settings.killGraceMs);
    return killing;
  };
  const done = (async (): Promise<ExitInfo> => {
    const spawned = await launched.started;
    if ('error' in spawned) {
      const missing = spawned.error.code === 'ENOENT';
      return {
        exitCode: missing ? 127 : 126,
        signal: null,
        spawnError: missing ? `${base[0]}: command not found` : `${base[0]}: ${spawned.error.message}`,
      };
    }
    const exit = await launched.exited;
    // Leftovers in the group (a `sleep &`) would hold the pipes open and outlive the command.
    if (!exit.groupGone) await kill();
    // Bounded wait for the pipes: a grandchild that left the group may still hold them open. A
    // plain timer, not an aborted AbortSignal, because aborting builds a DOMException with a stack
    // on every command.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, settings.killGraceMs + 1000);
      void launched.closed.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    launched.release();
    return {
      exitCode: exit.code,
      signal: exit.signal,
      ...(exit.lost ? { spawnError: `${exit.lost}; its process group was ended` } : {}),
    };
  })();
  return {
    get pid() {
      return pid;
    },
    started,
    stdout: launched.stdout,
    stderr: launched.stderr,
    done,
    kill,
  };
}
