import { spawn } from 'node:child_process';
import { pickEnvironment } from './spawn-server.js';

/** Options for {@link collectStdioFrames}. */
export interface CollectStdioFramesOptions {
  /** Path to the built bin (run with the current Node). */
  bin: string;
  args?: string[];
  /** JSON-RPC messages written to stdin, one line each; stdin is closed after the last one. */
  messages?: unknown[];
  env?: Record<string, string>;
  cwd?: string;
  /** Kill the process (SIGKILL) if it has not exited after this long; default 20 s. */
  timeoutMs?: number;
  /**
   * Keep stdin open until this many stdout lines arrived (then close it), so a server that stops
   * at stdin EOF still answers requests it reads asynchronously. Default: the number of messages
   * with an `id` (requests expect one answer each).
   */
  waitForLines?: number;
}

/** What a raw stdio run produced. */
export interface CollectedStdioFrames {
  /** Every stdout line, in order, unparsed (empty lines included, a trailing partial line too). */
  lines: string[];
  stderr: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
}

/** The handshake and listing most stdout checks need: initialize, initialized, tools/list. */
export const HANDSHAKE_MESSAGES: readonly unknown[] = [
  {
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'stdout-guard', version: '0.0.0' },
    },
  },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
];

/**
 * Spawns a server bin raw (no SDK client), writes JSON-RPC lines to its stdin, closes stdin once the
 * expected answers arrived, and returns every stdout line once the process exits. Use it with
 * {@link assertProtocolOnly} to prove that nothing but protocol frames reaches stdout.
 */
export async function collectStdioFrames(options: CollectStdioFramesOptions): Promise<CollectedStdioFrames> {
  const messages = options.messages ?? HANDSHAKE_MESSAGES;
  const expected = options.waitForLines ?? messages.filter((message) => hasId(message)).length;
  const child = spawn(process.execPath, [options.bin, ...(options.args ?? [])], {
    env: { ...pickEnvironment(), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
  });
  // A server that exits early makes stdin writes fail with EPIPE; the exit status reports that.
  child.stdin.on('error', () => {});
  const closeStdinWhenAnswered = () => {
    if (!child.stdin.writableEnded && countLines(stdout) >= expected) child.stdin.end();
  };
  child.stdout.on('data', (chunk: string) => {
    stdout += chunk;
    closeStdinWhenAnswered();
  });
  const exited = new Promise<{ exitCode: number | null; signal: NodeJS.Signals | null }>(
    (resolve, reject) => {
      child.once('error', reject);
      child.once('close', (exitCode, signal) => resolve({ exitCode, signal }));
    },
  );
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 20_000);
  try {
    for (const message of messages) child.stdin.write(`${JSON.stringify(message)}\n`);
    closeStdinWhenAnswered();
    const { exitCode, signal } = await exited;
    const lines = stdout.split('\n');
    if (lines.at(-1) === '') lines.pop();
    return { lines, stderr, exitCode, signal };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Throws unless every line is one JSON-RPC 2.0 message (request, notification, or response with
 * exactly one of `result`/`error`). The error names the first offending line and its number.
 */
export function assertProtocolOnly(lines: readonly string[]): void {
  lines.forEach((line, position) => {
    const problem = protocolProblem(line);
    if (problem) {
      throw new Error(
        `stdout line ${position + 1} is not a JSON-RPC 2.0 message (${problem}): ${line.slice(0, 200)}`,
      );
    }
  });
}

function protocolProblem(line: string): string | undefined {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) return 'not a JSON object';
  const record = message as Record<string, unknown>;
  if (record.jsonrpc !== '2.0') return 'jsonrpc is not "2.0"';
  const hasValidId =
    typeof record.id === 'string' || (typeof record.id === 'number' && Number.isFinite(record.id));
  if (typeof record.method === 'string') {
    if ('id' in record && !hasValidId) return 'request id is not a string or number';
    if ('result' in record || 'error' in record) return 'a request carries result or error';
    return undefined;
  }
  if (!('id' in record)) return 'neither method nor id';
  if (!hasValidId && record.id !== null) return 'response id is not a string, number or null';
  if ('result' in record === 'error' in record) return 'a response needs exactly one of result or error';
  if ('error' in record) {
    const error = record.error as Record<string, unknown> | null;
    if (
      typeof error !== 'object' ||
      error === null ||
      !Number.isInteger(error.code) ||
      typeof error.message !== 'string'
    ) {
      return 'error is not { code, message }';
    }
  }
  return undefined;
}

function hasId(message: unknown): boolean {
  return typeof message === 'object' && message !== null && 'id' in message && 'method' in message;
}

function countLines(text: string): number {
  let count = 0;
  for (const character of text) if (character === '\n') count += 1;
  return count;
}
