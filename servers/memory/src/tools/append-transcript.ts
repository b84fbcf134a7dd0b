import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { sessionSchema, type ToolDependencies } from './shared.js';

/** `append_transcript`: add entries to a session's append-only transcript. */
export function createAppendTranscriptTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'append_transcript',
    title: 'Append to transcript',
    description:
      'Append entries to transcripts/<session>.jsonl (created if missing). Transcripts are append-only; each entry becomes one JSON line and is searchable with search_memory within a second. Entries written in one call stay together, even with other processes appending.',
    inputSchema: z.object({
      session: sessionSchema,
      entries: z
        .array(
          z.object({
            role: z.string().min(1).max(64).describe('user, assistant, tool, system, or any short label.'),
            content: z.string(),
            ts: z.string().optional().describe('ISO 8601 timestamp; defaults to now.'),
            meta: z.record(z.string(), z.unknown()).optional(),
            profile: z
              .string()
              .max(128)
              .optional()
              .describe(
                'Transcript scope tag. A server launched with --limit-transcript-profile replaces it with its own.',
              ),
          }),
        )
        .min(1)
        .max(1000),
    }),
    outputSchema: z.object({
      session: z.string(),
      appended: z.number().int(),
      bytes: z.number().int(),
      size: z.number().int(),
      max_append_bytes: z.number().int(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    meta: toolMeta({ subject: 'session', writes: { roots: true }, role: 'memory/append-transcript' }),
    handler: async (input) => store.appendTranscript(input.session, input.entries),
    toText: (output) =>
      `Appended ${output.appended} entries (${output.bytes} bytes) to ${output.session}; transcript is now ${output.size} bytes.`,
  });
}
