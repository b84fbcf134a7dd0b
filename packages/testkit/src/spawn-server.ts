import { PassThrough } from 'node:stream';
import { Client, type ClientOptions } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';

/** Options for {@link spawnStdioServer}. */
export interface SpawnStdioServerOptions {
  /** Path to the built bin (a `.js` file run with the current Node). */
  bin: string;
  args?: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Version negotiation for the client; `legacy` (2025-11-25) unless a pin is given. */
  versionNegotiation?: ClientOptions['versionNegotiation'];
}

/** A server process over stdio with a connected SDK client. */
export interface SpawnedStdioServer {
  client: Client;
  /** Everything the server wrote to stderr so far. */
  stderr(): string;
  /** The server's process id. */
  pid: number | null;
  /** Closes the client, which ends the server's stdin; the server is expected to exit. */
  close(): Promise<void>;
}

/**
 * Spawns a built server bin over stdio with `process.execPath` and connects a real SDK client.
 * stderr is captured, never inherited, so tests stay quiet and can assert on logs.
 */
export async function spawnStdioServer(options: SpawnStdioServerOptions): Promise<SpawnedStdioServer> {
  const stderrStream = new PassThrough();
  const chunks: Buffer[] = [];
  stderrStream.on('data', (chunk: Buffer) => chunks.push(chunk));
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [options.bin, ...(options.args ?? [])],
    env: { ...pickEnvironment(), ...options.env },
    stderr: 'pipe',
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const client = new Client(
    { name: 'meshwork-testkit', version: '0.0.0' },
    options.versionNegotiation ? { versionNegotiation: options.versionNegotiation } : {},
  );
  const stderrOf = () => Buffer.concat(chunks).toString('utf8');
  try {
    const connecting = client.connect(transport);
    transport.stderr?.pipe(stderrStream);
    await connecting;
  } catch (error) {
    await client.close().catch(() => {});
    throw new Error(`Server ${options.bin} failed to start. stderr:\n${stderrOf()}`, { cause: error });
  }
  return {
    client,
    pid: transport.pid,
    stderr: stderrOf,
    async close() {
      await client.close();
    },
  };
}

/** The environment a spawned server inherits: PATH and HOME-like basics, never the test's secrets. */
export function pickEnvironment(): Record<string, string> {
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SYSTEMROOT', 'USER', 'SHELL', 'TERM'];
  const environment: Record<string, string> = {};
  for (const key of keep) {
    const value = process.env[key];
    if (value !== undefined) environment[key] = value;
  }
  environment.MESHWORK_LOG_LEVEL = process.env.MESHWORK_LOG_LEVEL ?? 'warn';
  return environment;
}
