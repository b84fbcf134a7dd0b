import { resolve } from 'node:path';
import { readToolMeta, type ToolWrites } from '@meshwork/kit';
import { inferSubjectKind } from '@meshwork/permissions';
import type { Tool } from '@modelcontextprotocol/client';
import type { MeshworkConfig, ServerConfig } from '../config/types.js';
import { CoordinatorError, messageOf } from '../errors.js';
import type { ServerConnection } from '../servers/server-connection.js';
import type { ServerPool } from '../servers/server-pool.js';
import type { AccessPolicy } from './access-policy.js';

/** An MCP tool as one subagent sees it. */
export interface BoundTool {
  /** Model-facing name: `mcp__<server>__<tool>`. */
  name: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
  /** The argument permission rules match, as declared. */
  subjectArg?: string;
  /** Whether and where the tool writes, as declared; fail-closed when it declares nothing. */
  writes: ToolWrites;
  roots?: string[];
  /**
   * Absolute paths the server's OS sandbox lets it write (set only when it runs in one): a
   * command's writes can land nowhere else, so only these are watched for them.
   */
  sandboxWritable?: string[];
  connection: ServerConnection;
}

/** A subagent's tools plus the memory connection (when its profile reaches the memory server). */
export interface ToolView {
  tools: BoundTool[];
  memory?: { server: string; connection: ServerConnection; tools: Tool[] };
  /** Servers the profile names that could not be attached, with why. */
  notes: string[];
  /**
   * The servers among them that failed (did not start, died at start, never answered), as
   * opposed to ones the profile's own limits leave unreachable; the run reports these as failures.
   */
  unavailable?: { server: string; reason: string }[];
}

/** Model-facing tool name. */
export function toolNameFor(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.slice(0, 128);
}

/**
 * A tool's contract: the server entry's `tools` declaration first (the operator's word, for
 * third-party servers), then the tool's own `_meta`. A tool that says nothing about its writes is
 * treated as writing: its path subject when it has one (so leases apply), else anywhere.
 */
export function contractOf(server: ServerConfig, tool: Tool): { subjectArg?: string; writes: ToolWrites } {
  const declared = readToolMeta(tool._meta);
  const configured = server.tools[tool.name];
  const subjectArg = configured?.subject ?? declared.subject;
  const writes =
    configured?.writes ??
    declared.writes ??
    (subjectArg !== undefined && inferSubjectKind(subjectArg) === 'path'
      ? { paths: [subjectArg] }
      : { roots: true as const });
  return subjectArg === undefined ? { writes } : { subjectArg, writes };
}

/**
 * Attaches a subagent to every server its policy makes visible (through the shared pool) and keeps
 * only the tools the policy allows. A server that cannot start is left out with a note; the
 * subagent still runs.
 */
export async function buildToolView(
  pool: ServerPool,
  config: MeshworkConfig,
  policy: AccessPolicy,
): Promise<ToolView> {
  const view: ToolView = { tools: [], notes: [], unavailable: [] };
  const servers = Object.keys(config.servers).filter((name) => policy.isServerVisible(name));
  const attached = await Promise.all(
    servers.map(async (name) => {
      try {
        const pooled = pool.acquire(name, policy.profile);
        const tools = await pooled.connection.tools();
        const roots = await pooled.connection.roots();
        return { name, pooled, tools, roots };
      } catch (error) {
        // Fail closed: a server that must be sandboxed and cannot be fails the subagent, loudly.
        if (error instanceof CoordinatorError && error.code === 'E_SANDBOX_UNAVAILABLE') throw error;
        view.notes.push(`${name}: ${messageOf(error)}`);
        if (!(error instanceof CoordinatorError && error.code === 'E_SERVER_UNREACHABLE'))
          view.unavailable?.push({ server: name, reason: messageOf(error) });
        return undefined;
      }
    }),
  );
  for (const entry of attached) {
    if (!entry) continue;
    const { name, pooled, tools, roots } = entry;
    if (name === config.memoryServer) view.memory = { server: name, connection: pooled.connection, tools };
    for (const tool of tools) {
      if (!policy.isToolVisible(name, tool.name)) continue;
      const bound: BoundTool = {
        name: toolNameFor(name, tool.name),
        server: name,
        tool: tool.name,
        description: tool.description ?? tool.title ?? tool.name,
        inputSchema: tool.inputSchema as Record<string, unknown>,
        ...contractOf(pooled.server, tool),
        connection: pooled.connection,
      };
      if (roots !== undefined) bound.roots = roots;
      if (pooled.sandbox?.mode === 'bwrap') {
        bound.sandboxWritable = pooled.sandbox.writable.map((path) => resolve(config.projectDir, path));
      }
      view.tools.push(bound);
    }
  }
  return view;
}
