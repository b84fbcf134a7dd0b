import {
  type AgentDefinition,
  type Coordinator,
  createCoordinator,
  type MeshworkConfig,
  type ModelAccess,
} from '@meshwork/coordinator';
import type { ToolRole } from '@meshwork/kit';
import { parseProfile } from '@meshwork/permissions';
import type { Logger } from 'pino';
import type { DreamSettings } from '../daemon/settings.js';
import { CliError } from '../errors.js';
import type { TaskUsage } from '../queue/types.js';
import type { DreamAgent } from './dream-agent.js';

/** Name of the profile added for dreams: the memory server's tools, nothing else. */
export const DREAM_PROFILE_NAME = 'meshwork-dream';
/** Name of the built-in dreaming agent. */
export const DREAMER_AGENT_NAME = 'meshwork-dreamer';

/**
 * Roles of the memory tools the dreaming agent never sees: the daemon begins, ends and undoes a
 * dream itself, and transcripts are written by the coordinator.
 */
export const DREAM_HIDDEN_ROLES: readonly ToolRole[] = [
  'memory/begin-dream',
  'memory/end-dream',
  'memory/restore-dream',
  'memory/append-transcript',
];

/** The dreaming agent's standing instructions (its tools are the memory server's, minus the hidden ones). */
export const DREAM_INSTRUCTIONS = `You consolidate ("dream" over) a three-layer memory with the memory tools: a bounded index,
topic files read by name, and transcripts that are searched, never read whole. Work in four phases:
1. orient: read the index and the topics related to the recent sessions;
2. gather narrowly: search the recent transcripts with specific words and read only small slices around hits;
3. consolidate: merge duplicate topics, turn relative dates into absolute ones, remove facts that newer ones contradict;
4. prune: bring the index back within its bounds.

The dream was begun for you and is recorded when you finish; whatever you change can be undone.
End your turn with a short summary of what you merged, corrected and pruned.`;

/** Options of {@link createDreamCoordinator}. */
export interface DreamCoordinatorOptions {
  /** The project's config (not changed: the dream gets a copy with its profile and agent). */
  config: MeshworkConfig;
  /** The memory server's name in `mcpServers`. */
  server: string;
  settings: DreamSettings;
  /**
   * The coordinator over `config` whose server pool the dream shares, so a dream starts no server
   * of its own; it stays the pool's owner (close it after the dream coordinator).
   */
  base: Coordinator;
  logger?: Logger | undefined;
  /** How the dreaming agent reaches the model; default: the environment, as for any run. */
  modelAccess?: ModelAccess | undefined;
}

/**
 * A coordinator that knows one more profile and agent: the memory-only dream profile and the
 * dreaming agent, over the base coordinator's pool; the names of the hidden tools come from their
 * declared roles.
 */
export async function createDreamCoordinator(options: DreamCoordinatorOptions): Promise<Coordinator> {
  const { config, server, settings } = options;
  const base = settings.agent === undefined ? undefined : config.agents[settings.agent];
  if (settings.agent !== undefined && base === undefined) {
    throw new CliError(
      'E_DREAM_AGENT',
      `daemon.dream.agent names "${settings.agent}", which is not an agent of this project.`,
    );
  }
  const hidden = (
    await Promise.all(DREAM_HIDDEN_ROLES.map((role) => options.base.findToolByRole(server, role)))
  ).filter((name): name is string => name !== undefined);
  const dreamer: AgentDefinition = {
    ...(base ?? {}),
    name: DREAMER_AGENT_NAME,
    description: 'Consolidates memory while the daemon is idle (memory tools only).',
    systemPrompt: base ? `${base.systemPrompt}\n\n${DREAM_INSTRUCTIONS}` : DREAM_INSTRUCTIONS,
    profile: DREAM_PROFILE_NAME,
    delegate: false,
    unmappedTools: [],
    source: '(daemon)',
    maxTurns: settings.maxTurns,
    ...(settings.model === undefined ? {} : { model: settings.model }),
  };
  delete dreamer.tools;
  const dreamConfig: MeshworkConfig = {
    ...config,
    profiles: {
      ...config.profiles,
      [DREAM_PROFILE_NAME]: parseProfile(
        {
          servers: [server],
          allow: [`${server}:*`],
          deny: hidden.map((tool) => `${server}:${tool}`),
          // Dreams consolidate what every profile recorded: this memory server shows all transcripts.
          launch: { memory: { transcripts: 'all' } },
        },
        'the dream profile',
      ),
    },
    agents: { [DREAMER_AGENT_NAME]: dreamer },
  };
  return createCoordinator({
    config: dreamConfig,
    pool: options.base.pool,
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.modelAccess ? { modelAccess: options.modelAccess } : {}),
  });
}

/**
 * The dreaming agent as an ordinary coordinator run: one agent, the memory-only profile, so the
 * gate, transcripts, budgets and retries apply to dreams too. `coordinator` comes from
 * {@link createDreamCoordinator}.
 */
export function createCoordinatorDreamAgent(coordinator: Coordinator): DreamAgent {
  return async (request) => {
    const usage: TaskUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
    const report = await coordinator.run({
      task: request.task,
      agent: DREAMER_AGENT_NAME,
      signal: request.signal,
      onEvent(event) {
        if (event.type === 'turn_finished') {
          usage.inputTokens += event.usage.inputTokens + event.usage.cacheReadTokens;
          usage.outputTokens += event.usage.outputTokens;
          usage.costUsd = event.costUsd;
        } else if (event.type !== 'tool_finished' && event.type !== 'tool_denied') return;
        request.progress(event.message, { ...usage });
      },
    });
    const agent = report.agents[0];
    const totals: TaskUsage = {
      inputTokens: report.totals.inputTokens + report.totals.cacheReadTokens + report.totals.cacheWriteTokens,
      outputTokens: report.totals.outputTokens,
      costUsd: report.totals.costUsd,
    };
    if (report.status !== 'succeeded' || !agent || agent.status !== 'succeeded') {
      throw new CliError(
        'E_DREAM_AGENT',
        `The dreaming agent ${agent?.status ?? report.status}: ${agent?.error ?? report.summary}`,
      );
    }
    return { summary: agent.summary, usage: totals, turns: agent.turns };
  };
}
