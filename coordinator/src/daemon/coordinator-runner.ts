import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DaemonError } from './errors.js';
import type { TaskUsage } from './queue/types.js';
import type { TaskOutcome, TaskRunnerFactoryOptions, TaskRunnerHandle } from './task-runner.js';

/**
 * The slice of the coordinator library the daemon uses. It is loaded lazily (the coordinator's CLI
 * imports the daemon, so a static import would be a cycle at load time) and checked at run time,
 * so that a mismatch is a clear error rather than a crash deep in a task.
 */
export interface CoordinatorLibrary {
  loadConfig(options: { cwd: string; configPath?: string }): Promise<unknown>;
  createCoordinator(options: { config: unknown; cwd: string; logger?: unknown }): CoordinatorHandle;
}

/** What `createCoordinator` returns, as far as the daemon is concerned. */
export interface CoordinatorHandle {
  run(request: Record<string, unknown>): Promise<unknown>;
  close(): Promise<void> | void;
}

/** Loads `@meshwork/coordinator`'s own index (same package) and checks its shape. */
export async function importCoordinatorLibrary(): Promise<CoordinatorLibrary> {
  // A variable specifier keeps this a runtime-only edge: no import cycle at load time.
  const specifier = '../index.js';
  let library: Partial<CoordinatorLibrary>;
  try {
    library = (await import(specifier)) as Partial<CoordinatorLibrary>;
  } catch (error) {
    throw new DaemonError(
      'E_NO_COORDINATOR',
      'The coordinator library is not available; pass --runner <module>.',
      {
        cause: error,
      },
    );
  }
  if (typeof library.loadConfig !== 'function' || typeof library.createCoordinator !== 'function') {
    throw new DaemonError(
      'E_NO_COORDINATOR',
      'The coordinator library does not export loadConfig and createCoordinator.',
    );
  }
  return library as CoordinatorLibrary;
}

/** Reads a `--plan` file: a JSON array of `{ agent, task }` (the format of `meshwork run --plan`). */
async function readPlan(path: string, cwd: string): Promise<unknown[]> {
  const absolute = isAbsolute(path) ? path : resolve(cwd, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(absolute, 'utf8'));
  } catch (error) {
    throw new DaemonError('E_PLAN', `${absolute}: expected a JSON plan file.`, { cause: error });
  }
  const items = Array.isArray(parsed) ? parsed : (parsed as { plan?: unknown } | null)?.plan;
  if (!Array.isArray(items))
    throw new DaemonError('E_PLAN', `${absolute}: expected a JSON array of {"agent", "task"}.`);
  return items;
}

/** A task runner that hands each task to the coordinator's `run()`. */
export async function createCoordinatorRunner(options: TaskRunnerFactoryOptions): Promise<TaskRunnerHandle> {
  const library = await importCoordinatorLibrary();
  const config = await library.loadConfig({
    cwd: options.cwd,
    ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
  });
  const coordinator = library.createCoordinator({ config, cwd: options.cwd, logger: options.logger });
  return {
    async run(payload, context) {
      const plan = payload.plan === undefined ? undefined : await readPlan(payload.plan, options.cwd);
      const tracker = createUsageTracker();
      let events = 0;
      const report = await coordinator.run({
        task: payload.task,
        ...(payload.agent === undefined ? {} : { agent: payload.agent }),
        ...(plan === undefined ? {} : { plan }),
        signal: context.signal,
        // The task id on every attempt: the run directory and transcripts stay together.
        runId: context.taskId,
        onEvent(event: unknown) {
          events += 1;
          const usage = tracker.add(event);
          context.progress({
            message: describeEvent(event),
            progress: events,
            ...(usage ? { usage } : {}),
          });
        },
      });
      return reportToOutcome(report);
    },
    async close() {
      await coordinator.close();
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
    add(event: unknown): TaskUsage | undefined {
      const record = event as {
        type?: unknown;
        agentId?: unknown;
        usage?: {
          inputTokens?: number;
          outputTokens?: number;
          cacheReadTokens?: number;
          cacheWriteTokens?: number;
        };
        costUsd?: unknown;
      };
      if (record?.type !== 'turn_finished') return undefined;
      tokens.input +=
        (record.usage?.inputTokens ?? 0) +
        (record.usage?.cacheReadTokens ?? 0) +
        (record.usage?.cacheWriteTokens ?? 0);
      tokens.output += record.usage?.outputTokens ?? 0;
      if (typeof record.costUsd === 'number') costByAgent.set(String(record.agentId), record.costUsd);
      const costUsd = [...costByAgent.values()].reduce((sum, cost) => sum + cost, 0);
      return { inputTokens: tokens.input, outputTokens: tokens.output, costUsd };
    },
  };
}

/**
 * Maps a coordinator run report onto a task outcome. `partial` (some agents failed) counts as a
 * failure with code E_RUN_PARTIAL; the full report stays in `output`.
 */
export function reportToOutcome(report: unknown): TaskOutcome {
  const value = (report ?? {}) as Record<string, unknown>;
  const status = String(value.status ?? 'succeeded');
  const summary =
    typeof value.summary === 'string' && value.summary.trim() !== '' ? value.summary : `run ${status}`;
  const totals = (value.totals ?? {}) as Record<string, unknown>;
  const number = (key: string) => (typeof totals[key] === 'number' ? (totals[key] as number) : 0);
  const usage: TaskUsage = {
    inputTokens: number('inputTokens') + number('cacheReadTokens') + number('cacheWriteTokens'),
    outputTokens: number('outputTokens'),
    costUsd: number('costUsd'),
  };
  const failed = status !== 'succeeded';
  return {
    status: failed ? 'failed' : 'succeeded',
    summary,
    output: report,
    usage,
    ...(failed
      ? {
          error: {
            code: status === 'partial' ? 'E_RUN_PARTIAL' : `E_RUN_${status.toUpperCase()}`,
            message: summary,
          },
        }
      : {}),
  };
}

function describeEvent(event: unknown): string {
  const record = (event ?? {}) as Record<string, unknown>;
  if (typeof record.message === 'string') return record.message;
  return typeof record.type === 'string' ? record.type : 'event';
}
