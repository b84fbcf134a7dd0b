import { FILESYSTEM_WRITE_TOOLS } from '@meshwork/permissions';
import type { Tool } from '@modelcontextprotocol/client';
import type { MeshworkConfig, ServerKind } from '../config/types.js';
import { messageOf } from '../errors.js';
import type { AccessPolicy } from './access-policy.js';
import type { ServerConnection } from './server-connection.js';
import type { ServerPool } from './server-pool.js';

/** `_meta` key naming a tool's subject argument (same as the kit's SUBJECT_META_KEY). */
export const SUBJECT_META = 'meshwork/subject';

/** An MCP tool as one subagent sees it. */
export interface BoundTool {
  /** Model-facing name: `mcp__<server>__<tool>`. */
  name: string;
  server: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
  subjectArg?: string;
  writes: boolean;
  serverKind: ServerKind;
  roots?: string[];
  connection: ServerConnection;
}

/** A subagent's tools plus the memory connection (when its profile reaches the memory server). */
export interface ToolView {
  tools: BoundTool[];
  memory?: { server: string; connection: ServerConnection; tools: Tool[] };
  /** Servers the profile names that could not be attached, with why. */
  notes: string[];
}

/** Model-facing tool name. */
export function toolNameFor(server: string, tool: string): string {
  return `mcp__${server}__${tool}`.slice(0, 128);
}

function writesOf(kind: ServerKind, tool: Tool, subjectArg: string | undefined): boolean {
  if (kind === 'filesystem')
    return FILESYSTEM_WRITE_TOOLS.includes(tool.name) || tool.annotations?.readOnlyHint === false;
  if (kind === 'shell' || kind === 'memory') return false;
  // A third-party tool with a path subject that does not say it is read-only is treated as a write.
  return subjectArg !== undefined && /path|file/i.test(subjectArg) && tool.annotations?.readOnlyHint !== true;
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
  const view: ToolView = { tools: [], notes: [] };
  const servers = Object.keys(config.servers).filter((name) => policy.isServerVisible(name));
  const attached = await Promise.all(
    servers.map(async (name) => {
      try {
        const pooled = pool.acquire(name, policy.profile);
        const tools = await pooled.connection.tools();
        return { name, pooled, tools };
      } catch (error) {
        view.notes.push(`${name}: ${messageOf(error)}`);
        return undefined;
      }
    }),
  );
  for (const entry of attached) {
    if (!entry) continue;
    const { name, pooled, tools } = entry;
    if (name === config.memoryServer) view.memory = { server: name, connection: pooled.connection, tools };
    for (const tool of tools) {
      if (!policy.isToolVisible(name, tool.name)) continue;
      const meta = (tool._meta ?? {}) as Record<string, unknown>;
      const subjectArg = typeof meta[SUBJECT_META] === 'string' ? (meta[SUBJECT_META] as string) : undefined;
      const bound: BoundTool = {
        name: toolNameFor(name, tool.name),
        server: name,
        tool: tool.name,
        description: tool.description ?? tool.title ?? tool.name,
        inputSchema: tool.inputSchema as Record<string, unknown>,
        writes: writesOf(pooled.server.kind, tool, subjectArg),
        serverKind: pooled.server.kind,
        connection: pooled.connection,
      };
      if (subjectArg !== undefined) bound.subjectArg = subjectArg;
      if (pooled.sandbox.roots !== undefined) bound.roots = pooled.sandbox.roots;
      view.tools.push(bound);
    }
  }
  return view;
}
