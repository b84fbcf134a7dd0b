import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ShellRuntime } from '../runtime.js';
import { processStatusSchema, toStatusOutput } from './status-schema.js';

/** process_status: the state of one background process, or of all of them. */
export function createProcessStatusTool(runtime: ShellRuntime) {
  return defineTool({
    name: 'process_status',
    title: 'Background process status',
    description:
      'Reports whether background processes are running, their exit codes and how much output they wrote. ' +
      'Give an id for one process; leave it out to list all of them.',
    inputSchema: z.object({ id: z.string().optional().describe('A process id from start_process, e.g. p1') }),
    outputSchema: z.object({ processes: z.array(processStatusSchema) }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    meta: toolMeta({ writes: false }),
    async handler(input) {
      const statuses =
        input.id === undefined ? runtime.processes.list() : [runtime.processes.status(input.id)];
      return { processes: statuses.map(toStatusOutput) };
    },
  });
}
