import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ToolDependencies } from './shared.js';

/** `maintain_memory`: the deterministic part of consolidation. */
export function createMaintainMemoryTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'maintain_memory',
    title: 'Maintain memory',
    description:
      'Deterministic consolidation: rebuild every index line from its topic frontmatter, drop index lines that point at missing topics, add topics missing from the index, merge topics with identical bodies (the oldest is kept), shorten lines over the character bound, and, if the index is still over its line or byte bound, take the least recently updated topics out of it. Reports every change. Run with dry_run true first to see the plan.',
    inputSchema: z.object({
      dry_run: z.boolean().describe('true: report what would change without writing.'),
    }),
    outputSchema: z.object({
      dry_run: z.boolean(),
      changes: z.array(z.object({ action: z.string(), slug: z.string().optional(), detail: z.string() })),
      warnings: z.array(z.string()),
      index_before: z.object({ lines: z.number().int(), bytes: z.number().int() }),
      index_after: z.object({
        lines: z.number().int(),
        bytes: z.number().int(),
        exceeded: z.array(z.string()),
        within_bounds: z.boolean(),
      }),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    meta: toolMeta({ writes: { roots: true }, role: 'memory/maintain' }),
    handler: async (input) => store.maintain(input.dry_run),
    toText: (output) =>
      [
        `${output.dry_run ? 'Dry run: would make' : 'Made'} ${output.changes.length} change(s).`,
        ...output.changes.map(
          (change) => `- ${change.action}${change.slug ? ` ${change.slug}` : ''}: ${change.detail}`,
        ),
        ...output.warnings.map((warning) => `! ${warning}`),
        `Index: ${output.index_before.lines} -> ${output.index_after.lines} lines, ${output.index_before.bytes} -> ${output.index_after.bytes} bytes${output.index_after.within_bounds ? ' (within bounds)' : ` (still over: ${output.index_after.exceeded.join('; ')})`}.`,
      ].join('\n'),
  });
}
