import { once } from 'node:events';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { ERROR_CODE_META_KEY } from '@meshwork/kit';
import { Client, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Logger } from 'pino';
import { CoordinatorError, type CoordinatorErrorCode, messageOf } from '../errors.js';
import { startupErrorLine } from './startup-error-line.js';
import { toolWithRole } from './tool-with-role.js';

/** How to start (or reach) one server, fully expanded. */
export interface LaunchSpec {
  /** The configured server name. */
  server: string;
  transport: 'stdio' | 'http';
  command?: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
  url?: string;
  headers: Record<string, string>;
  /** True when `command` is bubblewrap running the server: `env` is then the whole environment. */
  sandboxed?: boolean;
}

/** A tool call's outcome as the coordinator uses it. */
export interface ToolCallOutcome {
  /** What the model reads. */
  text: string;
  isError: boolean;
  /**
   * The failure's code: the server's (from the result's `_meta`), or the coordinator's own when
   * the call did not complete (`E_SERVER_DIED`, `E_SERVER_UNAVAILABLE`, `E_TOOL_FAILED`).
   */
  code?: string;
  structuredContent?: Record<string, unknown>;
}

/** One live (or restartable) client connection to a server. */
export interface ServerConnection {
  readonly key: string;
  readonly spec: LaunchSpec;
  /** Lists the server's tools (cached per process lifetime); connects (or restarts) when needed. */
  tools(): Promise<Tool[]>;
  /**
   * The directories the server serves, read from its tool of role `server/list-roots` (cached per
   * process lifetime); undefined when it has no such tool. Throws when that tool fails.
   */
  roots(): Promise<string[] | undefined>;
  /**
   * Calls a tool. A server that dies during the call yields an `isError` outcome saying so (the
   * server is restarted on the next use); only an abort rejects.
   */
  call(
    tool: string,
    args: Record<string, unknown>,
    options?: { signal?: AbortSignal; timeoutMs?: number },
  ): Promise<ToolCallOutcome>;
  /** One MCP ping round trip, in ms (connects first when needed). */
  ping(): Promise<number>;
  /** The server process id (stdio), while connected. */
  pid(): number | undefined;
  /** How many times a process was started (or an HTTP session opened). */
  starts(): number;
  /** The last stderr output (bounded), for diagnostics. */
  stderrTail(): string;
  close(): Promise<void>;
}

/** How long a failed start is remembered before the next use tries again, ms. */
const START_RETRY_AFTER_MS = 30_000;

/** Environment variables passed to stdio servers besides the entry's own `env` (never API keys). */
const INHERITED_ENV = [
  'PATH',
  'HOME',
  'TMPDIR',
  'TMP',
  'TEMP',
  'LANG',
  'LC_ALL',
  'USER',
  'SHELL',
  'SYSTEMROOT',
  'TERM',
  'MESHWORK_LOG_LEVEL',
];

function inheritedEnvironment(): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const key of INHERITED_ENV) {
    const value = process.env[key];
    if (value !== undefined) environment[key] = value;
  }
  environment.MESHWORK_LOG_LEVEL ??= 'warn';
  return environment;
}

function isNodeCommand(command: string): boolean {
  return command === 'node' || command === process.execPath;
}

/** The coordinator's outcome for a call that did not complete. */
function failure(code: CoordinatorErrorCode, text: string): ToolCallOutcome {
  return { text, isError: true, code };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function textOf(content: unknown): string {
  if (!Array.isArray(content)) return '';
  return content
    .map(
      (block: { type?: string; text?: string; resource?: { uri?: string; text?: string }; uri?: string }) => {
        if (block.type === 'text') return block.text ?? '';
        if (block.type === 'resource')
          return block.resource?.text ?? `[resource ${block.resource?.uri ?? ''}]`;
        if (block.type === 'resource_link') return `[resource link ${block.uri ?? ''}]`;
        return `[${block.type ?? 'unknown'} content]`;
      },
    )
    .join('\n');
}

/** Options of {@link createServerConnection}. */
export interface ServerConnectionOptions {
  key: string;
  spec: LaunchSpec;
  logger?: Logger;
  /** Called when a started server goes away unexpectedly. */
  onExit?: (connection: ServerConnection, detail: string) => void;
  /** Called each time a process is started. */
  onStart?: (connection: ServerConnection, pid: number | undefined) => void;
  /** Starts allowed over the connection's life (first start included); default 6. */
  maxStarts?: number;
  /**
   * How long a start may take until the server answers initialize, ms; default 10000. A stdio
   * server that has not answered by then is killed, and the start fails.
   */
  connectTimeoutMs?: number;
}

/** Why a start failed, in one line: the server's own words when its stderr has them. */
function startFailureReason(error: unknown, stderr: string, command: string | undefined): string {
  const message = messageOf(error);
  const line = startupErrorLine(stderr);
  if (/\bENOENT\b/.test(message) && line === undefined && command !== undefined) {
    return `${message}: "${command}" was not found; install it, or give its full path (arguments go in "args")`;
  }
  return line === undefined ? message : `${line} (${message})`;
}

interface Live {
  client: Client;
  transport: StdioClientTransport | StreamableHTTPClientTransport;
  closed: Promise<string>;
  tools?: Tool[];
  roots?: { value: string[] | undefined };
  dead: boolean;
}

/**
 * A lazily started, self-restarting client connection. Nothing starts until the first `tools()`
 * or `call()`. When the server dies, in-flight calls resolve to clean `isError` outcomes and the
 * next use starts a fresh process.
 */
export function createServerConnection(options: ServerConnectionOptions): ServerConnection {
  const { spec, logger } = options;
  const maxStarts = options.maxStarts ?? 6;
  let live: Live | undefined;
  let connecting: Promise<Live> | undefined;
  let startCount = 0;
  let closing = false;
  let stderr = '';
  // A start that failed is not retried for a while: every agent attaching meanwhile gets the same
  // error at once, instead of waiting out the connect timeout again.
  let failedStart: { error: CoordinatorError; at: number } | undefined;

  async function connect(): Promise<Live> {
    if (closing)
      throw new CoordinatorError('E_SERVER_CLOSED', `The ${spec.server} server connection is closed.`);
    if (startCount >= maxStarts) {
      throw new CoordinatorError(
        'E_SERVER_DEAD',
        `The ${spec.server} server died ${startCount} times; it is not restarted again in this run.`,
      );
    }
    if (failedStart !== undefined && performance.now() - failedStart.at < START_RETRY_AFTER_MS)
      throw failedStart.error;
    startCount += 1;
    const client = new Client({ name: 'meshwork-coordinator', version: '0.1.0' });
    let transport: StdioClientTransport | StreamableHTTPClientTransport;
    if (spec.transport === 'stdio') {
      const isNode = isNodeCommand(spec.command as string);
      transport = new StdioClientTransport({
        command: isNode ? process.execPath : (spec.command as string),
        args: spec.args,
        env: spec.sandboxed === true ? spec.env : { ...inheritedEnvironment(), ...spec.env },
        stderr: 'pipe',
        ...(spec.cwd ? { cwd: spec.cwd } : {}),
      });
      (transport.stderr as Readable | null)?.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk.toString('utf8')).slice(-4000);
      });
    } else {
      transport = new StreamableHTTPClientTransport(new URL(spec.url as string), {
        requestInit: { headers: spec.headers },
      });
    }
    let markClosed: (detail: string) => void = () => {};
    const closed = new Promise<string>((resolve) => {
      markClosed = resolve;
    });
    const state: Live = { client, transport, closed, dead: false };
    client.onclose = () => {
      state.dead = true;
      const detail = startupErrorLine(stderr) ?? '';
      markClosed(detail);
      if (!closing) {
        logger?.warn({ server: spec.server, key: options.key }, 'server connection closed');
        options.onExit?.(connection, detail);
      }
    };
    const connectTimeoutMs = options.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`it did not answer initialize within ${connectTimeoutMs} ms and was stopped`)),
        connectTimeoutMs,
      );
    });
    try {
      await Promise.race([client.connect(transport, { timeout: connectTimeoutMs }), timedOut]);
    } catch (error) {
      // A child that never answered is killed at once: a graceful close would wait on it.
      const pid = transport instanceof StdioClientTransport ? transport.pid : null;
      if (pid !== null) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // It exited by itself.
        }
      }
      await client.close().catch(() => {});
      // The child's last stderr lines (the ones naming the problem) may still be in the pipe.
      const stderrStream =
        transport instanceof StdioClientTransport ? (transport.stderr as Readable | null) : null;
      if (stderrStream && !stderrStream.readableEnded) {
        await Promise.race([once(stderrStream, 'end'), delay(250, undefined, { ref: false })]).catch(
          () => {},
        );
      }
      const failure = new CoordinatorError(
        'E_SERVER_START',
        `Cannot start the ${spec.server} server (${spec.transport === 'stdio' ? [spec.command, ...spec.args].join(' ') : spec.url}): ${startFailureReason(error, stderr, spec.command)}`,
        { cause: error },
      );
      failedStart = { error: failure, at: performance.now() };
      throw failure;
    } finally {
      clearTimeout(timer);
    }
    failedStart = undefined;
    options.onStart?.(
      connection,
      transport instanceof StdioClientTransport ? (transport.pid ?? undefined) : undefined,
    );
    return state;
  }

  async function ensure(): Promise<Live> {
    if (live && !live.dead) return live;
    connecting ??= connect().finally(() => {
      connecting = undefined;
    });
    live = await connecting;
    return live;
  }

  const connection: ServerConnection = {
    key: options.key,
    spec,
    async tools() {
      const state = await ensure();
      if (state.tools) return state.tools;
      const tools: Tool[] = [];
      let cursor: string | undefined;
      do {
        const page = await state.client.listTools(cursor === undefined ? {} : { cursor });
        tools.push(...page.tools);
        cursor = page.nextCursor;
      } while (cursor);
      state.tools = tools;
      return tools;
    },
    async roots() {
      const state = await ensure();
      if (state.roots) return state.roots.value;
      const tools = await connection.tools();
      const lister = toolWithRole(tools, 'server/list-roots');
      let value: string[] | undefined;
      if (lister !== undefined) {
        const result = await state.client.callTool({ name: lister.name, arguments: {} });
        const directories = (result.structuredContent as { directories?: unknown } | undefined)?.directories;
        if (result.isError === true || !isStringList(directories)) {
          throw new CoordinatorError(
            'E_SERVER_START',
            `The ${spec.server} server did not list its roots (${lister.name}): ${textOf(result.content) || 'no directories in its result'}.`,
          );
        }
        value = directories;
      }
      state.roots = { value };
      return value;
    },
    async call(tool, args, callOptions = {}) {
      let state: Live;
      try {
        state = await ensure();
      } catch (error) {
        return failure('E_SERVER_UNAVAILABLE', messageOf(error));
      }
      const died = state.closed.then((detail) => ({ died: true as const, detail }));
      try {
        const outcome = await Promise.race([
          state.client.callTool(
            { name: tool, arguments: args },
            {
              ...(callOptions.signal ? { signal: callOptions.signal } : {}),
              timeout: callOptions.timeoutMs ?? 600_000,
            },
          ),
          died,
        ]);
        if ('died' in outcome) {
          return failure(
            'E_SERVER_DIED',
            `The ${spec.server} server stopped while running ${tool}${outcome.detail ? ` (${outcome.detail})` : ''}. It will be restarted on the next call; the call may or may not have taken effect, so check before retrying.`,
          );
        }
        const result: ToolCallOutcome = { text: textOf(outcome.content), isError: outcome.isError === true };
        const code = (outcome._meta as Record<string, unknown> | undefined)?.[ERROR_CODE_META_KEY];
        if (result.isError && typeof code === 'string') result.code = code;
        if (outcome.structuredContent && typeof outcome.structuredContent === 'object') {
          result.structuredContent = outcome.structuredContent as Record<string, unknown>;
          if (result.text === '') result.text = JSON.stringify(outcome.structuredContent);
        }
        return result;
      } catch (error) {
        if (callOptions.signal?.aborted) throw error;
        if (state.dead) {
          return failure(
            'E_SERVER_DIED',
            `The ${spec.server} server stopped while running ${tool}. It will be restarted on the next call; the call may or may not have taken effect, so check before retrying.`,
          );
        }
        return failure('E_TOOL_FAILED', `${spec.server}:${tool} failed: ${messageOf(error)}`);
      }
    },
    async ping() {
      const state = await ensure();
      const started = performance.now();
      await state.client.ping();
      return performance.now() - started;
    },
    pid() {
      if (!live || live.dead || !(live.transport instanceof StdioClientTransport)) return undefined;
      return live.transport.pid ?? undefined;
    },
    starts: () => startCount,
    stderrTail: () => stderr,
    async close() {
      closing = true;
      const state = live ?? (connecting ? await connecting.catch(() => undefined) : undefined);
      if (state && !state.dead) await state.client.close().catch(() => {});
    },
  };
  return connection;
}
