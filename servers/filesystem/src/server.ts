import { type Logger, registerTools } from '@meshwork/kit';
import { McpServer } from '@modelcontextprotocol/server';
import type { PathConfinement } from './confinement/path-confinement.js';
import { narrowRoots, resolveClientRoots } from './confinement/roots.js';
import { DEFAULT_TOOL_LIMITS, type ToolLimits } from './tools/context.js';
import { createFilesystemTools } from './tools/index.js';

/** Options for {@link createFilesystemServer}. */
export interface FilesystemServerOptions {
  /** The operator's confinement, built once per process and shared by every connection. */
  confinement: PathConfinement;
  /** Leave out (do not even list) write_file, edit_file, create_directory and move_file. */
  readOnly?: boolean;
  /** Overrides of {@link DEFAULT_TOOL_LIMITS}; `maxReadBytes` defaults to the confinement's. */
  limits?: Partial<ToolLimits>;
  /** Where roots narrowing is reported; silent when absent. */
  logger?: Logger;
  /** How long a tool call waits for the client's roots/list answer; then the operator's roots apply. */
  rootsTimeoutMs?: number;
  /** Reported in serverInfo. */
  version?: string;
}

/** A server for one connection. */
export interface FilesystemServer {
  server: McpServer;
  /** The confinement this connection uses now (after any narrowing by client roots). */
  confinement(): Promise<PathConfinement>;
  close(): Promise<void>;
}

const INSTRUCTIONS =
  'Filesystem access limited to the allowed directories (see list_allowed_directories). ' +
  'Paths must be absolute; "~", relative paths and ".." are refused. Large outputs are paginated: ' +
  'pass nextCursor back as cursor. Use grep to search file contents. To avoid overwriting changes made ' +
  'by others, pass the sha256 from read_text_file or get_file_info as expected_sha256 to write_file or edit_file.';

/**
 * Builds the filesystem MCP server for one connection. Cheap: the confinement (roots, deny globs,
 * write locks) is shared. On a 2025-era connection whose client declares the roots capability,
 * the client's roots are listed after initialization (and again on roots/list_changed) and
 * intersected with the operator's roots: they can narrow the confinement, never widen it. Tool calls
 * wait for a pending narrowing, so none runs with wider roots than the client asked for.
 */
export function createFilesystemServer(options: FilesystemServerOptions): FilesystemServer {
  const operatorConfinement = options.confinement;
  const limits: ToolLimits = {
    ...DEFAULT_TOOL_LIMITS,
    maxReadBytes: operatorConfinement.maxReadBytes,
    ...options.limits,
  };
  const server = new McpServer(
    { name: 'meshwork-fs', version: options.version ?? '0.1.0' },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  let current = operatorConfinement;
  let pending: Promise<void> | undefined;
  const logger = options.logger;
  const rootsTimeoutMs = options.rootsTimeoutMs ?? 5_000;

  const refreshRoots = async (): Promise<void> => {
    try {
      const listed = await server.server.listRoots(undefined, { timeout: rootsTimeoutMs });
      if (listed.roots.length === 0) {
        // A client with no roots of its own asks for no narrowing: the served roots apply as they are.
        current = operatorConfinement;
        logger?.debug('the client lists no roots; keeping the served roots');
        return;
      }
      const { paths, skipped } = await resolveClientRoots(listed.roots.map((root) => root.uri));
      if (skipped.length > 0) logger?.warn({ skipped }, 'ignored client roots');
      const narrowed = narrowRoots(operatorConfinement.roots, paths);
      if (narrowed.length === 0) {
        // Never widen: with no overlap the operator's roots stay; they are the boundary anyway.
        current = operatorConfinement;
        logger?.warn(
          { client: paths, operator: operatorConfinement.rootPaths },
          'client roots do not overlap the served roots; keeping the served roots',
        );
        return;
      }
      current = operatorConfinement.withRoots(narrowed);
      logger?.info({ roots: current.rootPaths }, 'narrowed roots to the client roots');
    } catch (error) {
      logger?.warn({ err: error }, 'could not list client roots; keeping the served roots');
    }
  };
  const startRefresh = (): void => {
    const previous = pending;
    const run = (async () => {
      await previous;
      await refreshRoots();
    })();
    pending = run;
    void run.finally(() => {
      if (pending === run) pending = undefined;
    });
  };

  server.server.oninitialized = () => {
    if (server.server.getClientCapabilities()?.roots) startRefresh();
  };
  server.server.setNotificationHandler('notifications/roots/list_changed', () => {
    if (server.server.getClientCapabilities()?.roots) startRefresh();
  });

  const context = {
    limits,
    async confinement() {
      if (pending) await pending;
      return current;
    },
  };
  registerTools(server, createFilesystemTools(context, { readOnly: options.readOnly ?? false }));
  return {
    server,
    confinement: context.confinement,
    async close() {
      await server.close();
    },
  };
}
