import { ToolError } from '@meshwork/kit';
import { isCliError } from '../../errors.js';
import type { TaskRecord } from '../../queue/types.js';
import type { MeshServerContext } from '../context.js';

/** Finds a task or throws a ToolError the model can act on. */
export function findTask(context: MeshServerContext, taskId: string): TaskRecord {
  try {
    return context.queue.resolve(taskId);
  } catch (error) {
    if (isCliError(error))
      throw new ToolError(
        error.code,
        `${error.message.replace(/; list them.*$/, '')}; use the task_id that delegate_task returned.`,
      );
    throw error;
  }
}
