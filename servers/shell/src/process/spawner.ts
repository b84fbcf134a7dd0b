import { type ChildProcess, spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createGroupGuard } from './group-guard.js';
import { launchNative, type NativeSpawnAddon } from './native-spawn.js';
import {
  createFrameReader,
  type ExitPayload,
  FrameKind,
  type HelperRequest,
  type SpawnedPayload,
} from './spawn-frames.js';

/** What to start: a file with its argv, as the leader of a new process group. */
export interface LaunchRequest {
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string | undefined;
}

/** How the leader of a launched command ended. */
export interface LaunchExit extends ExitPayload {
  /** Set when the helper died first, so the real exit status is unknown. */
  lost?: string;
}

/** A command started through the {@link Spawner}. */
export interface LaunchedProcess {
  stdout: Readable;
  stderr: Readable;
  /** Settles once the command runs (with its pid, which is also its process group id) or could not start. */
  started: Promise<SpawnedPayload>;
  /** Settles when the group leader has exited; never settles when the command did not start. */
  exited: Promise<LaunchExit>;
  /** Settles when the leader has exited and both pipes are closed (or were released). */
  closed: Promise<void>;
  /** Gives up on the pipes (held open by a process that left the group): both streams end now. */
  release(): void;
}

/** Options of {@link createSpawner}. */
export interface SpawnerOptions {
  /**
   * The spawn addon (vfork-style clone, see native-spawn.ts): commands start from the server itself, and the
   * helper only watches their groups. Without it every command starts from the helper.
   */
  native?: NativeSpawnAddon | undefined;
  /**
   * The group watchdog (native/watchdog.c, found by `findNativeWatchdog`): with `native`, it
   * watches the commands' groups in place of the helper, so no helper runs unless a command must
   * start from it.
   */
  watchdog?: string | undefined;
}

/** Starts commands, natively from the server or from a small helper process. */
export interface Spawner {
  launch(request: LaunchRequest): LaunchedProcess;
  /** Stops the helper; commands still running lose their output. Call after ending them. */
  close(): void;
}

const HELPER_PATH = fileURLToPath(new URL('../spawn-helper-bin.js', import.meta.url));
// Keep the helper's own memory small, since that is what each fork copies: a 1 MB young
// generation instead of up to 16 MB, and no V8 worker threads (fewer mappings to duplicate).
const HELPER_FLAGS = ['--max-semi-space-size=1', '--single-threaded'];

interface Entry {
  /** The helper that runs the command. */
  helper: Helper;
  stdout: RelayStream;
  stderr: RelayStream;
  started: boolean;
  exited: boolean;
  resolveStarted(payload: SpawnedPayload): void;
  resolveExited(exit: LaunchExit): void;
  resolveClosed(): void;
}

/** A readable side of a relayed pipe; reading from it again lets the helper's output flow. */
class RelayStream extends Readable {
  constructor(private readonly onRead: (stream: RelayStream) => void) {
    super();
  }

  override _read(): void {
    this.onRead(this);
  }
}

interface Helper {
  child: ChildProcess;
  /** Streams whose buffer is full; the helper's output is paused while there is any. */
  full: Set<RelayStream>;
}

/**
 * Creates a spawner. With the addon, commands start from this process and a guard process
 * (the group watchdog, else the helper) ends their groups if this process dies. Without it, or
 * for a command the addon leaves to it, the helper (spawn-helper.ts) starts the command.
 *
 * Each of the two processes is started by the first command that needs it, and again by the
 * next one if it ever dies (a dead guard is replaced at once): a server that is connected but
 * never runs a command (a profile that lists the shell and does not use it) holds neither.
 * Neither keeps the event loop alive while no command is in flight.
 *
 * Why: fork() copies the page tables of the process that calls it, so starting a command from the
 * server costs more the more memory the server holds; the helper holds almost none. The helper
 * only starts processes and relays their output: every policy decision, timeout and kill stays
 * here (process groups are signalled directly by pid).
 */
export function createSpawner(options: SpawnerOptions = {}): Spawner {
  const entries = new Map<number, Entry>();
  let helper: Helper | undefined;
  let watchdog: ChildProcess | undefined;
  let nextId = 0;
  let closed = false;

  /** No more output will come: ends both streams; `closed` settles once their readers saw the end. */
  const finish = (id: number, entry: Entry) => {
    entries.delete(id);
    entry.stdout.push(null);
    entry.stderr.push(null);
    // Like a child's 'close' event, which comes only after its pipes have emitted all their data.
    void Promise.all([drained(entry.stdout), drained(entry.stderr)]).then(entry.resolveClosed);
    if (entries.size === 0) idle();
  };
  const idle = () => {
    // With nothing in flight the helper must not keep the server's event loop alive.
    helper?.child.unref();
    (helper?.child.stdout as { unref?: () => void } | null)?.unref?.();
  };
  const busy = () => {
    helper?.child.ref();
    (helper?.child.stdout as { ref?: () => void } | null)?.ref?.();
  };

  const push = (current: Helper, stream: RelayStream, chunk: Buffer) => {
    if (stream.destroyed) return;
    if (!stream.push(chunk)) {
      current.full.add(stream);
      current.child.stdout!.pause();
    }
  };
  const onRead = (stream: RelayStream) => {
    const current = helper;
    if (current?.full.delete(stream) && current.full.size === 0) current.child.stdout!.resume();
  };

  const onFrame = (current: Helper, kind: number, id: number, payload: Buffer) => {
    const entry = entries.get(id);
    if (!entry) return;
    switch (kind) {
      case FrameKind.spawned: {
        const spawned = JSON.parse(payload.toString('utf8')) as SpawnedPayload;
        entry.started = true;
        entry.resolveStarted(spawned);
        if ('error' in spawned) finish(id, entry);
        break;
      }
      case FrameKind.stdout:
        push(current, entry.stdout, payload);
        break;
      case FrameKind.stderr:
        push(current, entry.stderr, payload);
        break;
      case FrameKind.exit:
        entry.exited = true;
        entry.resolveExited(JSON.parse(payload.toString('utf8')) as ExitPayload);
        break;
      case FrameKind.closed:
        finish(id, entry);
        break;
    }
  };

  const lose = (lost: Helper, reason: string) => {
    if (helper === lost) helper = undefined;
    for (const [id, entry] of entries) {
      if (entry.helper !== lost) continue;
      if (!entry.started) entry.resolveStarted({ error: { code: 'EHELPER', message: reason } });
      else if (!entry.exited) entry.resolveExited({ code: null, signal: null, lost: reason });
      finish(id, entry);
    }
    // Native commands outlive a dead guard, so a new one takes over their groups at once.
    if (!options.watchdog) guard.lost();
  };

  const startHelper = (): Helper => {
    const child = spawn(process.execPath, [...HELPER_FLAGS, HELPER_PATH], {
      stdio: ['pipe', 'pipe', 'inherit'],
      // Nothing of the server's environment (NODE_OPTIONS included) reaches the helper; every
      // command brings its own environment.
      env: {},
    });
    const current: Helper = { child, full: new Set() };
    // A helper that replaces a dead one takes over the groups the old one was watching.
    if (!options.watchdog) child.stdin!.write(guard.watchedLines());
    if (entries.size === 0) {
      child.unref();
      (child.stdout as { unref?: () => void } | null)?.unref?.();
    }
    const read = createFrameReader((kind, id, payload) => onFrame(current, kind, id, payload));
    child.stdout!.on('data', read);
    child.stdin!.on('error', () => {
      // The helper died; its exit (below) fails what was in flight.
    });
    child.once('error', (error) => lose(current, `the spawn helper failed: ${error.message}`));
    child.once('exit', (code, signal) =>
      lose(current, `the spawn helper exited (${signal ?? `code ${code}`}) while the command ran`),
    );
    return current;
  };

  const startWatchdog = (path: string, lines: string) => {
    const child = spawn(path, [], { stdio: ['pipe', 'ignore', 'inherit'], env: {} });
    watchdog = child;
    // It must never keep this process alive: it exists for when this process is gone.
    child.unref();
    child.stdin!.on('error', () => {
      // It died; its exit (below) hands the groups to a new one.
    });
    child.stdin!.write(lines);
    const gone = () => {
      if (watchdog !== child) return;
      watchdog = undefined;
      guard.lost();
    };
    child.once('error', gone);
    child.once('exit', gone);
  };

  /** Groups of natively started commands, which the guard process ends if this process dies. */
  const guard = createGroupGuard(
    options.watchdog
      ? {
          current: () => watchdog?.stdin ?? undefined,
          start: (lines) => startWatchdog(options.watchdog!, lines),
        }
      : {
          current: () => helper?.child.stdin ?? undefined,
          start: () => {
            helper = startHelper();
          },
        },
  );

  const launch = (request: LaunchRequest): LaunchedProcess => {
    if (closed) throw new Error('The spawner is closed.');
    if (options.native) {
      const launched = launchNative(options.native, request, guard.watch, guard.unwatch);
      if (launched) return launched;
    }
    helper ??= startHelper();
    const current = helper;
    nextId = (nextId % 0xffff_ffff) + 1;
    const id = nextId;
    let resolveStarted!: (payload: SpawnedPayload) => void;
    let resolveExited!: (exit: LaunchExit) => void;
    let resolveClosed!: () => void;
    const started = new Promise<SpawnedPayload>((resolve) => {
      resolveStarted = resolve;
    });
    const exited = new Promise<LaunchExit>((resolve) => {
      resolveExited = resolve;
    });
    const closedPromise = new Promise<void>((resolve) => {
      resolveClosed = resolve;
    });
    const entry: Entry = {
      helper: current,
      stdout: new RelayStream(onRead),
      stderr: new RelayStream(onRead),
      started: false,
      exited: false,
      resolveStarted,
      resolveExited,
      resolveClosed,
    };
    for (const stream of [entry.stdout, entry.stderr]) {
      stream.once('close', () => onRead(stream));
    }
    if (entries.size === 0) busy();
    entries.set(id, entry);
    const message: HelperRequest = { op: 'spawn', id, ...request };
    current.child.stdin!.write(`${JSON.stringify(message)}\n`);
    return {
      stdout: entry.stdout,
      stderr: entry.stderr,
      started,
      exited,
      closed: closedPromise,
      release() {
        // Output still buffered here is dropped, as when a child's pipes are destroyed.
        entry.stdout.destroy();
        entry.stderr.destroy();
        entry.resolveClosed();
        if (!entries.delete(id)) return;
        if (helper === current) current.child.stdin!.write(`${JSON.stringify({ op: 'release', id })}\n`);
        if (entries.size === 0) idle();
      },
    };
  };

  return {
    launch,
    close() {
      closed = true;
      guard.close();
      watchdog?.stdin?.end();
      watchdog = undefined;
      const current = helper;
      helper = undefined;
      if (current) {
        current.child.stdin!.end();
        lose(current, 'the server is shutting down');
      }
    },
  };
}

/** Settles when a stream has emitted its end (or was destroyed). */
function drained(stream: Readable): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}
