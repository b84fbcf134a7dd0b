import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { TOPIC_TYPES } from '../store/topic-file.js';
import { READ_ONLY, slugSchema, type ToolDependencies } from './shared.js';

/** `read_topic`: memory layer 2, one topic file. */
export function createReadTopicTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'read_topic',
    title: 'Read memory topic',
    description:
      'Layer 2 of memory: read one topic file (its frontmatter and body) by slug, as listed in read_index. Use offset/limit (body lines) to page through a long topic. Returns the version to pass as expected_version when you rewrite it.',
    inputSchema: z.object({
      slug: slugSchema,
      offset: z.number().int().min(0).optional().describe('First body line to return, 0-based (default 0).'),
      limit: z
        .number()
        .int()
        .min(1)
        .max(2000)
        .optional()
        .describe('Most body lines to return (default 500).'),
    }),
    outputSchema: z.object({
      slug: z.string(),
      title: z.string(),
      hook: z.string(),
      type: z.enum(TOPIC_TYPES),
      created: z.string(),
      updated: z.string(),
      source: z.string(),
      version: z.string(),
      body: z.string(),
      offset: z.number().int(),
      returned_lines: z.number().int(),
      total_lines: z.number().int(),
      has_more: z.boolean(),
      frontmatter_error: z.string().optional(),
    }),
    annotations: READ_ONLY,
    meta: toolMeta({ subject: 'slug', writes: false }),
    handler: async (input) => store.readTopic(input.slug, input.offset ?? 0, input.limit ?? 500),
    toText: (output) =>
      `# ${output.title} (${output.type}; version ${output.version}; updated ${output.updated || 'unknown'}; source ${output.source || 'unknown'})\n${output.hook ? `${output.hook}\n` : ''}\n${output.body}${output.has_more ? `\n\n[lines ${output.offset + 1}-${output.offset + output.returned_lines} of ${output.total_lines}; continue with offset ${output.offset + output.returned_lines}]` : ''}`,
  });
}
