import { parseProfile } from '@meshwork/permissions';
import type { Logger } from 'pino';
import type { CoordinatorLibrary } from '../coordinator-runner.js';
import { DaemonError } from '../errors.js';
import type { TaskUsage } from '../queue/types.js';
import type { DreamAgent } from './dream-agent.js';
import { DREAM_HIDDEN_TOOLS } from './run-dream.js';

/** Name of the profile the daemon adds for dreams: the memory server's tools, nothing else. */
export const DREAM_PROFILE_NAME = 'meshwork-dream';
/** Name of the built-in dreaming agent. */
export const DREAMER_AGENT_NAME = 'meshwork-dreamer';

/** Options for {@link createCoordinatorDreamAgent}. */
export interface CoordinatorDreamAgentOptions {
  library: CoordinatorLibrary;
  cwd: string;
  configPath?: string | undefined;
  /** The memory server's name in `mcpServers`. */
  memoryServer: string;
  /** An agent of the project whose prompt leads the dream; its profile is replaced by the memory-only one. */
  agent?: string | undefined;
  model?: string | undefined;
  maxTurns: number;
  logger?: Logger | undefined;
  /** Serve the memory from this directory instead (dry runs work on a scratch copy). */
  memoryDirectory?: string | undefined;
}

interface ConfigShape {
  servers: Record<string, { args: string[]; env: Record<string, string> }>;
  profiles: Record<string, unknown>;
  agents: Record<string, Record<string, unknown>>;
}

interface ReportShape {
  status: string;
  summary: string;
  agents: Array<{ status: string; summary: string; error?: string; turns: number }>;
  totals: {
    inputTokens: number;
    outputTokens: number;
    cacheReadTokens?: number;
    cacheWriteTokens?: number;
    costUsd: number;
  };
}

/**
 * The dreaming subagent run by the coordinator: a one-agent run whose profile allows the memory
 * server's tools only (minus begin/end/restore_dream and append_transcript, which the daemon owns),
 * so the coordinator's gate, transcripts, budgets and retries apply to dreams too.
 */
export function createCoordinatorDreamAgent(options: CoordinatorDreamAgentOptions): DreamAgent {
  return async (request) => {
    const config = (await options.library.loadConfig({
      cwd: options.cwd,
      ...(options.configPath === undefined ? {} : { configPath: options.configPath }),
    })) as ConfigShape;
    const server = options.memoryServer;
    const entry = config.servers[server];
    if (options.memoryDirectory !== undefined && entry) {
      // The later --dir wins in the memory server's parseArgs; the env covers a config that relies on it.
      config.servers[server] = {
        ...entry,
        args: [...entry.args, '--dir', options.memoryDirectory],
        env: { ...entry.env, MESHWORK_MEMORY_DIR: options.memoryDirectory },
      };
    }
    config.profiles[DREAM_PROFILE_NAME] = parseProfile(
      {
        servers: [server],
        allow: [`${server}:*`],
        deny: [...DREAM_HIDDEN_TOOLS].map((tool) => `${server}:${tool}`),
      },
      'the daemon dream profile',
    );
    const base = options.agent === undefined ? undefined : config.agents[options.agent];
    if (options.agent !== undefined && base === undefined) {
      throw new DaemonError(
        'E_DREAM_AGENT',
        `daemon.dream.agent names "${options.agent}", which is not an agent of this project.`,
      );
    }
    config.agents[DREAMER_AGENT_NAME] = {
      ...(base ?? {}),
      name: DREAMER_AGENT_NAME,
      description: 'Consolidates memory while the daemon is idle (memory tools only).',
      systemPrompt: base ? `${String(base.systemPrompt ?? '')}\n\n${request.system}` : request.system,
      profile: DREAM_PROFILE_NAME,
      tools: undefined,
      delegate: false,
      unmappedTools: [],
      source: '(daemon)',
      maxTurns: options.maxTurns,
      ...(options.model === undefined ? {} : { model: options.model }),
    };
    const coordinator = options.library.createCoordinator({
      config,
      cwd: options.cwd,
      logger: options.logger,
    });
    try {
      const usage: TaskUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
      const report = (await coordinator.run({
        task: request.task,
        agent: DREAMER_AGENT_NAME,
        signal: request.signal,
        onEvent(event: {
          type?: string;
          message?: string;
          usage?: Record<string, number>;
          costUsd?: number;
        }) {
          if (
            event.type !== 'turn_finished' &&
            event.type !== 'tool_finished' &&
            event.type !== 'tool_denied'
          )
            return;
          if (event.type === 'turn_finished') {
            usage.inputTokens += (event.usage?.inputTokens ?? 0) + (event.usage?.cacheReadTokens ?? 0);
            usage.outputTokens += event.usage?.outputTokens ?? 0;
            usage.costUsd = event.costUsd ?? usage.costUsd;
          }
          request.progress(event.message ?? event.type, { ...usage });
        },
      })) as ReportShape;
      const agent = report.agents[0];
      const totals: TaskUsage = {
        inputTokens:
          report.totals.inputTokens +
          (report.totals.cacheReadTokens ?? 0) +
          (report.totals.cacheWriteTokens ?? 0),
        outputTokens: report.totals.outputTokens,
        costUsd: report.totals.costUsd,
      };
      if (report.status !== 'succeeded' || !agent || agent.status !== 'succeeded') {
        throw new DaemonError(
          'E_DREAM_AGENT',
          `The dreaming agent ${agent?.status ?? report.status}: ${agent?.error ?? report.summary}`,
        );
      }
      return { summary: agent.summary, usage: totals, turns: agent.turns };
    } finally {
      await coordinator.close();
    }
  };
}
