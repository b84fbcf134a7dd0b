import { defineTool } from '@meshwork/kit';
import { z } from 'zod';
import { describeTask, type MeshServerContext } from '../context.js';
import { TaskViewSchema } from '../result-view.js';
import { findTask } from './shared.js';

/** `task_status`: where a delegated task stands, with its latest log lines. */
export function createTaskStatusTool(context: MeshServerContext) {
  return defineTool({
    name: 'task_status',
    title: 'Task status',
    description:
      'Where a delegated task stands: queued, running, waiting_budget (with the reason), interrupted (it will be retried), succeeded, failed or cancelled, plus its most recent progress lines. Does not wait; use task_result to wait for the outcome.',
    inputSchema: z.object({
      task_id: z.string().min(1).max(64).describe('The id delegate_task returned.'),
      recent_events: z
        .number()
        .int()
        .min(0)
        .max(100)
        .optional()
        .describe('How many recent log lines (default 5).'),
    }),
    outputSchema: TaskViewSchema.extend({
      recent_events: z.array(z.object({ at: z.string(), type: z.string(), message: z.string() })),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async handler(input) {
      const task = findTask(context, input.task_id);
      const events = context.queue.events(task.id).slice(-(input.recent_events ?? 5));
      return {
        ...describeTask(task),
        recent_events: (input.recent_events === 0 ? [] : events).map((event) => ({
          at: new Date(event.at).toISOString(),
          type: event.type,
          message: event.message,
        })),
      };
    },
    toText: (output) =>
      [
        `${output.task_id}: ${output.status}${output.reason ? ` (${output.reason})` : ''}`,
        ...output.recent_events.map((event) => `  ${event.at} ${event.type}: ${event.message}`),
      ].join('\n'),
  });
}
