import type { Logger } from 'pino';
import { importCoordinatorLibrary } from '../coordinator-runner.js';
import { isDaemonError } from '../errors.js';
import type { DaemonSettings } from '../settings.js';
import type { TaskOutcome, TaskRunnerHandle } from '../task-runner.js';
import type { DreamingContext, DreamWiring } from '../worker-host.js';
import { createCoordinatorDreamAgent } from './coordinator-dream-agent.js';
import type { DreamAgent } from './dream-agent.js';
import { openMemoryClient } from './memory-client.js';
import { loadMemoryServerSpec, type MemoryServerSpec } from './memory-server-spec.js';
import { type DreamReport, runDream } from './run-dream.js';
import { createDreamTrigger } from './triggers.js';

/**
 * The dreaming subagent for a project, run by the coordinator under a memory-only profile. Its
 * model is daemon.dream.model, else the project's model.
 */
export async function createProjectDreamAgent(
  cwd: string,
  settings: DaemonSettings,
  options: {
    configPath?: string | undefined;
    memoryServer: string;
    logger?: Logger | undefined;
    /** Dry runs: the scratch copy the dream works on. */
    memoryDirectory?: string | undefined;
  },
): Promise<DreamAgent> {
  return createCoordinatorDreamAgent({
    library: await importCoordinatorLibrary(),
    cwd,
    configPath: options.configPath,
    memoryServer: options.memoryServer,
    agent: settings.dream.agent,
    model: settings.dream.model,
    maxTurns: settings.dream.maxTurns,
    logger: options.logger,
    memoryDirectory: options.memoryDirectory,
  });
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

/** A runner for `dream` tasks against one memory server. */
export function createDreamRunner(
  spec: MemoryServerSpec,
  agent: DreamAgent,
  logger?: Logger,
): TaskRunnerHandle {
  return {
    async run(_payload, context) {
      const memory = await openMemoryClient(spec, logger);
      try {
        const report = await runDream({
          memory,
          agent,
          server: spec.name,
          signal: context.signal,
          progress: (message, usage) => context.progress({ message, ...(usage ? { usage } : {}) }),
        });
        return dreamOutcome(report);
      } finally {
        await memory.close();
      }
    },
  };
}

/**
 * The daemon's idle-time dreaming from the project config: the memory server named by
 * daemon.dream.server, the built-in memory-only subagent and the triggers. Returns undefined (and
 * logs why) when the project has no memory server, so the daemon still runs tasks.
 */
export async function createBuiltInDreaming(context: DreamingContext): Promise<DreamWiring | undefined> {
  const { cwd, settings, logger } = context;
  let spec: MemoryServerSpec;
  try {
    spec = await loadMemoryServerSpec(cwd, settings.dream.server, context.configPath);
  } catch (error) {
    if (isDaemonError(error)) {
      logger.info({ reason: error.message }, 'idle-time dreaming is off');
      return undefined;
    }
    throw error;
  }
  const agent = await createProjectDreamAgent(cwd, settings, {
    configPath: context.configPath,
    memoryServer: spec.name,
    logger,
  });
  return {
    runner: createDreamRunner(spec, agent, logger),
    trigger: createDreamTrigger({
      settings: settings.dream,
      openMemory: () => openMemoryClient(spec, logger),
      logger,
    }),
  };
}
