import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { killGroup } from './process-group.js';
import { type SandboxConfig, sandboxCommand } from './sandbox.js';

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
  /** Set when the command could not be started at all. */
  spawnError?: string;
}

/** A started command in its own process group. */
export interface RunningCommand {
  /** Process id of the group leader, which is also the process group id. */
  pid: number | undefined;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the leader has exited, the rest of its group is gone and the pipes are closed. */
  done: Promise<ExitInfo>;
  /** Ends the whole group (SIGTERM, then SIGKILL after the grace period). Idempotent. */
  kill(): Promise<void>;
}

/**
 * Starts a command as the leader of a new process group (`detached`), so that the whole tree can
 * be signalled at once. When the leader exits, whatever it left behind in its group is ended too.
 */
export function spawnCommand(spec: CommandSpec, settings: SpawnSettings): RunningCommand {
  const base = spec.argv ? [...spec.argv] : [settings.shellPath, '-c', spec.script ?? ''];
  const [file, ...args] = settings.sandbox ? sandboxCommand(settings.sandbox, spec.cwd, base) : base;
  const child: ChildProcess = spawn(file!, args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: [spec.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (spec.stdin !== undefined && child.stdin) {
    child.stdin.on('error', () => {
      // The command may exit without reading its input (EPIPE); that is not our failure.
    });
    child.stdin.end(spec.stdin);
  }
  const pid = child.pid;
  let killing: Promise<void> | undefined;
  const kill = (): Promise<void> => {
    if (pid === undefined) return Promise.resolve();
    killing ??= killGroup(pid, settings.killGraceMs);
    return killing;
  };
  const done = (async (): Promise<ExitInfo> => {
    const closed = once(child, 'close').catch(() => undefined);
    const [code, signal] = (await Promise.race([
      once(child, 'exit'),
      once(child, 'error').then(([error]) => {
        throw error;
      }),
    ]).catch((error: NodeJS.ErrnoException) => ['error', error])) as [number | null | 'error', unknown];
    if (code === 'error') {
      const error = signal as NodeJS.ErrnoException;
      const missing = error.code === 'ENOENT';
      return {
        exitCode: missing ? 127 : 126,
        signal: null,
        spawnError: missing ? `${base[0]}: command not found` : `${base[0]}: ${error.message}`,
      };
    }
    // Leftovers in the group (a `sleep &`) would hold the pipes open and outlive the command.
    await kill();
    const cap = new AbortController();
    await Promise.race([
      closed,
      delay(settings.killGraceMs + 1000, undefined, { signal: cap.signal }).catch(() => undefined),
    ]);
    cap.abort();
    child.stdout?.destroy();
    child.stderr?.destroy();
    return { exitCode: code, signal: (signal as string | null) ?? null };
  })();
  return { pid, stdout: child.stdout!, stderr: child.stderr!, done, kill };
}
