import { ToolError } from '@meshwork/kit';
import { isDaemonError } from '../../daemon/errors.js';
import type { TaskRecord } from '../../daemon/queue/types.js';
import type { MeshServerContext } from '../context.js';

/** Finds a task or throws a ToolError the model can act on. */
export function findTask(context: MeshServerContext, taskId: string): TaskRecord {
  try {
    return context.queue.resolve(taskId);
  } catch (error) {
    if (isDaemonError(error))
      throw new ToolError(
        error.code,
        `${error.message.replace(/; list them.*$/, '')}; use the task_id that delegate_task returned.`,
      );
    throw error;
  }
}
