import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { MemoryStore } from '../store/memory-store.js';

/** The four-phase consolidation procedure, for any MCP client to run with its own model. */
export function dreamInstructions(options: {
  maxLines: number;
  maxBytes: number;
  focus?: string | undefined;
}): string {
  return `You are consolidating ("dreaming" over) a three-layer memory through the memory tools only.
Layer 1 is the index (read_index), layer 2 the topics (read_topic/write_topic/delete_topic), layer 3
the transcripts (search_memory, read_transcript): search them, never read them whole.
${options.focus ? `\nFocus of this dream: ${options.focus}\n` : ''}
Start: call begin_dream. Keep its token and dream_id. If it says a dream is already running, stop.

Phase 1, orient.
- read_index, and read_topic for the topics that look related to the sessions begin_dream listed.
- Note duplicates, vague hooks, relative dates ("yesterday", "next week") and anything stale.

Phase 2, gather narrowly.
- For each session begin_dream listed, search_memory with specific words (decisions, names,
  identifiers, "prefer", "always", "never", "wrong", "instead") and scope "transcripts".
- Read only small slices around hits with read_transcript (about 10 lines either side).
- Collect durable facts: user preferences, feedback on how to work, project decisions, where
  things are. Skip what the code or git history already records and one-off chatter.

Phase 3, consolidate.
- Update existing topics before creating new ones (write_topic mode "replace" with the
  expected_version from read_topic, or mode "append").
- Merge duplicate topics into one and delete_topic the others.
- Turn relative dates into absolute ones (use the transcript timestamps).
- When a newer fact contradicts an older one, keep the newer and remove the older.
- Every topic gets a clear title and a one-line hook: the index line is all a future reader sees.

Phase 4, prune.
- Call maintain_memory with dry_run true, check the plan, then with dry_run false.
- The index must end within its bounds (${options.maxLines} lines, ${options.maxBytes} bytes): shorten
  hooks, merge related topics, delete obsolete ones until read_index reports no excess.

Finish: call end_dream with the token and a summary of what you merged, corrected and pruned.
If something went wrong, call end_dream with outcome "failed": your changes are rolled back.
A finished dream can still be undone with restore_dream and its dream_id.`;
}

/** Registers the `dream` prompt. */
export function registerDreamPrompt(server: McpServer, store: MemoryStore): void {
  server.registerPrompt(
    'dream',
    {
      title: 'Dream: consolidate memory',
      description:
        'Four-phase memory consolidation (orient, gather narrowly, consolidate, prune) to run with your own model and the memory tools.',
      argsSchema: z.object({
        focus: z.string().optional().describe('Optional theme or sessions to concentrate on.'),
      }),
    },
    async (args) => ({
      description: 'Consolidate memory',
      messages: [
        {
          role: 'user',
          content: {
            type: 'text',
            text: dreamInstructions({
              maxLines: store.bounds.indexMaxLines,
              maxBytes: store.bounds.indexMaxBytes,
              focus: args.focus,
            }),
          },
        },
      ],
    }),
  );
}
