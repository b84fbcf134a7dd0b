import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ToolDependencies } from './shared.js';

/** `begin_dream`: take the dream lock, snapshot topics, and see what changed since the last dream. */
export function createBeginDreamTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'begin_dream',
    title: 'Begin dream',
    description:
      'Start a memory consolidation ("dream"). Takes the dream lock (only one dream at a time; a dream older than an hour counts as abandoned), snapshots every topic so restore_dream can undo it, and returns the sessions written since the last dream and the index size. Keep the token: end_dream needs it. The "dream" prompt has the full procedure.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      dream_id: z.string(),
      token: z.string(),
      started_at: z.string(),
      last_dream_at: z.string().nullable(),
      sessions_since_last_dream: z.array(
        z.object({ session: z.string(), bytes: z.number().int(), modified: z.string() }),
      ),
      sessions_since_total: z.number().int(),
      topics: z.number().int(),
      snapshot_topics: z.number().int(),
      index: z.object({
        lines: z.number().int(),
        bytes: z.number().int(),
        max_lines: z.number().int(),
        max_bytes: z.number().int(),
        exceeded: z.array(z.string()),
      }),
      next: z.string(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    meta: toolMeta({ writes: { roots: true }, role: 'memory/begin-dream' }),
    handler: async () => store.beginDream(),
  });
}
