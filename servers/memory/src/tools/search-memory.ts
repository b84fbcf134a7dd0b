import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { READ_ONLY, sessionSchema, type ToolDependencies } from './shared.js';

/** `search_memory`: full-text search over topics and transcripts; locations and snippets only. */
export function createSearchMemoryTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'search_memory',
    title: 'Search memory',
    description:
      'Full-text search over topics and transcripts (layer 3). Returns locations (topic slug and line, or session, line, timestamp and role) with a short snippet, never whole transcripts: follow up with read_topic or read_transcript on a narrow line range. Words are ANDed; "quoted phrase" matches a phrase; word* matches a prefix; OR between words matches either. Identifiers such as TCK-12345 or snake_case names match exactly. Transcript hits come newest first. Narrow with session, since and until (ISO dates).',
    inputSchema: z.object({
      query: z.string().min(1).max(500).describe('Words, "phrases", prefix*, or identifiers to find.'),
      scope: z.enum(['topics', 'transcripts', 'all']).optional().describe('Where to search (default all).'),
      session: sessionSchema.optional().describe('Only this session (transcripts only).'),
      since: z.string().optional().describe('Only transcript entries at or after this ISO 8601 date/time.'),
      until: z.string().optional().describe('Only transcript entries at or before this ISO 8601 date/time.'),
      limit: z.number().int().min(1).max(100).optional().describe('Most results (default 10).'),
    }),
    outputSchema: z.object({
      query: z.string(),
      scope: z.enum(['topics', 'transcripts', 'all']),
      results: z.array(
        z.object({
          kind: z.enum(['topic', 'transcript']),
          slug: z.string().optional(),
          title: z.string().optional(),
          session: z.string().optional(),
          line: z.number().int(),
          timestamp: z.string().nullable().optional(),
          role: z.string().nullable().optional(),
          snippet: z.string(),
        }),
      ),
      indexing_pending_bytes: z.number().int().optional(),
    }),
    annotations: READ_ONLY,
    meta: toolMeta({ subject: 'query', writes: false }),
    handler: async (input) => store.search(input),
    toText: (output) => {
      if (output.results.length === 0)
        return `No matches for ${JSON.stringify(output.query)} in ${output.scope}.`;
      const lines = output.results.map((hit) =>
        hit.kind === 'topic'
          ? `topic ${hit.slug}:${hit.line} (${hit.title}): ${hit.snippet}`
          : `${hit.session}:${hit.line} ${hit.timestamp ?? ''} ${hit.role ?? ''}: ${hit.snippet}`,
      );
      if (output.indexing_pending_bytes)
        lines.push(`(still indexing ${output.indexing_pending_bytes} bytes; results may be incomplete)`);
      return lines.join('\n');
    },
  });
}
