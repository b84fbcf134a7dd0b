import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { Client, type ClientOptions, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { pickEnvironment } from './spawn-server.js';

/** Options for {@link startHttpServer}. */
export interface StartHttpServerOptions {
  bin: string;
  /** Arguments besides `--http --port 0`. */
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Give up waiting for the URL line after this long. */
  startTimeoutMs?: number;
}

/** A server process serving HTTP on a free loopback port. */
export interface StartedHttpServer {
  url: URL;
  process: ChildProcess;
  stderr(): string;
  /** Sends SIGTERM and waits for the process to exit. */
  close(): Promise<void>;
}

/**
 * Starts a built server bin with `--http --port 0` and resolves when it prints its URL on stderr;
 * readiness is that line, never a sleep.
 */
export async function startHttpServer(options: StartHttpServerOptions): Promise<StartedHttpServer> {
  const child = spawn(process.execPath, [options.bin, '--http', '--port', '0', ...(options.args ?? [])], {
    env: { ...pickEnvironment(), ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  let stderr = '';
  const url = await new Promise<URL>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`No URL from ${options.bin} in time. stderr:\n${stderr}`)),
      options.startTimeoutMs ?? 20_000,
    );
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      const match = /MCP endpoint: (\S+)/.exec(stderr);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(new URL(match[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${options.bin} exited with ${code} before serving. stderr:\n${stderr}`));
    });
  });
  return {
    url,
    process: child,
    stderr: () => stderr,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Connects a real SDK client to an HTTP endpoint, optionally with a bearer token. */
export async function connectHttpClient(
  url: URL,
  options: { token?: string; versionNegotiation?: ClientOptions['versionNegotiation'] } = {},
): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(url, {
    ...(options.token ? { requestInit: { headers: { authorization: `Bearer ${options.token}` } } } : {}),
  });
  const client = new Client(
    { name: 'meshwork-testkit', version: '0.0.0' },
    options.versionNegotiation ? { versionNegotiation: options.versionNegotiation } : {},
  );
  await client.connect(transport);
  return client;
}
