import { rmSync } from 'node:fs';
import type { Logger } from '@meshwork/kit';
import { ShellError } from '../errors.js';
import { createGroupGuard } from '../process/group-guard.js';
import {
  type CommandSpec,
  type ExitInfo,
  type SpawnSettings,
  spawnCommand,
} from '../process/spawn-command.js';
import { LogFile } from './log-file.js';
import { type ForegroundOptions, type ForegroundResult, runForeground } from './run-foreground.js';
import type { SpillDirectory } from './spill-directory.js';

/** Options for {@link createProcessTable}. */
export interface ProcessTableOptions {
  settings: SpawnSettings;
  spill: SpillDirectory;
  /** Most background processes running at once. */
  maxProcesses: number;
  /** Finished background records kept for status and output reads. */
  maxFinished?: number;
  /** Hears when the group guard had to be replaced. */
  logger?: Logger | undefined;
}

/** What process_status reports about a background process. */
export interface BackgroundStatus {
  id: string;
  command: string;
  pid: number | undefined;
  cwd: string;
  state: 'running' | 'exited';
  exit_code: number | null;
  signal: string | null;
  timed_out: boolean;
  stopped: boolean;
  started_at: string;
  duration_ms: number;
  output_bytes: number;
  output_file: string;
}

interface BackgroundProcess {
  id: string;
  command: string;
  cwd: string;
  readonly pid: number | undefined;
  startedAt: Date;
  started: number;
  log: LogFile;
  exit: ExitInfo | undefined;
  endedAt: number | undefined;
  timedOut: boolean;
  stopped: boolean;
  kill(): Promise<void>;
  finished: Promise<void>;
}

/**
 * Every process the server started: foreground runs (tracked only so shutdown can end them) and
 * background processes with their logs. Build it once per server process and share it.
 */
export interface ProcessTable {
  runForeground(
    spec: CommandSpec,
    options: Omit<ForegroundOptions, 'spill' | 'guard' | 'onStart'>,
  ): Promise<ForegroundResult>;
  /** Starts a background process; a command that could not start shows it in its status and output. */
  start(spec: CommandSpec, command: string, timeoutMs: number | undefined): Promise<BackgroundStatus>;
  status(id: string): BackgroundStatus;
  list(): BackgroundStatus[];
  read(
    id: string,
    since: number,
    maxBytes: number,
    waitMs: number,
    signal?: AbortSignal,
  ): Promise<{ status: BackgroundStatus; text: string; next: number }>;
  stop(id: string): Promise<BackgroundStatus>;
  /** Ends every process (foreground and background) and removes the spilled output files. */
  close(): Promise<void>;
}

/**
 * Creates the shared process table. Every command's group is registered with one group guard (see
 * group-guard.ts), which kills what is left if this process dies; `close()` ends both.
 */
export function createProcessTable(options: ProcessTableOptions): ProcessTable {
  const guard = createGroupGuard({
    onLost: (reason) => options.logger?.warn({ reason }, 'group guard lost'),
  });
  const foreground = new Set<() => Promise<void>>();
  const background = new Map<string, BackgroundProcess>();
  const maxFinished = options.maxFinished ?? 32;
  let counter = 0;
  let closed = false;

  const find = (id: string): BackgroundProcess => {
    const entry = background.get(id);
    if (!entry)
      throw new ShellError('E_NO_PROCESS', `No background process ${id}. Call process_status to list them.`);
    return entry;
  };
  const prune = () => {
    const finished = [...background.values()].filter((entry) => entry.exit);
    for (const entry of finished.slice(0, Math.max(0, finished.length - maxFinished))) {
      background.delete(entry.id);
      rmSync(entry.log.path, { force: true });
    }
  };

  return {
    runForeground(spec, runOptions) {
      if (closed) throw new ShellError('E_CLOSED', 'The server is shutting down.');
      return runForeground(spec, options.settings, {
        ...runOptions,
        spill: options.spill,
        guard,
        onStart(stop) {
          foreground.add(stop);
          return () => foreground.delete(stop);
        },
      });
    },
    async start(spec, command, timeoutMs) {
      if (closed) throw new ShellError('E_CLOSED', 'The server is shutting down.');
      const running = [...background.values()].filter((entry) => !entry.exit).length;
      if (running >= options.maxProcesses) {
        throw new ShellError(
          'E_TOO_MANY_PROCESSES',
          `${running} background processes are running, the most allowed. Stop one with stop_process first.`,
        );
      }
      counter += 1;
      const id = `p${counter}`;
      const log = new LogFile(options.spill.nextPath(`${id}-output`));
      const child = spawnCommand(spec, options.settings, guard);
      // The log ends once the command is done (its pipes have ended by then), after the reason it
      // could not start, if any.
      for (const stream of [child.stdout, child.stderr]) stream.pipe(log, { end: false });
      const entry: BackgroundProcess = {
        id,
        command,
        cwd: spec.cwd,
        pid: child.pid,
        startedAt: new Date(),
        started: performance.now(),
        log,
        exit: undefined,
        endedAt: undefined,
        timedOut: false,
        stopped: false,
        kill: () => child.kill(),
        finished: Promise.resolve(),
      };
      const timer = timeoutMs
        ? setTimeout(() => {
            entry.timedOut = true;
            void child.kill();
          }, timeoutMs)
        : undefined;
      entry.finished = child.done.then(async (exit) => {
        clearTimeout(timer);
        if (exit.spawnError && !log.writableEnded) log.write(`${exit.spawnError}\n`);
        if (!log.writableEnded) log.end();
        entry.exit = exit;
        entry.endedAt = performance.now();
        prune();
      });
      background.set(id, entry);
      return describe(entry);
    },
    status: (id) => describe(find(id)),
    list: () => [...background.values()].map(describe),
    async read(id, since, maxBytes, waitMs, signal) {
      const entry = find(id);
      await entry.log.waitBeyond(since, entry.exit ? 0 : waitMs, signal);
      const slice = await entry.log.read(since, maxBytes);
      return { status: describe(entry), text: slice.text, next: slice.next };
    },
    async stop(id) {
      const entry = find(id);
      if (!entry.exit) {
        entry.stopped = true;
        await entry.kill();
        await entry.finished;
      }
      return describe(entry);
    },
    async close() {
      closed = true;
      const entries = [...background.values()];
      await Promise.all([
        ...[...foreground].map((stop) => stop()),
        ...entries.map(async (entry) => {
          await entry.kill();
          await entry.finished;
        }),
      ]);
      guard.close();
      options.spill.remove();
    },
  };
}

function describe(entry: BackgroundProcess): BackgroundStatus {
  const end = entry.endedAt ?? performance.now();
  return {
    id: entry.id,
    command: entry.command,
    pid: entry.pid,
    cwd: entry.cwd,
    state: entry.exit ? 'exited' : 'running',
    exit_code: entry.exit?.exitCode ?? null,
    signal: entry.exit?.signal ?? null,
    timed_out: entry.timedOut,
    stopped: entry.stopped,
    started_at: entry.startedAt.toISOString(),
    duration_ms: Math.round(end - entry.started),
    output_bytes: entry.log.size,
    output_file: entry.log.path,
  };
}
