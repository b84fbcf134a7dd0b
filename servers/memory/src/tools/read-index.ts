import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { READ_ONLY, type ToolDependencies } from './shared.js';

/** `read_index`: memory layer 1, always within its bounds. */
export function createReadIndexTool({ store }: ToolDependencies) {
  return defineTool({
    name: 'read_index',
    title: 'Read memory index',
    description:
      'Layer 1 of memory: MEMORY.md, one line per topic ("- [Title](topics/slug.md) — hook"). Read it at the start of a task to see what is remembered, then read_topic for the topics that matter. Never returns more than the bounds (lines, bytes, characters per line); reports the size against them and whether consolidation is needed.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      content: z.string(),
      shown_lines: z.number().int(),
      shown_bytes: z.number().int(),
      total_lines: z.number().int().nullable(),
      total_bytes: z.number().int(),
      max_lines: z.number().int(),
      max_bytes: z.number().int(),
      max_line_chars: z.number().int(),
      truncated: z.boolean(),
      exceeded: z.array(z.string()),
      needs_consolidation: z.boolean(),
    }),
    annotations: READ_ONLY,
    meta: toolMeta({ writes: false, role: 'memory/read-index' }),
    handler: async () => store.readIndex(),
    toText: (output) =>
      `${output.content || '(the index is empty)\n'}\n[index: ${output.shown_lines}/${output.max_lines} lines, ${output.shown_bytes}/${output.max_bytes} bytes${output.truncated ? '; TRUNCATED to the bounds' : ''}${output.needs_consolidation ? `; over bounds (${output.exceeded.join('; ')}): consolidate with maintain_memory or a dream` : ''}]`,
  });
}
