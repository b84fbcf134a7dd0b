import { z } from 'zod';
import type { TaskRecord } from '../queue/types.js';

/** The output schema shared by tools that return a task's result. */
export const ResultSchema = z
  .object({
    status: z.enum(['succeeded', 'failed', 'cancelled']),
    summary: z.string(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    usage: z.object({ input_tokens: z.number(), output_tokens: z.number(), cost_usd: z.number() }),
    output: z.unknown().optional(),
  })
  .nullable();

/** A task's result in tool output, or null while it has none. */
export function describeResult(task: TaskRecord): z.infer<typeof ResultSchema> {
  if (!task.result) return null;
  return {
    status: task.result.status,
    summary: task.result.summary,
    error: task.result.error ?? null,
    usage: {
      input_tokens: task.usage.inputTokens,
      output_tokens: task.usage.outputTokens,
      cost_usd: task.usage.costUsd,
    },
    ...(task.result.output === undefined ? {} : { output: task.result.output }),
  };
}

/** The task fields shared by the task tools' output schemas. */
export const TaskViewSchema = z.object({
  task_id: z.string(),
  kind: z.enum(['task', 'dream']),
  status: z.enum(['queued', 'running', 'interrupted', 'waiting_budget', 'succeeded', 'failed', 'cancelled']),
  task: z.string(),
  agent: z.string().nullable(),
  reason: z.string().nullable(),
  attempts: z.number().int(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  finished_at: z.string().nullable(),
});
