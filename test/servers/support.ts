import { spawn } from 'node:child_process';
import { readdirSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The three built server bins. */
export const FS_BIN = fileURLToPath(new URL('../../servers/filesystem/dist/cli.js', import.meta.url));
export const MEMORY_BIN = fileURLToPath(new URL('../../servers/memory/dist/cli.js', import.meta.url));
export const SHELL_BIN = fileURLToPath(new URL('../../servers/shell/dist/cli.js', import.meta.url));

/**
 * Process ids whose working directory is `dir` (Linux /proc). Every server a test starts runs with
 * cwd = its own temp project dir, so this finds leftovers, including the SDK's short-lived probe
 * sibling in `auto` mode and anything the servers spawned there.
 */
export function processesIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/cwd`) === dir) found.push(Number(entry));
    } catch {
      // Gone while we looked, or not ours to inspect.
    }
  }
  return found;
}

/** What a one-shot run of a bin produced. */
export interface BinRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `node <bin> ...args` with stdin closed and collects its output; kills it after `timeoutMs`. */
export function runBin(bin: string, args: string[], cwd: string, timeoutMs = 20_000): Promise<BinRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], {
      cwd,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cwd },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
