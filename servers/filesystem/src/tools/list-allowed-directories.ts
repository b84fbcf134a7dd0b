import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { type FsToolContext, READ_ONLY_HINTS } from './context.js';

const outputSchema = z.object({ content: z.string(), directories: z.array(z.string()) });

/**
 * `list_allowed_directories`: the roots this connection may use (the operator's roots, narrowed
 * by the client's MCP roots when it sent any). No subject argument.
 */
export function createListAllowedDirectoriesTool(context: FsToolContext): ToolDefinition {
  return defineTool({
    name: 'list_allowed_directories',
    title: 'List Allowed Directories',
    description:
      'Returns the list of directories that this server is allowed to access. ' +
      'Subdirectories within these allowed directories are also accessible. ' +
      'Use this to understand which directories and their nested paths are available ' +
      'before trying to access files.',
    inputSchema: z.object({}),
    outputSchema,
    annotations: READ_ONLY_HINTS,
    meta: toolMeta({ writes: false, role: 'server/list-roots' }),
    async handler() {
      const confinement = await context.confinement();
      const directories = confinement.rootPaths;
      return { content: `Allowed directories:\n${directories.join('\n')}`, directories };
    },
    toText(output) {
      return output.content;
    },
  });
}
