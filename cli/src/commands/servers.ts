import { createServerConnection, launchSpecOf } from '@meshwork/coordinator';
import { messageOf } from '@meshwork/kit';
import { type CliIo, EXIT, parseCommand, printError, readPositive } from './io.js';
import { loadProjectConfig } from './project-config.js';

/** Help of `meshwork servers`. */
export const SERVERS_USAGE = `Usage: meshwork servers [--json] [--config <file>] [--timeout-ms <n>]

Connects to every configured server (as configured, without a profile's narrowing) and reports
status, tool count and latency, like \`claude mcp list\`. Each server's line is printed as soon as
it is known. A server that has not answered within --timeout-ms (default 15000) is reported as
failed and its process is stopped.

Exit codes: 0 every server connected, 1 some did not, 2 usage or config error.`;

/** Result of checking one server. */
export interface ServerStatus {
  name: string;
  kind: string;
  target: string;
  ok: boolean;
  tools?: number;
  /** Start + initialize, ms. */
  connectMs?: number;
  /** One MCP ping round trip on the open connection, ms. */
  latencyMs?: number;
  error?: string;
}

/** `meshwork servers`. */
export async function serversCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      json: { type: 'boolean' },
      config: { type: 'string' },
      project: { type: 'string' },
      'timeout-ms': { type: 'string' },
    },
    io,
    SERVERS_USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  try {
    const config = await loadProjectConfig(io, {
      configPath: parsed.values.config as string | undefined,
      projectDir: parsed.values.project as string | undefined,
    });
    const timeoutMs =
      readPositive(parsed.values['timeout-ms'] as string | undefined, '--timeout-ms') ?? 15_000;
    const json = parsed.values.json === true;
    const servers = Object.values(config.servers);
    if (!json) {
      io.stdout.write(
        servers.length === 0 ? 'No servers in mcpServers.\n' : 'Checking MCP server health...\n\n',
      );
    }
    const statuses = await Promise.all(
      servers.map(async (server): Promise<ServerStatus> => {
        let target = server.url ?? [server.command, ...server.args].join(' ');
        const status: ServerStatus = { name: server.name, kind: server.kind ?? 'other', target, ok: false };
        let connection: ReturnType<typeof createServerConnection> | undefined;
        try {
          const spec = launchSpecOf(server, config, config.projectDir);
          target = spec.url ?? [spec.command, ...spec.args].join(' ');
          status.target = target;
          // The connection's own start timeout stops a child that never answers initialize.
          connection = createServerConnection({
            key: server.name,
            spec,
            maxStarts: 1,
            connectTimeoutMs: timeoutMs,
          });
          const active = connection;
          const started = performance.now();
          let timer: NodeJS.Timeout | undefined;
          const timeout = new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
          });
          try {
            await Promise.race([active.tools(), timeout]);
            status.connectMs = Math.round(performance.now() - started);
            status.latencyMs = Math.round(await Promise.race([active.ping(), timeout]));
            status.tools = (await active.tools()).length;
            status.ok = true;
          } finally {
            clearTimeout(timer);
          }
        } catch (error) {
          status.error = messageOf(error).split('\n')[0];
        } finally {
          await connection?.close();
        }
        if (!json) io.stdout.write(statusLine(status));
        return status;
      }),
    );
    if (json) io.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
    return statuses.every((status) => status.ok) ? EXIT.ok : EXIT.failed;
  } catch (error) {
    return printError(error, io);
  }
}

function statusLine(status: ServerStatus): string {
  return status.ok
    ? `${status.name}: ${status.target} - ✓ Connected (${status.kind}, ${status.tools} tools, start ${status.connectMs} ms, ping ${status.latencyMs} ms)\n`
    : `${status.name}: ${status.target} - ✗ Failed to connect: ${status.error}\n`;
}
