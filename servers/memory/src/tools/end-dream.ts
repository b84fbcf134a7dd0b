import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ToolDependencies } from './shared.js';

/** `end_dream`: finish the running dream and record what it changed. */
export function createEndDreamTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'end_dream',
    title: 'End dream',
    description:
      'Finish the running dream with the token from begin_dream and a short summary. The dream, with a diff of every topic and index change, is recorded in dreams.jsonl. With outcome "failed" the topics are restored from the snapshot and the lock is rolled back, so the next dream starts from the same point.',
    inputSchema: z.object({
      token: z.string().min(1),
      summary: z.string().max(4000).describe('What the dream merged, corrected and pruned.'),
      outcome: z.enum(['completed', 'failed']).optional().describe('Default completed.'),
    }),
    outputSchema: z.object({
      dream_id: z.string(),
      outcome: z.enum(['completed', 'failed']),
      ended_at: z.string(),
      changes: z.array(z.object({ path: z.string(), change: z.enum(['added', 'removed', 'modified']) })),
      restored: z.boolean(),
      last_dream_at: z.string().nullable(),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false },
    meta: toolMeta({ writes: { roots: true }, role: 'memory/end-dream' }),
    handler: async (input) => store.endDream(input.token, input.summary, input.outcome ?? 'completed'),
  });
}
