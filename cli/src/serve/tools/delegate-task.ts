import { defineTool, ToolError } from '@meshwork/kit';
import { z } from 'zod';
import { describeTask, type MeshServerContext } from '../context.js';
import { describeResult, ResultSchema, TaskViewSchema } from '../result-view.js';
import { waitForTask } from '../wait-for-task.js';

/** `delegate_task`: hand a task to the mesh; optionally wait for its result. */
export function createDelegateTaskTool(context: MeshServerContext) {
  const maxWaitSeconds = context.maxWaitSeconds ?? 600;
  return defineTool({
    name: 'delegate_task',
    title: 'Delegate a task to the mesh',
    description: `Hand a task to the meshwork agents (a lead that delegates to permission-scoped subagents with filesystem, shell and memory tools). The task goes into a durable queue and runs even if this connection drops. By default the call waits up to wait_seconds (default and max ${maxWaitSeconds}) and streams progress; if the task is still running then, you get its task_id back: poll task_status / task_result. Pass wait_seconds 0 to return at once.`,
    inputSchema: z.object({
      task: z
        .string()
        .min(1)
        .max(20_000)
        .describe('What to do, stated fully: the agents see only this text.'),
      agent: z.string().min(1).max(200).optional().describe('Agent name from list_agents; default the lead.'),
      wait_seconds: z
        .number()
        .min(0)
        .max(maxWaitSeconds)
        .optional()
        .describe(`How long to wait for the result (default ${maxWaitSeconds}).`),
    }),
    outputSchema: TaskViewSchema.extend({ finished: z.boolean(), result: ResultSchema, next: z.string() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    async handler(input, tool) {
      if (input.agent !== undefined) {
        const agents = await context.listAgents();
        if (agents.length > 0 && !agents.some((agent) => agent.name === input.agent)) {
          throw new ToolError(
            'E_UNKNOWN_AGENT',
            `No agent named "${input.agent}"; use one of ${agents.map((agent) => agent.name).join(', ')} (see list_agents), or leave agent out to let the lead plan.`,
          );
        }
      }
      await context.beforeDelegate?.();
      const task = context.queue.submit({
        payload: {
          task: input.task,
          ...(input.agent === undefined ? {} : { agent: input.agent }),
          source: 'mcp',
        },
        maxAttempts: (context.retries ?? 1) + 1,
      });
      context.notifyWorker();
      const waitSeconds = input.wait_seconds ?? maxWaitSeconds;
      const current = waitSeconds > 0 ? await waitForTask(context, task.id, waitSeconds * 1000, tool) : task;
      const finished = current.result !== null;
      return {
        ...describeTask(current),
        finished,
        result: describeResult(current),
        next: finished
          ? 'Done; the result is above.'
          : `Still ${current.status}${current.reason ? ` (${current.reason})` : ''}; call task_result with task_id ${current.id} to wait for it.`,
      };
    },
    toText: (output) =>
      output.result
        ? `${output.task_id} ${output.result.status}: ${output.result.summary}`
        : `${output.task_id} is ${output.status}. ${output.next}`,
  });
}
