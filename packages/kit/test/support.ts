// Shared helpers for the kit's tests: spawn the echo fixture raw, wait on events with a bound,
// and make HTTP requests whose headers (Host, Origin, Transfer-Encoding) we fully control.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { once } from 'node:events';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { fileURLToPath } from 'node:url';
import { pickEnvironment, within } from '@meshwork/testkit';

export { within };

/** The echo fixture bin, built on the kit's `dist/`. */
export const ECHO_BIN = fileURLToPath(new URL('./fixtures/echo-server.mjs', import.meta.url));

/** A generous bound for anything a process should do promptly; far above normal, never slept. */
export const PROMPTLY_MS = 15_000;

/** How a process ended. */
export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A raw echo fixture process with its output captured. */
export interface RawProcess {
  child: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** Settles on the 'exit' event. */
  exited: Promise<Exit>;
  /** Resolves with the first match of `pattern` in stderr; rejects if the process exits first. */
  waitForStderr(pattern: RegExp): Promise<RegExpExecArray>;
  /** Resolves with the first match of `pattern` in stdout; rejects if the process exits first. */
  waitForStdout(pattern: RegExp): Promise<RegExpExecArray>;
  /** Writes JSON-RPC messages to stdin, one per line. */
  send(...messages: unknown[]): void;
  /** Kills the process if it is still running (test cleanup). */
  kill(): Promise<void>;
}

/** Spawns the echo fixture with `args` and an environment free of the test runner's secrets. */
export function spawnEcho(args: string[], env: Record<string, string> = {}): RawProcess {
  const child = spawn(process.execPath, [ECHO_BIN, ...args], {
    env: { ...pickEnvironment(), ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  const waiters = new Set<() => void>();
  for (const name of ['stdout', 'stderr'] as const) {
    child[name].setEncoding('utf8');
    child[name].on('data', (chunk: string) => {
      output[name] += chunk;
      for (const waiter of waiters) waiter();
    });
  }
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const closed = once(child, 'close');
  // Writing to a process that has exited fails with EPIPE; the exit itself is what tests assert.
  child.stdin.on('error', () => {});
  const waitFor = (name: 'stdout' | 'stderr', pattern: RegExp) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const check = () => {
        const match = pattern.exec(output[name]);
        if (!match) return;
        waiters.delete(check);
        resolve(match);
      };
      waiters.add(check);
      check();
      // Output can trail the exit event; once 'close' has fired all of it is in, so look once more.
      void closed.then(() => {
        check();
        if (!waiters.delete(check)) return;
        reject(new Error(`process exited before ${name} matched ${pattern}. stderr:\n${output.stderr}`));
      });
    });
  return {
    child,
    stdout: () => output.stdout,
    stderr: () => output.stderr,
    exited,
    waitForStderr: (pattern) => waitFor('stderr', pattern),
    waitForStdout: (pattern) => waitFor('stdout', pattern),
    send(...messages) {
      for (const message of messages) child.stdin.write(`${JSON.stringify(message)}\n`);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Starts the fixture over HTTP and resolves with its URL once it has announced it. */
export async function spawnEchoHttp(
  args: string[] = [],
  env: Record<string, string> = {},
): Promise<{ server: RawProcess; url: URL }> {
  const server = spawnEcho(['--http', '--port', '0', ...args], env);
  const match = await within(server.waitForStderr(/MCP endpoint: (\S+)/), PROMPTLY_MS, 'MCP endpoint line');
  return { server, url: new URL(match[1]!) };
}

/** Options for {@link rawHttp}. */
export interface RawHttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Send the body with Transfer-Encoding: chunked, in pieces of this many bytes. */
  chunkBytes?: number;
}

/** What came back from {@link rawHttp}. */
export interface RawHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * One HTTP request with exactly the headers given (Node's fetch forbids setting Host), answered
 * in full. A server that answers early and closes the connection mid-upload still yields its answer.
 */
export function rawHttp(url: URL, options: RawHttpOptions = {}): Promise<RawHttpResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      url,
      { method: options.method ?? 'POST', headers: options.headers ?? {} },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
        response.on('error', reject);
      },
    );
    // An early answer (401, 413) may reset the socket while we still upload; the response wins.
    request.on('error', (error) => reject(error));
    const body = options.body;
    if (body === undefined) {
      request.end();
    } else if (options.chunkBytes) {
      const buffer = Buffer.from(body);
      for (let offset = 0; offset < buffer.length; offset += options.chunkBytes) {
        request.write(buffer.subarray(offset, offset + options.chunkBytes));
      }
      request.end();
    } else {
      request.end(body);
    }
  });
}

/** The headers a well-behaved 2025-era client sends with a JSON-RPC POST. */
export const JSON_RPC_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
} as const;

/** A 2025-11-25 `initialize` request body. */
export function initializeBody(id = 1): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: {
      protocolVersion: '2025-11-25',
      capabilities: {},
      clientInfo: { name: 'raw-test', version: '0.0.0' },
    },
  });
}
