import type { Coordinator, MeshworkConfig } from '@meshwork/coordinator';
import type { Logger } from 'pino';
import type { DreamSettings } from '../daemon/settings.js';
import type { TaskOutcome, TaskRunnerHandle } from '../daemon/task-runner.js';
import type { DreamingContext, DreamWiring } from '../daemon/worker-host.js';
import { CliError } from '../errors.js';
import { createDreamMemory, type DreamMemory } from './dream-memory.js';
import { createCoordinatorDreamAgent, createDreamCoordinator } from './dreamer.js';
import { type DreamReport, runDream } from './run-dream.js';
import { createDreamTrigger } from './triggers.js';

/**
 * The memory server dreams use: `daemon.dream.server`, else meshwork.json `memory.server` (or the
 * first memory-kind server), else "memory". Throws `E_NO_MEMORY_SERVER` when it is not configured.
 */
export function dreamServerOf(config: MeshworkConfig, settings: DreamSettings): string {
  const name = settings.server ?? config.memoryServer ?? 'memory';
  if (config.servers[name] === undefined) {
    throw new CliError(
      'E_NO_MEMORY_SERVER',
      `Dreaming needs the memory server: ${config.path ?? 'meshwork.json'} has no mcpServers.${name}; add the memory server (for example {"command": "meshwork-memory", "args": ["--dir", ".meshwork/memory"], "kind": "memory"}) or set daemon.dream.server.`,
    );
  }
  return name;
}

/** Maps a dream report onto a queue outcome. */
export function dreamOutcome(report: DreamReport): TaskOutcome {
  const changed =
    report.changes.map((change) => `${change.change} ${change.path}`).join(', ') || 'no changes';
  return {
    status: report.outcome === 'failed' ? 'failed' : 'succeeded',
    summary:
      report.outcome === 'completed'
        ? `dream ${report.dreamId}: ${changed}${report.index ? `; index ${report.index.lines} lines, ${report.index.bytes} bytes` : ''}`
        : report.outcome === 'skipped'
          ? `dream skipped: ${report.summary}`
          : report.summary,
    output: report,
    usage: report.usage,
    ...(report.error ? { error: report.error } : {}),
  };
}

/** Options of {@link createDreamRunner}. */
export interface DreamRunnerOptions {
  /** The project's config and the coordinator whose pool dreams share. */
  config: MeshworkConfig;
  base: Coordinator;
  server: string;
  settings: DreamSettings;
  logger?: Logger | undefined;
}

/**
 * A runner for `dream` tasks: each dream is a run of the dreaming agent on the base coordinator's
 * pool, between deterministic calls over the same connection. The dream coordinator is made at
 * the first dream (it lists the memory tools), and closed with the runner.
 */
export function createDreamRunner(options: DreamRunnerOptions): TaskRunnerHandle {
  const memory = createDreamMemory(options.base, options.server);
  let dreamCoordinator: Promise<Coordinator> | undefined;
  return {
    async run(_payload, context) {
      dreamCoordinator ??= createDreamCoordinator(options);
      const agent = createCoordinatorDreamAgent(await dreamCoordinator);
      const report = await runDream({
        memory,
        agent,
        signal: context.signal,
        progress: (message, usage) => context.progress({ message, ...(usage ? { usage } : {}) }),
      });
      return dreamOutcome(report);
    },
    async close() {
      const made = await dreamCoordinator?.catch(() => undefined);
      await made?.close();
    },
  };
}

/**
 * The daemon's idle-time dreaming from the project config: the memory server, the built-in
 * memory-only agent and the triggers, over the worker's coordinator. Returns undefined (and logs
 * why) when the project has no memory server or no loadable config, so the daemon still runs tasks.
 */
export async function createBuiltInDreaming(context: DreamingContext): Promise<DreamWiring | undefined> {
  const { settings, logger } = context;
  let project: Awaited<ReturnType<DreamingContext['project']>>;
  let server: string;
  try {
    project = await context.project();
    server = dreamServerOf(project.config, settings.dream);
  } catch (error) {
    logger.info(
      { reason: error instanceof Error ? error.message : String(error) },
      'idle-time dreaming is off',
    );
    return undefined;
  }
  const memory: DreamMemory = createDreamMemory(project.coordinator, server);
  return {
    runner: createDreamRunner({
      config: project.config,
      base: project.coordinator,
      server,
      settings: settings.dream,
      logger,
    }),
    trigger: createDreamTrigger({ settings: settings.dream, memory, logger }),
  };
}
