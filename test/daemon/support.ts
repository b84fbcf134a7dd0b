import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { pickEnvironment } from '@meshwork/testkit';

/** The built `meshwork` bin (`meshwork daemon start` spawns it too). */
export const CLI_BIN = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));
/** The journaling task runner used instead of the coordinator when a test needs no model. */
export const JOURNAL_RUNNER = fileURLToPath(
  new URL('../../cli/test/daemon/fixtures/journal-runner.mjs', import.meta.url),
);

/** A foreground daemon process. */
export interface DaemonProcess {
  process: ChildProcess;
  pid: number;
  stderr(): string;
  /** SIGKILL, and wait until the process is gone (and reaped). */
  kill(): Promise<void>;
  /** SIGTERM (graceful), and wait for exit. */
  stop(): Promise<void>;
}

/** Starts `meshwork daemon` in the foreground; resolves on its readiness line, never on a timer. */
export async function startDaemon(options: {
  cwd: string;
  args?: string[];
  env?: Record<string, string>;
}): Promise<DaemonProcess> {
  const child = spawn(process.execPath, [CLI_BIN, 'daemon', ...(options.args ?? [])], {
    cwd: options.cwd,
    env: { ...pickEnvironment(), ...options.env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon not ready in time. stderr:\n${stderr}`)), 20_000);
    child.stderr!.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.includes('meshwork daemon: ready')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before ready. stderr:\n${stderr}`));
    });
  });
  const waitExit = async () => {
    if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  };
  return {
    process: child,
    pid: child.pid!,
    stderr: () => stderr,
    async kill() {
      const exited = waitExit();
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const exited = waitExit();
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Runs one daemon-side CLI command to completion. */
export function runCli(
  args: string[],
  options: { cwd: string; env?: Record<string, string> },
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI_BIN, ...args],
      { cwd: options.cwd, env: { ...pickEnvironment(), ...options.env } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** One line of the journal runner's log. */
export interface JournalEntry {
  event: 'start' | 'finish';
  task: string;
  attempt: number;
  pid: number;
  at: number;
}

/** Reads the journal runner's log (empty when not written yet). */
export function readJournal(path: string): JournalEntry[] {
  let text = '';
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as JournalEntry);
}

/** Re-checks `condition` every 20 ms until it holds (an observed state, not a readiness sleep). */
export async function waitUntil<T>(
  condition: () => T | Promise<T>,
  timeoutMs = 20_000,
  what = 'condition',
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
