import { finished } from 'node:stream/promises';
import type { GroupGuard } from '../process/group-guard.js';
import { type CommandSpec, type SpawnSettings, spawnCommand } from '../process/spawn-command.js';
import { OutputCapture } from './output-capture.js';
import type { SpillDirectory } from './spill-directory.js';

/** Options for one foreground run. */
export interface ForegroundOptions {
  timeoutMs: number;
  /** Aborting ends the whole process group, like a timeout. */
  signal?: AbortSignal | undefined;
  maxOutputBytes: number;
  spill: SpillDirectory;
  guard: GroupGuard;
  /** Sees output as it arrives, tagged by stream. */
  onOutput?: ((stream: 'stdout' | 'stderr', chunk: Buffer) => void) | undefined;
  /** Told about the process once it has started, and again when it is done (to track it for shutdown). */
  onStart?: ((stop: () => Promise<void>) => () => void) | undefined;
}

/** The outcome of a foreground run. */
export interface ForegroundResult {
  /** Set when the command line could not be started at all (the shell itself never ran). */
  spawnError?: { message: string; errno?: string };
  pid: number | undefined;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
  stdoutBytes: number;
  stderrBytes: number;
  stdoutCutBytes: number;
  stderrCutBytes: number;
  stdoutFile: string | undefined;
  stderrFile: string | undefined;
}

/**
 * Runs a command to completion with bounded memory, a timeout and cancellation. Either ends the
 * whole process group.
 */
export async function runForeground(
  spec: CommandSpec,
  settings: SpawnSettings,
  options: ForegroundOptions,
): Promise<ForegroundResult> {
  const started = performance.now();
  const running = spawnCommand(spec, settings, options.guard);
  const untrack = options.onStart?.(() => running.kill());
  const captures = (['stdout', 'stderr'] as const).map((stream) => {
    const capture = new OutputCapture({
      limitBytes: options.maxOutputBytes,
      spillPath: () => options.spill.nextPath(stream),
      ...(options.onOutput ? { onData: (chunk: Buffer) => options.onOutput!(stream, chunk) } : {}),
    });
    running[stream].pipe(capture);
    return capture;
  }) as [OutputCapture, OutputCapture];

  let timedOut = false;
  let cancelled = false;
  const timer = setTimeout(() => {
    timedOut = true;
    void running.kill();
  }, options.timeoutMs);
  const onAbort = () => {
    cancelled = true;
    void running.kill();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const exit = await running.done;
    // A pipe destroyed after a kill never ends its capture on its own.
    for (const capture of captures) if (!capture.writableEnded) capture.end();
    await Promise.all(captures.map((capture) => finished(capture).catch(() => undefined)));
    const [stdout, stderr] = captures.map((capture) => capture.result()) as [
      ReturnType<OutputCapture['result']>,
      ReturnType<OutputCapture['result']>,
    ];
    const stderrText = exit.spawnError ? `${stderr.text}${exit.spawnError}\n` : stderr.text;
    return {
      pid: running.pid,
      exitCode: exit.exitCode,
      signal: exit.signal,
      timedOut,
      cancelled,
      durationMs: Math.round(performance.now() - started),
      stdout: stdout.text,
      stderr: stderrText,
      stdoutBytes: stdout.totalBytes,
      stderrBytes: stderr.totalBytes,
      stdoutCutBytes: stdout.cutBytes,
      stderrCutBytes: stderr.cutBytes,
      stdoutFile: stdout.file,
      stderrFile: stderr.file,
      ...(exit.spawnError === undefined
        ? {}
        : {
            spawnError: {
              message: exit.spawnError,
              ...(exit.spawnErrno === undefined ? {} : { errno: exit.spawnErrno }),
            },
          }),
    };
  } finally {
    clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
    untrack?.();
  }
}
