import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ToolDependencies } from './shared.js';

/** `restore_dream`: undo a dream from the snapshot taken before it. */
export function createRestoreDreamTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'restore_dream',
    title: 'Restore before dream',
    description:
      'Undo a dream: put every topic and the index back exactly as they were when that dream began (topics it added are deleted). dream_id comes from begin_dream or dreams.jsonl; the newest 20 snapshots are kept. The restore itself is recorded in dreams.jsonl.',
    inputSchema: z.object({ dream_id: z.string().min(1).max(64) }),
    outputSchema: z.object({
      dream_id: z.string(),
      restored: z.boolean(),
      changes: z.array(z.object({ path: z.string(), change: z.enum(['added', 'removed', 'modified']) })),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    meta: toolMeta({ subject: 'dream_id', writes: { roots: true }, role: 'memory/restore-dream' }),
    handler: async (input) => store.restoreDream(input.dream_id),
  });
}
