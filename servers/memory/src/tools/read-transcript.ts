import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { READ_ONLY, sessionSchema, type ToolDependencies } from './shared.js';

/** `read_transcript`: a bounded slice of one transcript. */
export function createReadTranscriptTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'read_transcript',
    title: 'Read transcript slice',
    description:
      'Read lines from_line..to_line (1-based, inclusive) of a session transcript, at most 200 lines per call; long entries are cut. Use it after search_memory to see the context around a hit (for example 10 lines either side), never to replay a whole session.',
    inputSchema: z.object({
      session: sessionSchema,
      from_line: z.number().int().min(1),
      to_line: z.number().int().min(1),
    }),
    outputSchema: z.object({
      session: z.string(),
      from_line: z.number().int(),
      to_line: z.number().int(),
      entries: z.array(
        z.object({
          line: z.number().int(),
          timestamp: z.string().nullable(),
          role: z.string().nullable(),
          content: z.string(),
          truncated: z.boolean().optional(),
          corrupt: z.boolean().optional(),
        }),
      ),
      has_more: z.boolean(),
      total_lines: z.number().int().nullable(),
      note: z.string().optional(),
    }),
    annotations: READ_ONLY,
    meta: toolMeta({ subject: 'session', writes: false }),
    handler: async (input) => store.readTranscript(input.session, input.from_line, input.to_line),
    toText: (output) =>
      [
        ...output.entries.map(
          (entry) =>
            `${entry.line} ${entry.timestamp ?? ''} ${entry.role ?? ''}${entry.corrupt ? ' [corrupt line]' : ''}: ${entry.content}`,
        ),
        `[${output.session} lines ${output.from_line}-${output.to_line}${output.total_lines === null ? '' : ` of ${output.total_lines}`}${output.has_more ? '; more after' : ''}]`,
        ...(output.note ? [output.note] : []),
      ].join('\n'),
  });
}
