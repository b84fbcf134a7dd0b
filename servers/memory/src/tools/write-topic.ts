import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { TOPIC_TYPES } from '../store/topic-file.js';
import { indexReportSchema, slugSchema, type ToolDependencies } from './shared.js';

/** `write_topic`: create, replace or append to a topic and its index line in one atomic step. */
export function createWriteTopicTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'write_topic',
    title: 'Write memory topic',
    description:
      'Create, replace or append to a topic (topics/<slug>.md) and update its index line in MEMORY.md, as one atomic step: the two never disagree. title becomes the index title, hook the one-line summary after it. type: user (about the user), feedback (how they want work done), project (facts about the work), reference (where things are). Pass expected_version (from read_topic) to refuse the write if someone changed the topic meanwhile. A topic over the size cap is refused. If the index goes over its bounds the write still succeeds and the result asks you to consolidate.',
    inputSchema: z.object({
      slug: slugSchema,
      title: z.string().min(1).max(200).optional().describe('Index title; required when creating.'),
      hook: z.string().max(500).optional().describe('One-line summary shown after the title in the index.'),
      type: z.enum(TOPIC_TYPES).optional().describe('Required when creating.'),
      body: z.string().describe('Markdown body. With mode "append" it is added after the existing body.'),
      mode: z
        .enum(['create', 'replace', 'append'])
        .describe('create fails if the topic exists; replace and append create it if missing.'),
      expected_version: z
        .string()
        .optional()
        .describe('Version from read_topic; the write fails if the topic changed since.'),
      source: z
        .string()
        .max(200)
        .optional()
        .describe('Which session or agent is writing (recorded in the frontmatter).'),
    }),
    outputSchema: z.object({
      slug: z.string(),
      path: z.string(),
      version: z.string(),
      created: z.boolean(),
      bytes: z.number().int(),
      index_line: z.string(),
      index: indexReportSchema,
      advice: z.string().optional(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    meta: toolMeta({ subject: 'slug', writes: { topics: ['slug'] } }),
    handler: async (input) => store.writeTopic(input),
    toText: (output) =>
      `${output.created ? 'Created' : 'Updated'} ${output.path} (version ${output.version}, ${output.bytes} bytes).\nIndex line: ${output.index_line}\nIndex: ${output.index.lines}/${output.index.max_lines} lines, ${output.index.bytes}/${output.index.max_bytes} bytes.${output.advice ? `\n${output.advice}` : ''}`,
  });
}
