import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { groupExists } from './process-group.js';
import {
  type ExitPayload,
  FrameKind,
  frameHeader,
  type HelperRequest,
  type SpawnedPayload,
  type SpawnRequest,
} from './spawn-frames.js';
import {
  directoryIdentity,
  findExecutableError,
  startWarmShell,
  type WarmShell,
  warmShellKey,
  warmShellLine,
} from './warm-shell.js';

/** The shell that warm shells run; POSIX puts one here on every system we support. */
const WARM_SHELL_PATH = '/bin/sh';

/** How long the helper must have been idle before it forks the next warm shell. */
const WARM_SHELL_IDLE_MS = 1;

/** Longest wait before a started command's pid is reported when it has neither output nor exited. */
const ANNOUNCE_DELAY_MS = 5;

/**
 * The spawn helper: a small, long-lived Node process that starts commands for the server.
 *
 * Why it exists: Node starts a child with fork() + exec(), and fork() copies the page tables of the
 * whole parent, so its cost grows with the parent's resident memory. The server holds the MCP SDK,
 * zod, the GopherJS bash parser and their heaps; this process holds nothing but the spawning
 * code, so starting a command from here is cheaper than from the server even after relaying the
 * request and the output over a pipe.
 *
 * It is deliberately dumb: it runs exactly the file, argv, cwd and environment it is sent, each
 * as the leader of a new process group, and relays what happens. Policy, timeouts and killing
 * stay in the server, which signals process groups itself. When its input ends (the server exited
 * or crashed) it ends every group it started, so commands never outlive the server.
 */
export function runSpawnHelper(input: Readable, output: Writable): void {
  const children = new Map<number, ChildProcess>();
  /** Groups the server started itself; ended with ours if the server goes away. */
  const watched = new Set<number>();
  let warm: WarmShell | undefined;
  let warmTimer: NodeJS.Timeout | undefined;
  let warmShellsWork = true;
  let abandoned = false;
  let corked = false;
  let blocked = false;

  const send = (kind: FrameKind, id: number, payload: Buffer) => {
    // Frames from one turn of the event loop (a command's exit and the end of its pipes usually
    // arrive together) leave in one write, so the server wakes once.
    if (!corked) {
      corked = true;
      output.cork();
      setImmediate(() => {
        corked = false;
        output.uncork();
      });
    }
    output.write(frameHeader(kind, id, payload.length));
    if (!output.write(payload) && !blocked) {
      // The server is not keeping up: stop reading every command's output until it drains.
      blocked = true;
      for (const child of children.values()) {
        child.stdout?.pause();
        child.stderr?.pause();
      }
    }
  };
  const sendJson = (kind: FrameKind, id: number, value: SpawnedPayload | ExitPayload) =>
    send(kind, id, Buffer.from(JSON.stringify(value)));
  output.on('drain', () => {
    blocked = false;
    for (const child of children.values()) {
      child.stdout?.resume();
      child.stderr?.resume();
    }
  });

  const refuse = (id: number, error: NodeJS.ErrnoException) =>
    sendJson(FrameKind.spawned, id, { error: { code: error.code ?? 'EUNKNOWN', message: error.message } });

  /**
   * Starts the next warm shell once the helper has been idle for {@link WARM_SHELL_IDLE_MS}. The
   * fork blocks this process for most of a millisecond, so it must not run while a command's exit
   * waits to be relayed or while the next request is already on its way; a client firing commands
   * back to back simply gets ordinary spawns.
   */
  const prepareWarmShell = (request: SpawnRequest, key: string) => {
    clearTimeout(warmTimer);
    if (!warmShellsWork || abandoned) return;
    warmTimer = setTimeout(() => {
      if (abandoned || warm) return;
      let shell: WarmShell;
      try {
        shell = startWarmShell(WARM_SHELL_PATH, request, key);
      } catch {
        return;
      }
      const { child } = shell;
      // A shell that cannot even start (no /bin/sh) means commands start the ordinary way from now on.
      child.once('error', () => {
        warmShellsWork = false;
        if (warm?.child === child) warm = undefined;
      });
      child.once('exit', () => {
        if (warm?.child === child) warm = undefined;
      });
      if (child.pid !== undefined) warm = shell;
    }, WARM_SHELL_IDLE_MS);
  };

  /** The warm shell this request can run in (now told its line), or undefined to spawn directly. */
  const takeWarmShell = (request: SpawnRequest, key: string | undefined): ChildProcess | undefined => {
    const line = key === undefined ? undefined : warmShellLine(request);
    if (key === undefined || line === undefined) return undefined;
    const current = warm;
    if (
      current?.key !== key ||
      current.child.exitCode !== null ||
      current.child.signalCode !== null ||
      // The directory was removed (or replaced) since: a direct spawn reports that, a shell inside it would not.
      current.cwdIdentity === undefined ||
      directoryIdentity(request.cwd) !== current.cwdIdentity
    ) {
      if (current) {
        warm = undefined;
        killGroup(current.child.pid!);
      }
      return undefined;
    }
    // A missing command must fail as it would from spawn(), not as the shell's own message.
    if (findExecutableError(request.file, request.cwd, request.env.PATH)) return undefined;
    warm = undefined;
    current.child.stdin!.end(request.stdin === undefined ? line : line + request.stdin);
    return current.child;
  };

  const start = (request: SpawnRequest) => {
    const id = request.id;
    clearTimeout(warmTimer);
    const warmKey = warmShellKey(request);
    let child: ChildProcess | undefined = takeWarmShell(request, warmKey);
    const warmed = child !== undefined;
    if (!child) {
      try {
        child = spawn(request.file, request.args, {
          cwd: request.cwd,
          env: request.env,
          detached: true,
          stdio: [request.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        });
      } catch (error) {
        refuse(id, error as NodeJS.ErrnoException);
        return;
      }
    }
    const pid = child.pid;
    if (pid === undefined) {
      // The error event follows on the next tick with the reason (ENOENT, EACCES, …).
      child.once('error', (error: NodeJS.ErrnoException) => refuse(id, error));
      return;
    }
    children.set(id, child);
    // The pid is announced with the first output, the exit or after a few milliseconds, whichever
    // comes first: a quick command then costs the server one wake-up instead of two, and nothing
    // needs the pid sooner (a timeout or a cancellation just waits for it).
    let announced = false;
    const announce = () => {
      if (announced) return;
      announced = true;
      clearTimeout(timer);
      sendJson(FrameKind.spawned, id, { pid });
    };
    const timer = setTimeout(announce, ANNOUNCE_DELAY_MS);
    if (!warmed && request.stdin !== undefined && child.stdin) {
      child.stdin.on('error', () => {
        // The command may exit without reading its input (EPIPE); that is not a failure.
      });
      child.stdin.end(request.stdin);
    }
    child.stdout!.on('data', (chunk: Buffer) => {
      announce();
      send(FrameKind.stdout, id, chunk);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      announce();
      send(FrameKind.stderr, id, chunk);
    });
    if (blocked) {
      child.stdout!.pause();
      child.stderr!.pause();
    }
    child.once('exit', (code, signal) => {
      announce();
      sendJson(FrameKind.exit, id, { code, signal, groupGone: !groupExists(pid) });
    });
    child.once('close', () => {
      if (children.delete(id)) send(FrameKind.closed, id, Buffer.alloc(0));
      if (warmKey !== undefined) prepareWarmShell(request, warmKey);
    });
  };

  const handle = (request: HelperRequest) => {
    if (request.op === 'spawn') {
      start(request);
    } else if (request.op === 'watch') {
      watched.add(request.pgid);
    } else if (request.op === 'unwatch') {
      watched.delete(request.pgid);
    } else if (request.op === 'release') {
      const child = children.get(request.id);
      children.delete(request.id);
      child?.stdout?.destroy();
      child?.stderr?.destroy();
    }
  };

  let buffered = '';
  input.setEncoding('utf8');
  input.on('data', (text: string) => {
    buffered += text;
    for (let newline = buffered.indexOf('\n'); newline !== -1; newline = buffered.indexOf('\n')) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      handle(JSON.parse(line) as HelperRequest);
    }
  });
  const abandon = () => {
    // The server is gone: nobody can read these commands' output or stop them any more.
    abandoned = true;
    clearTimeout(warmTimer);
    if (warm) killGroup(warm.child.pid!);
    warm = undefined;
    for (const child of children.values()) {
      killGroup(child.pid!);
      child.stdout?.destroy();
      child.stderr?.destroy();
    }
    children.clear();
    for (const pgid of watched) killGroup(pgid);
    watched.clear();
    input.destroy();
  };
  input.on('end', abandon);
  input.on('error', abandon);
  output.on('error', abandon);
}

/** Sends SIGKILL to process group `pgid`, which may already be gone. */
function killGroup(pgid: number): void {
  try {
    process.kill(-pgid, 'SIGKILL');
  } catch {
    // already gone
  }
}
