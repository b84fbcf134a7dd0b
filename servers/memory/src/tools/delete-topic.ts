import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { indexReportSchema, slugSchema, type ToolDependencies } from './shared.js';

/** `delete_topic`: remove a topic and its index line in one atomic step. */
export function createDeleteTopicTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'delete_topic',
    title: 'Delete memory topic',
    description:
      'Delete a topic file and its line in the index, as one atomic step. Use it for topics that are wrong, obsolete, or merged into another. A dream can be undone with restore_dream.',
    inputSchema: z.object({ slug: slugSchema }),
    outputSchema: z.object({
      slug: z.string(),
      deleted: z.boolean(),
      version: z.string(),
      index: indexReportSchema,
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    meta: toolMeta({ subject: 'slug', writes: { topics: ['slug'] } }),
    handler: async (input) => store.deleteTopic(input.slug),
    toText: (output) =>
      `Deleted topics/${output.slug}.md (was version ${output.version}) and its index line.`,
  });
}
