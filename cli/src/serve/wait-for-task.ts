import type { ToolContext } from '@meshwork/kit';
import { FINAL_STATUSES, type TaskRecord } from '../queue/types.js';
import type { MeshServerContext } from './context.js';

/**
 * Waits until a task reaches a final state, `waitMs` passes or the call is cancelled, relaying
 * each new entry of the task's log as a progress notification. It awaits timers only, so the
 * connection keeps serving other requests meanwhile.
 */
export async function waitForTask(
  context: MeshServerContext,
  taskId: string,
  waitMs: number,
  tool: Pick<ToolContext, 'signal' | 'sendProgress'>,
): Promise<TaskRecord> {
  const pollMs = context.pollMs ?? 100;
  const deadline = Date.now() + waitMs;
  let lastEventId = 0;
  let progress = 0;
  for (;;) {
    // Read the task before its log: a task that finishes between the two reads still has its
    // last entries relayed, because they were written before its final status.
    const task = context.queue.get(taskId)!;
    const events = context.queue.events(taskId, lastEventId);
    for (const event of events) {
      lastEventId = event.id;
      progress += 1;
      const data = event.data as { progress?: number; total?: number } | undefined;
      const message = `${event.type}: ${event.message}`;
      await tool
        .sendProgress(
          progress,
          undefined,
          data?.total ? `${message} (${data.progress}/${data.total})` : message,
        )
        .catch(() => {});
    }
    if (FINAL_STATUSES.includes(task.status) || Date.now() >= deadline || tool.signal.aborted) {
      // SDK clients up to 2.4 drop a progress notification that arrives in the same read as the
      // result (typescript-sdk#2580); a short pause keeps the last ones visible.
      if (events.length > 0) await new Promise((resolve) => setTimeout(resolve, 25));
      return context.queue.get(taskId)!;
    }
    // One abort listener per pause, removed when the pause ends: a listener left behind per poll
    // would pile up on the call's signal for as long as the call waits.
    await new Promise<void>((resolve) => {
      const onAbort = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(
        () => {
          tool.signal.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.min(pollMs, Math.max(0, deadline - Date.now())),
      );
      tool.signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
