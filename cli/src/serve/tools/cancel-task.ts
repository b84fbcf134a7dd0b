import { defineTool } from '@meshwork/kit';
import { z } from 'zod';
import { describeTask, type MeshServerContext } from '../context.js';
import { TaskViewSchema } from '../result-view.js';
import { findTask } from './shared.js';

/** `cancel_task`: stop a queued or running task. */
export function createCancelTaskTool(context: MeshServerContext) {
  return defineTool({
    name: 'cancel_task',
    title: 'Cancel a task',
    description:
      'Cancel a delegated task. A queued or waiting task is cancelled at once; a running one is asked to stop and ends as cancelled shortly after (check with task_status). A finished task is left as it is.',
    inputSchema: z.object({ task_id: z.string().min(1).max(64).describe('The id delegate_task returned.') }),
    outputSchema: TaskViewSchema.extend({
      outcome: z.enum(['cancelled', 'cancel_requested', 'already_finished']),
    }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async handler(input) {
      const found = findTask(context, input.task_id);
      const { outcome, task } = context.queue.requestCancel(found.id, 'cancelled by an MCP client');
      context.notifyWorker();
      return { ...describeTask(task), outcome };
    },
    toText: (output) => `${output.task_id}: ${output.outcome.replace('_', ' ')} (${output.status})`,
  });
}
