import { readToolMeta, type ToolRole } from '@meshwork/kit';
import type { Tool } from '@modelcontextprotocol/client';

/**
 * The tool that declares `role` (`_meta["meshwork/role"]`): how the coordinator and the daemon find
 * the tools they call by themselves (a server's roots, the memory index, transcripts, dreams),
 * never by name.
 */
export function toolWithRole(tools: readonly Tool[], role: ToolRole): Tool | undefined {
  return tools.find((tool) => readToolMeta(tool._meta).role === role);
}
