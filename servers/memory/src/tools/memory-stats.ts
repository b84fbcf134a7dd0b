import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { indexReportSchema, READ_ONLY, type ToolDependencies } from './shared.js';

/** `memory_stats`: sizes of every layer and of the search index. */
export function createMemoryStatsTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'memory_stats',
    title: 'Memory statistics',
    description:
      'Sizes and counts of every memory layer: index size against its bounds, number of topics, sessions and transcript bytes, the search index (indexed bytes, entries, corrupt lines skipped, bytes still to index), and the dream lock.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      dir: z.string(),
      index: indexReportSchema,
      topics: z.number().int(),
      dream: z.object({
        running: z.boolean(),
        dream_id: z.string().nullable(),
        last_dream_at: z.string().nullable(),
      }),
      topic_max_bytes: z.number().int(),
      sessions: z.number().int(),
      transcript_bytes: z.number().int(),
      search_index: z.object({
        indexed_sessions: z.number().int(),
        indexed_bytes: z.number().int(),
        entries: z.number().int(),
        corrupt_lines: z.number().int(),
        pending_bytes: z.number().int(),
        database_bytes: z.number().int(),
        rebuilds: z.number().int(),
        watching: z.boolean(),
      }),
    }),
    annotations: READ_ONLY,
    meta: toolMeta({ writes: false, role: 'memory/stats' }),
    handler: async () => store.stats(),
  });
}
