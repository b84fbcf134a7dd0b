import { resolve } from 'node:path';
import type { Coordinator, RunEvent, RunReport } from '@meshwork/coordinator';
import { readPlan } from '../plan-file.js';
import type { TaskUsage } from '../queue/types.js';
import type { TaskOutcome, TaskRunnerHandle } from './task-runner.js';

/**
 * A task runner that hands each task to the coordinator's `run()`. The coordinator belongs to the
 * caller (the worker host), which closes it.
 */
export function createCoordinatorRunner(coordinator: Coordinator, cwd: string): TaskRunnerHandle {
  return {
    async run(payload, context) {
      const plan = payload.plan === undefined ? undefined : await readPlan(resolve(cwd, payload.plan));
      const tracker = createUsageTracker();
      let events = 0;
      const report = await coordinator.run({
        task: payload.task,
        ...(payload.agent === undefined ? {} : { agent: payload.agent }),
        ...(plan === undefined ? {} : { plan }),
        signal: context.signal,
        // The task id on every attempt: the run directory and transcripts stay together.
        runId: context.taskId,
        onEvent(event) {
          events += 1;
          const usage = tracker.add(event);
          context.progress({
            message: event.message ?? event.type,
            progress: events,
            ...(usage ? { usage } : {}),
          });
        },
      });
      return reportToOutcome(report);
    },
  };
}

/**
 * Sums `turn_finished` events into running usage (per agent, so cumulative cost figures are not
 * double-counted); returns the new total when the event changed it.
 */
function createUsageTracker() {
  const tokens = { input: 0, output: 0 };
  const costByAgent = new Map<string, number>();
  return {
    add(event: RunEvent): TaskUsage | undefined {
      if (event.type !== 'turn_finished') return undefined;
      tokens.input += event.usage.inputTokens + event.usage.cacheReadTokens + event.usage.cacheWriteTokens;
      tokens.output += event.usage.outputTokens;
      costByAgent.set(event.agentId, event.costUsd);
      const costUsd = [...costByAgent.values()].reduce((sum, cost) => sum + cost, 0);
      return { inputTokens: tokens.input, outputTokens: tokens.output, costUsd };
    },
  };
}

/**
 * Maps a coordinator run report onto a task outcome. `partial` (some agents failed) counts as a
 * failure with code E_RUN_PARTIAL; the full report stays in `output`.
 */
export function reportToOutcome(report: RunReport): TaskOutcome {
  const { status, totals } = report;
  const summary = report.summary.trim() !== '' ? report.summary : `run ${status}`;
  const usage: TaskUsage = {
    inputTokens: totals.inputTokens + totals.cacheReadTokens + totals.cacheWriteTokens,
    outputTokens: totals.outputTokens,
    costUsd: totals.costUsd,
  };
  if (status === 'succeeded') return { status: 'succeeded', summary, output: report, usage };
  const codes = { partial: 'E_RUN_PARTIAL', failed: 'E_RUN_FAILED', cancelled: 'E_RUN_CANCELLED' } as const;
  return {
    status: 'failed',
    summary,
    output: report,
    usage,
    error: { code: codes[status], message: summary },
  };
}
