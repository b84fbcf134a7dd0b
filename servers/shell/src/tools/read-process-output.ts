import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ShellRuntime } from '../runtime.js';
import { processStatusSchema, toStatusOutput } from './status-schema.js';

/** read_process_output: reads a background process's combined output from an offset. */
export function createReadProcessOutputTool(runtime: ShellRuntime) {
  return defineTool({
    name: 'read_process_output',
    title: 'Read background process output',
    description:
      'Returns the combined stdout and stderr a background process wrote, from byte offset `since` (default 0). ' +
      'Pass the returned `next` as `since` to get only new output. `wait_ms` waits up to that long for new output ' +
      'while the process runs, instead of polling.',
    inputSchema: z.object({
      id: z.string(),
      since: z.number().int().min(0).optional(),
      max_bytes: z
        .number()
        .int()
        .positive()
        .max(1024 * 1024)
        .optional()
        .describe('Default 65536'),
      wait_ms: z.number().int().min(0).max(60_000).optional(),
    }),
    outputSchema: z.object({
      id: z.string(),
      output: z.string(),
      since: z.number().int(),
      next: z.number().int(),
      more: z.boolean().describe('true when more output is already available after next'),
      status: processStatusSchema,
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    meta: toolMeta({ writes: false }),
    async handler(input, context) {
      const since = input.since ?? 0;
      const read = await runtime.processes.read(
        input.id,
        since,
        input.max_bytes ?? 65_536,
        input.wait_ms ?? 0,
        context.signal,
      );
      return {
        id: input.id,
        output: read.text,
        since,
        next: read.next,
        more: read.next < read.status.output_bytes,
        status: toStatusOutput(read.status),
      };
    },
    toText(output) {
      const state =
        output.status.state === 'running'
          ? 'running'
          : `exited (${output.status.exit_code ?? output.status.signal})`;
      return `${output.id} ${state}; bytes ${output.since}-${output.next}${output.more ? ' (more available)' : ''}\n${output.output}`;
    },
  });
}
