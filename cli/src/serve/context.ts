import type { TaskQueue } from '../queue/task-queue.js';
import type { TaskRecord } from '../queue/types.js';

/** An agent a client can delegate to. */
export interface AgentSummary {
  name: string;
  description: string;
}

/** What every mesh tool shares; built once per `meshwork serve` process, not per connection. */
export interface MeshServerContext {
  queue: TaskQueue;
  /** Tells the worker (in this process or the daemon) that the queue changed. */
  notifyWorker(): void;
  /** The agents of the project. */
  listAgents(): Promise<AgentSummary[]>;
  /** Called before each delegation, for example to take the worker role if the daemon died. */
  beforeDelegate?(): Promise<void> | void;
  /** How often a waiting tool re-reads the task; default 100 ms. */
  pollMs?: number;
  /** Longest a `delegate_task` call waits before handing back the id; default 600 s. */
  maxWaitSeconds?: number;
  /** Retries after an interruption for delegated tasks. */
  retries?: number;
}

/** The public view of a task in tool output (snake_case, ISO times). */
export function describeTask(task: TaskRecord) {
  return {
    task_id: task.id,
    kind: task.kind,
    status: task.status,
    task: task.payload.task,
    agent: task.payload.agent ?? null,
    reason: task.reason,
    attempts: task.attempts,
    created_at: new Date(task.createdAt).toISOString(),
    started_at: task.startedAt === null ? null : new Date(task.startedAt).toISOString(),
    finished_at: task.finishedAt === null ? null : new Date(task.finishedAt).toISOString(),
  };
}
