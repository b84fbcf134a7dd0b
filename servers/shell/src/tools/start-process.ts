import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import type { ShellRuntime } from '../runtime.js';
import { POLICY_SUMMARY } from './describe-policy.js';
import { prepareCommand } from './prepare.js';
import { processStatusSchema, toStatusOutput } from './status-schema.js';

/** start_process: starts a policy-checked command in the background. */
export function createStartProcessTool(runtime: ShellRuntime) {
  return defineTool({
    name: 'start_process',
    title: 'Start a background process',
    description:
      'Starts a command line in the background (a dev server, a watcher, a long build) and returns its id at once. ' +
      'Follow it with read_process_output, check it with process_status, end it with stop_process. Background ' +
      'processes are capped in number and are ended when the server stops. The same policy as run_command applies. ' +
      POLICY_SUMMARY,
    inputSchema: z.object({
      command: z.string().min(1),
      cwd: z.string().optional().describe('Working directory inside a root'),
      env: z.record(z.string(), z.string()).optional(),
      stdin: z.string().optional(),
      timeout_ms: z
        .number()
        .int()
        .positive()
        .optional()
        .describe('End the process group after this long (default: never)'),
    }),
    outputSchema: processStatusSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    meta: toolMeta({ subject: 'command', writes: { roots: true } }),
    async handler(input) {
      const { spec } = await prepareCommand(runtime, input);
      return toStatusOutput(await runtime.processes.start(spec, input.command, input.timeout_ms));
    },
  });
}
