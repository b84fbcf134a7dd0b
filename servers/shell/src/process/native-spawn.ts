import { accessSync, constants as fsConstants } from 'node:fs';
import { createRequire } from 'node:module';
import { Socket } from 'node:net';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { groupExists } from './process-group.js';
import type { LaunchExit, LaunchedProcess, LaunchRequest } from './spawner.js';
import { resolveExecutable } from './warm-shell.js';

/** The compiled addon (native/spawn.c). */
export interface NativeSpawnAddon {
  spawn(
    path: string,
    argv: string[],
    env: string[],
    cwd: string,
    withStdin: boolean,
    onExit: (code: number | null, signal: number | null) => void,
  ): [pid: number, stdin: number, stdout: number, stderr: number];
}

/** Where `pnpm build` (node-gyp) leaves the addon, relative to this file in dist/process/. */
const ADDON_PATH = '../../native/build/Release/meshwork_spawn.node';

/**
 * Loads the addon, or returns undefined when it was not built (a published install without a
 * compiler, or a platform it does not support); commands then start from the spawn helper alone.
 */
export function loadNativeSpawn(): NativeSpawnAddon | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as Partial<NativeSpawnAddon>;
    return typeof addon.spawn === 'function' ? (addon as NativeSpawnAddon) : undefined;
  } catch {
    return undefined;
  }
}

/** Where `pnpm build` leaves the group watchdog (native/watchdog.c), beside the addon. */
const WATCHDOG_URL = new URL('../../native/build/Release/meshwork_watchdog', import.meta.url);

/**
 * The path of the group watchdog, or undefined when it was not built; the spawn helper then
 * watches the native commands' groups instead, at the cost of a second Node process.
 */
export function findNativeWatchdog(): string | undefined {
  if (process.platform !== 'linux') return undefined;
  const path = fileURLToPath(WATCHDOG_URL);
  try {
    accessSync(path, fsConstants.X_OK);
    return path;
  } catch {
    return undefined;
  }
}

const SIGNAL_NAMES = new Map<number, string>(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/**
 * Starts `request` from this process with the addon (clone(CLONE_VM | CLONE_VFORK) + execve), as a
 * session and group leader, or returns undefined when the spawn helper must start it instead, so
 * that nothing differs from a Node spawn: no PATH to search, or any failure to start (a missing
 * program, ENOEXEC for which execvp would run the file with /bin/sh, …), which the helper then
 * reports exactly as Node does.
 *
 * `onSpawned` hears of the pid before anything else can happen (the guard registers it), and
 * `onDone` once the group leader has exited and both pipes are closed or released.
 */
export function launchNative(
  addon: NativeSpawnAddon,
  request: LaunchRequest,
  onSpawned: (pid: number) => void,
  onDone: (pid: number) => void,
): LaunchedProcess | undefined {
  if (request.env.PATH === undefined && !request.file.includes('/')) return undefined;
  const resolved = resolveExecutable(request.file, request.cwd, request.env.PATH);
  if ('error' in resolved) return undefined;
  let exit!: (value: LaunchExit) => void;
  const exited = new Promise<LaunchExit>((resolve) => {
    exit = resolve;
  });
  let pid = 0;
  let fds: [number, number, number, number];
  try {
    fds = addon.spawn(
      resolved.path,
      [request.file, ...request.args],
      Object.entries(request.env).map(([name, value]) => `${name}=${value}`),
      request.cwd,
      request.stdin !== undefined,
      (code, signal) => {
        exit({
          code,
          signal: signal === null ? null : (SIGNAL_NAMES.get(signal) ?? `SIG${signal}`),
          groupGone: !groupExists(pid),
        });
      },
    );
  } catch {
    return undefined;
  }
  pid = fds[0];
  onSpawned(pid);
  const [, stdinFd, stdoutFd, stderrFd] = fds;
  if (stdinFd >= 0) {
    const stdin = new Socket({ fd: stdinFd, readable: false, writable: true });
    stdin.on('error', () => {
      // The command may exit without reading its input (EPIPE); that is not a failure.
    });
    stdin.end(request.stdin ?? '');
  }
  const stdout = new Socket({ fd: stdoutFd, readable: true, writable: false });
  const stderr = new Socket({ fd: stderrFd, readable: true, writable: false });
  const pipesClosed = Promise.all([closedOf(stdout), closedOf(stderr)]);
  const closed = Promise.all([exited, pipesClosed]).then(() => undefined);
  let done = false;
  const finish = () => {
    if (done) return;
    done = true;
    onDone(pid);
  };
  void closed.then(finish);
  return {
    stdout,
    stderr,
    started: Promise.resolve({ pid }),
    exited,
    closed,
    release() {
      // Output still buffered is dropped, as when a child's pipes are destroyed.
      stdout.destroy();
      stderr.destroy();
      void exited.then(finish);
    },
  };
}

function closedOf(stream: Socket): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed) resolve();
    else stream.once('close', () => resolve());
  });
}
