import { defineTool } from '@meshwork/kit';
import { z } from 'zod';
import { describeTask, type MeshServerContext } from '../context.js';
import { describeResult, ResultSchema, TaskViewSchema } from '../result-view.js';
import { waitForTask } from '../wait-for-task.js';
import { findTask } from './shared.js';

/** `task_result`: the outcome of a delegated task, waiting for it if asked. */
export function createTaskResultTool(context: MeshServerContext) {
  const maxWaitSeconds = context.maxWaitSeconds ?? 600;
  return defineTool({
    name: 'task_result',
    title: 'Task result',
    description: `The result of a delegated task: its status, summary, error and usage. With wait_seconds (max ${maxWaitSeconds}) it waits for a running task to finish, streaming progress; finished is false if it has not finished by then.`,
    inputSchema: z.object({
      task_id: z.string().min(1).max(64).describe('The id delegate_task returned.'),
      wait_seconds: z
        .number()
        .min(0)
        .max(maxWaitSeconds)
        .optional()
        .describe('How long to wait (default 0).'),
    }),
    outputSchema: TaskViewSchema.extend({ finished: z.boolean(), result: ResultSchema }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler(input, tool) {
      const found = findTask(context, input.task_id);
      const waitMs = (input.wait_seconds ?? 0) * 1000;
      const task = waitMs > 0 ? await waitForTask(context, found.id, waitMs, tool) : found;
      return { ...describeTask(task), finished: task.result !== null, result: describeResult(task) };
    },
    toText: (output) =>
      output.result
        ? `${output.task_id} ${output.result.status}: ${output.result.summary}`
        : `${output.task_id} has no result yet (${output.status}).`,
  });
}
