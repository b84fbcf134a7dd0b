import { createServerConnection, launchSpecOf } from '@meshwork/coordinator';
import { messageOf } from '@meshwork/kit';
import { type CliIo, EXIT, parseCommand, printError } from './io.js';
import { loadProjectConfig } from './project-config.js';

/** Help of `meshwork servers`. */
export const SERVERS_USAGE = `Usage: meshwork servers [--json] [--config <file>] [--timeout-ms <n>]

Connects to every configured server (as configured, without a profile's narrowing) and reports
status, tool count and latency, like \`claude mcp list\`.`;

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
    const timeoutMs = Number(parsed.values['timeout-ms'] ?? 15_000);
    const statuses = await Promise.all(
      Object.values(config.servers).map(async (server): Promise<ServerStatus> => {
        let target = server.url ?? [server.command, ...server.args].join(' ');
        const status: ServerStatus = { name: server.name, kind: server.kind ?? 'other', target, ok: false };
        let connection: ReturnType<typeof createServerConnection> | undefined;
        try {
          const spec = launchSpecOf(server, config, config.projectDir);
          target = spec.url ?? [spec.command, ...spec.args].join(' ');
          status.target = target;
          connection = createServerConnection({ key: server.name, spec, maxStarts: 1 });
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
        return status;
      }),
    );
    if (parsed.values.json) io.stdout.write(`${JSON.stringify(statuses, null, 2)}\n`);
    else if (statuses.length === 0) io.stdout.write('No servers in mcpServers.\n');
    else {
      io.stdout.write('Checking MCP server health...\n\n');
      for (const status of statuses) {
        io.stdout.write(
          status.ok
            ? `${status.name}: ${status.target} - ✓ Connected (${status.kind}, ${status.tools} tools, start ${status.connectMs} ms, ping ${status.latencyMs} ms)\n`
            : `${status.name}: ${status.target} - ✗ Failed to connect: ${status.error}\n`,
        );
      }
    }
    return statuses.every((status) => status.ok) ? EXIT.ok : EXIT.failed;
  } catch (error) {
    return printError(error, io);
  }
}
