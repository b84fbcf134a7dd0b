import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { READ_ONLY, type ToolDependencies } from './shared.js';

/** `list_sessions`: transcripts, most recent first. */
export function createListSessionsTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'list_sessions',
    title: 'List sessions',
    description:
      'List session transcripts, most recently written first, with size, line count and time span. Use since (ISO date) to see what changed recently.',
    inputSchema: z.object({
      since: z.string().optional().describe('Only sessions written at or after this ISO 8601 date/time.'),
      limit: z.number().int().min(1).max(1000).optional().describe('Most sessions (default 50).'),
    }),
    outputSchema: z.object({
      sessions: z.array(
        z.object({
          session: z.string(),
          bytes: z.number().int(),
          modified: z.string(),
          lines: z.number().int().nullable(),
          first_timestamp: z.string().nullable(),
          last_timestamp: z.string().nullable(),
        }),
      ),
      total: z.number().int(),
      has_more: z.boolean(),
    }),
    annotations: READ_ONLY,
    meta: toolMeta({ writes: false, role: 'memory/list-sessions' }),
    handler: async (input) => store.listSessions(input.since, input.limit ?? 50),
    toText: (output) =>
      output.sessions.length === 0
        ? 'No sessions.'
        : [
            ...output.sessions.map(
              (session) =>
                `${session.session}  ${session.modified}  ${session.bytes} bytes${session.lines === null ? '' : `, ${session.lines} lines`}`,
            ),
            `[${output.sessions.length} of ${output.total}]`,
          ].join('\n'),
  });
}
