import { isAbsolute, resolve } from 'node:path';
import type { Profile } from '@meshwork/permissions';
import type { Logger } from 'pino';
import type { MeshworkConfig, ServerConfig } from '../config/types.js';
import { CoordinatorError } from '../errors.js';
import { expandVariables } from './expand-variables.js';
import { type LaunchArgs, launchArgsFor } from './launch-args.js';
import { type SandboxRecord, sandboxLaunch, sandboxViewOf } from './sandbox-launch.js';
import { probeSandbox, type SandboxSupport } from './sandbox-probe.js';
import { createServerConnection, type LaunchSpec, type ServerConnection } from './server-connection.js';

/** A server as a given profile gets it. */
export interface PooledServer {
  connection: ServerConnection;
  server: ServerConfig;
  launch: LaunchArgs;
  /** How the server's process runs (stdio servers only): its OS sandbox and what it may write. */
  sandbox?: SandboxRecord;
}

/** Something the pool reports (server starts, deaths). */
export interface PoolEvent {
  type: 'server_started' | 'server_exited';
  server: string;
  key: string;
  pid?: number;
  detail?: string;
}

/** Options of {@link createServerPool}. */
export interface ServerPoolOptions {
  config: MeshworkConfig;
  /** Directory the agents work on (default `config.projectDir`). */
  projectDir?: string;
  logger?: Logger;
  onEvent?: (event: PoolEvent) => void;
  /** Whether the OS sandbox can start; default: probed once, on the first stdio launch. */
  sandboxSupport?: SandboxSupport;
  /** The coordinator's environment (the sandbox takes an allowlist of it); default `process.env`. */
  env?: NodeJS.ProcessEnv;
}

/** Shared server connections, one per distinct (server, launch arguments). */
export interface ServerPool {
  /**
   * The connection of `serverName` for a subagent with `profile`: started with the launch limits
   * derived from the profile and shared with every other profile that derives the same launch
   * arguments. Throws `E_SERVER_UNREACHABLE` when the limits leave nothing reachable.
   */
  acquire(serverName: string, profile: Profile): PooledServer;
  /** The launch spec `serverName` would get for `profile` (no process is started). */
  describe(serverName: string, profile: Profile): { spec: LaunchSpec; launch: LaunchArgs; key: string };
  /** Every connection created so far. */
  connections(): ServerConnection[];
  /** Processes started so far (restarts included). */
  startedProcesses(): number;
  /** Live server process ids. */
  pids(): number[];
  /** How each stdio connection created so far runs (OS sandbox, opted out, or unavailable). */
  sandboxes(): SandboxRecord[];
  close(): Promise<void>;
}

/** Builds the launch spec of a server (variables expanded, relative paths resolved). */
export function launchSpecOf(server: ServerConfig, config: MeshworkConfig, projectDir: string): LaunchSpec {
  const variables = { ...process.env, MESHWORK_PROJECT_DIR: projectDir, MESHWORK_CONFIG_DIR: config.dir };
  const where = `${config.path ?? 'meshwork.json'} mcpServers.${server.name}`;
  const expand = (text: string): string => expandVariables(text, variables, where);
  const expandRecord = (record: Record<string, string>): Record<string, string> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, expand(value)]));
  const spec: LaunchSpec = {
    server: server.name,
    transport: server.transport,
    args: server.args.map(expand),
    env: expandRecord(server.env),
    headers: expandRecord(server.headers),
  };
  if (server.transport === 'stdio') {
    spec.command = expand(server.command as string);
    const cwd = server.cwd === undefined ? projectDir : expand(server.cwd);
    spec.cwd = isAbsolute(cwd) ? cwd : resolve(config.dir, cwd);
  } else spec.url = expand(server.url as string);
  return spec;
}

/** Creates the pool. Nothing is started until a connection is used. */
export function createServerPool(options: ServerPoolOptions): ServerPool {
  const { config } = options;
  const projectDir = options.projectDir ?? config.projectDir;
  const byKey = new Map<string, ServerConnection>();
  const specs = new Map<string, LaunchSpec>();
  const records = new Map<string, SandboxRecord>();
  const env = options.env ?? process.env;
  let support = options.sandboxSupport;
  let started = 0;

  function describe(serverName: string, profile: Profile) {
    const server = config.servers[serverName];
    if (!server)
      throw new CoordinatorError('E_UNKNOWN_SERVER', `No server named "${serverName}" in mcpServers.`);
    let base = specs.get(serverName);
    if (!base) {
      base = launchSpecOf(server, config, projectDir);
      specs.set(serverName, base);
    }
    const launch = launchArgsFor(server, base.args, profile);
    const spec: LaunchSpec = { ...base, args: launch.args };
    // Profiles that derive the same launch and the same sandbox view share one process.
    const view =
      server.transport === 'stdio'
        ? sandboxViewOf({
            server,
            profile,
            config,
            projectDir,
            ...(env.HOME ? { homeDir: env.HOME } : {}),
          })
        : undefined;
    const key = `${serverName}\u0000${JSON.stringify(launch.args)}\u0000${JSON.stringify(view ?? null)}`;
    return { spec, launch, key };
  }

  return {
    describe,
    acquire(serverName, profile) {
      const { spec, launch, key } = describe(serverName, profile);
      if (launch.unreachable) {
        throw new CoordinatorError(
          'E_SERVER_UNREACHABLE',
          `${serverName} is not attached: ${launch.unreachable}.`,
        );
      }
      let connection = byKey.get(key);
      if (!connection) {
        const server = config.servers[serverName] as ServerConfig;
        let launched = spec;
        if (server.transport === 'stdio') {
          support ??= probeSandbox(env.PATH);
          const sandboxed = sandboxLaunch({ spec, server, profile, config, projectDir, support, env });
          launched = sandboxed.spec;
          records.set(key, sandboxed.record);
          if (sandboxed.record.mode !== 'bwrap') {
            options.logger?.warn(
              { server: serverName, sandbox: sandboxed.record.mode },
              sandboxed.record.mode === 'none'
                ? 'server runs without an OS sandbox: its entry says "sandbox": "none"'
                : 'server runs without an OS sandbox: bubblewrap cannot start here',
            );
          }
        }
        connection = createServerConnection({
          key,
          spec: launched,
          ...(options.logger ? { logger: options.logger } : {}),
          ...(config.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: config.connectTimeoutMs }),
          onStart(started_, pid) {
            started += 1;
            options.onEvent?.({
              type: 'server_started',
              server: serverName,
              key: started_.key,
              ...(pid === undefined ? {} : { pid }),
            });
          },
          onExit(exited, detail) {
            options.onEvent?.({ type: 'server_exited', server: serverName, key: exited.key, detail });
          },
        });
        byKey.set(key, connection);
      }
      const sandbox = records.get(key);
      return {
        connection,
        server: config.servers[serverName] as ServerConfig,
        launch,
        ...(sandbox === undefined ? {} : { sandbox }),
      };
    },
    connections: () => [...byKey.values()],
    sandboxes: () => [...records.values()],
    startedProcesses: () => started,
    pids: () =>
      [...byKey.values()]
        .map((connection) => connection.pid())
        .filter((pid): pid is number => pid !== undefined),
    async close() {
      await Promise.all([...byKey.values()].map((connection) => connection.close()));
    },
  };
}
