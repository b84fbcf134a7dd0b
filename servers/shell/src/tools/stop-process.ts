import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ShellRuntime } from '../runtime.js';
import { processStatusSchema, toStatusOutput } from './status-schema.js';

/** stop_process: ends a background process and its whole process group. */
export function createStopProcessTool(runtime: ShellRuntime) {
  return defineTool({
    name: 'stop_process',
    title: 'Stop a background process',
    description:
      'Ends a background process and everything it started (its whole process group): SIGTERM, then SIGKILL ' +
      'after a grace period. Returns its final status. Stopping a process that already exited is harmless.',
    inputSchema: z.object({ id: z.string() }),
    outputSchema: processStatusSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    meta: toolMeta({ writes: { roots: true } }),
    async handler(input) {
      return toStatusOutput(await runtime.processes.stop(input.id));
    },
  });
}
