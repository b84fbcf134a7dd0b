import { setMaxListeners } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ToolRole } from '@meshwork/kit';
import type { AskQuestion } from '@meshwork/permissions';
import type { ScriptedModelServer } from '@meshwork/scripted-model';
import { nanoid } from 'nanoid';
import type { Logger } from 'pino';
import type { Budgets, MeshworkConfig } from './config/types.js';
import { CoordinatorError } from './errors.js';
import { createWriteLeases } from './gate/write-leases.js';
import { createDelegateTool, type DelegationContext, runDelegated } from './lead/delegation.js';
import { leadAgentOf } from './lead/lead-agent.js';
import { createSemaphore } from './lead/semaphore.js';
import {
  createModelClient,
  type ModelAccess,
  type ModelClient,
  type ModelFetch,
} from './model/model-client.js';
import { startOfflineModel } from './model/offline-model.js';
import { loadOfflineScript } from './model/offline-script.js';
import { hashTouchedFiles } from './report/file-hashes.js';
import { mergeRunReport } from './report/merge.js';
import type { AgentReport, RunReport } from './report/types.js';
import { createBudgetPool } from './runtime/budget.js';
import { createEventLog } from './runtime/event-log.js';
import type { RunEvent } from './runtime/events.js';
import type { RunContext } from './runtime/run-context.js';
import { runSubagent } from './runtime/subagent.js';
import type { ToolCallOutcome } from './servers/server-connection.js';
import { createServerPool, type ServerPool } from './servers/server-pool.js';
import { toolWithRole } from './servers/tool-with-role.js';

/** One item of a fixed fan-out (`meshwork run --plan`). */
export interface PlanItem {
  agent: string;
  task: string;
  description?: string;
  budgets?: Budgets;
}

/** What to run. Without `plan` or `agent`, a lead agent plans and delegates. */
export interface RunRequest {
  task: string;
  /** Run this one agent directly on `task` (no lead). */
  agent?: string;
  /** Fixed fan-out with no lead model. */
  plan?: PlanItem[];
  concurrency?: number;
  budgets?: Partial<Budgets>;
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
  /** Reuse an id (the daemon passes its task id); default: a new one. */
  runId?: string;
}

/** Options of {@link createCoordinator}. */
export interface CoordinatorOptions {
  config: MeshworkConfig;
  /** The project the agents work on; default `config.projectDir`. */
  projectDir?: string;
  logger?: Logger;
  /** True only when a person at a terminal can answer `ask` rules. Default false: ask = deny. */
  interactive?: boolean;
  /** Asks the user (never an agent) about an `ask` rule. */
  prompt?: (question: AskQuestion) => Promise<boolean>;
  /**
   * Model access. Default: ANTHROPIC_API_KEY / ANTHROPIC_BASE_URL from the environment, else the
   * config's bundled offline script, else an error.
   */
  modelAccess?: ModelAccess;
  /**
   * Sends model requests instead of the global `fetch` (default: the SDK's own transport, which
   * honours a proxy dispatcher the embedding app installed).
   */
  modelFetch?: ModelFetch;
  /** Environment to read the model settings from (default process.env). */
  env?: Record<string, string | undefined>;
  /**
   * Run over this pool (another coordinator's, built from the same `mcpServers`) instead of a new
   * one, so both share the server processes; `close()` then leaves it to its owner.
   */
  pool?: ServerPool;
}

/** Options of {@link Coordinator.callTool}. */
export interface CallToolOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs tasks over one shared server pool. */
export interface Coordinator {
  run(request: RunRequest): Promise<RunReport>;
  /** The server pool (shared by every run of this coordinator). */
  readonly pool: ServerPool;
  /** Resolves how the model is reached (starts the offline server when that is the answer). */
  modelAccess(): Promise<ModelAccess>;
  /**
   * The name of `server`'s tool that declares `role` in its `_meta` (see `TOOL_ROLES` in
   * `@meshwork/kit`), or undefined when none does.
   */
  findToolByRole(server: string, role: ToolRole): Promise<string | undefined>;
  /**
   * Calls the tool of `server` that declares `role`, outside any model turn, over the pooled
   * connection that a subagent allowed only that server would get. It is the caller's own call,
   * not an agent's, so no profile gates it. Throws `E_NO_TOOL_ROLE` when no tool declares the role.
   */
  callTool(
    server: string,
    role: ToolRole,
    args?: Record<string, unknown>,
    options?: CallToolOptions,
  ): Promise<ToolCallOutcome>;
  close(): Promise<void>;
}

/** The report of a plan item that was cancelled before it started. */
function notStartedReport(item: PlanItem, run: RunContext): AgentReport {
  const id = `${item.agent}#${run.nextInstance(item.agent)}`;
  return {
    id,
    agent: item.agent,
    depth: 1,
    task: item.task,
    model: run.config.model.name,
    status: 'cancelled',
    summary: '',
    filesTouched: [],
    memoryTopics: [],
    usage: { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 },
    costUsd: 0,
    durationMs: 0,
    turns: 0,
    toolCalls: 0,
    calls: [],
    denied: [],
    tools: [],
    error: 'cancelled before it started',
    transcript: '',
    ...(item.description ? { description: item.description } : {}),
  };
}

function newRunId(): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${stamp}-${nanoid(6).replace(/[^A-Za-z0-9]/g, 'x')}`;
}

/** Creates a coordinator. Nothing starts until the first run. */
export function createCoordinator(options: CoordinatorOptions): Coordinator {
  const { config } = options;
  const projectDir = options.projectDir ?? config.projectDir;
  const env = options.env ?? process.env;
  let listener: ((event: RunEvent) => void) | undefined;
  const ownsPool = options.pool === undefined;
  for (const warning of config.warnings ?? []) options.logger?.warn({ config: config.path }, warning);
  const pool =
    options.pool ??
    createServerPool({
      config,
      projectDir,
      ...(options.logger ? { logger: options.logger } : {}),
      onEvent(event) {
        listener?.({
          type: event.type,
          server: event.server,
          ...(event.pid === undefined ? {} : { pid: event.pid }),
          message: `${event.server} ${event.type === 'server_started' ? `started${event.pid ? ` (pid ${event.pid})` : ''}` : `exited${event.detail ? `: ${event.detail}` : ''}`}`,
        });
      },
    });
  let offline: ScriptedModelServer | undefined;
  // Deterministic calls share the connection of a subagent allowed only that server. They are the
  // coordinator's own (no model reads them), so a memory server shows them every transcript.
  const serverOnly = (server: string) =>
    pool.acquire(server, {
      servers: [server],
      allow: [`${server}:*`],
      launch: { memory: { transcripts: 'all' } },
    });
  async function findToolByRole(server: string, role: ToolRole): Promise<string | undefined> {
    return toolWithRole(await serverOnly(server).connection.tools(), role)?.name;
  }
  let access: Promise<ModelAccess> | undefined;
  let model: ModelClient | undefined;

  async function resolveAccess(): Promise<ModelAccess> {
    if (options.modelAccess) return options.modelAccess;
    const apiKey = env.ANTHROPIC_API_KEY;
    const baseURL = env.ANTHROPIC_BASE_URL;
    if (apiKey || baseURL) return { apiKey: apiKey || 'not-needed', ...(baseURL ? { baseURL } : {}) };
    if (config.offlineScript) {
      offline = await startOfflineModel(await loadOfflineScript(config.offlineScript), {
        variables: { project_dir: projectDir },
      });
      return { baseURL: offline.url, apiKey: 'offline', offline: true };
    }
    throw new CoordinatorError(
      'E_NO_MODEL',
      'No model access: set ANTHROPIC_API_KEY, or ANTHROPIC_BASE_URL for a compatible endpoint (or give meshwork.json an offline.script).',
    );
  }

  async function modelClient(): Promise<{ client: ModelClient; offline: boolean }> {
    access ??= resolveAccess();
    const resolved = await access;
    model ??= createModelClient({
      ...resolved,
      maxRetries: config.model.maxRetries,
      ...(options.modelFetch ? { fetch: options.modelFetch } : {}),
    });
    return { client: model, offline: resolved.offline === true };
  }

  return {
    pool,
    findToolByRole,
    async callTool(server, role, args = {}, callOptions = {}) {
      const tool = await findToolByRole(server, role);
      if (tool === undefined) {
        throw new CoordinatorError(
          'E_NO_TOOL_ROLE',
          `The ${server} server has no tool with the role ${role}; is it a meshwork memory server of this version?`,
        );
      }
      return serverOnly(server).connection.call(tool, args, callOptions);
    },
    modelAccess: () => {
      access ??= resolveAccess();
      return access;
    },
    async run(request) {
      if (request.plan) {
        if (request.plan.length === 0) throw new CoordinatorError('E_PLAN', 'The plan has no items.');
        request.plan.forEach((item, index) => {
          if (config.agents[item.agent] === undefined) {
            throw new CoordinatorError(
              'E_PLAN',
              `plan[${index}].agent: no agent named "${item.agent}" (known: ${Object.keys(config.agents).join(', ') || 'none'}).`,
            );
          }
        });
      } else if (request.agent !== undefined && config.agents[request.agent] === undefined) {
        throw new CoordinatorError(
          'E_UNKNOWN_AGENT',
          `No agent named "${request.agent}" (known: ${Object.keys(config.agents).join(', ') || 'none'}).`,
        );
      } else if (request.agent === undefined && Object.keys(config.agents).length === 0) {
        throw new CoordinatorError(
          'E_NO_AGENTS',
          'No agents are defined: add .meshwork/agents/*.md (or run `meshwork init`).',
        );
      }
      const { client, offline: isOffline } = await modelClient();
      const runId = request.runId ?? newRunId();
      const runDir = join(config.runsDir, runId);
      await mkdir(runDir, { recursive: true });
      const mode: RunReport['mode'] = request.plan ? 'plan' : request.agent !== undefined ? 'agent' : 'lead';
      const startedAt = new Date();
      await writeFile(
        join(runDir, 'run.json'),
        `${JSON.stringify({ runId, task: request.task, mode, startedAt: startedAt.toISOString(), pid: process.pid }, null, 2)}\n`,
      );
      const events = createEventLog(join(runDir, 'events.jsonl'));
      try {
        const controller = new AbortController();
        setMaxListeners(0, controller.signal);
        const onAbort = () => controller.abort(request.signal?.reason);
        if (request.signal?.aborted) controller.abort(request.signal.reason);
        else request.signal?.addEventListener('abort', onAbort, { once: true });
        const emit = (event: RunEvent) => {
          events.append(`${JSON.stringify({ ts: new Date().toISOString(), ...event })}\n`);
          try {
            request.onEvent?.(event);
          } catch {
            // A listener must not break the run.
          }
        };
        listener = emit;
        const instances = new Map<string, number>();
        const leases = createWriteLeases();
        const startsBefore = pool.startedProcesses();
        const run: RunContext = {
          runId,
          runDir,
          config,
          projectDir,
          pool,
          leases,
          model: client,
          interactive: options.interactive === true,
          signal: controller.signal,
          emit,
          nextInstance(agent) {
            const next = (instances.get(agent) ?? 0) + 1;
            instances.set(agent, next);
            return next;
          },
          ...(options.prompt ? { prompt: options.prompt } : {}),
          ...(options.logger ? { logger: options.logger } : {}),
        };
        const notes: string[] = [];
        if (isOffline) notes.push('offline: using the bundled script, no model was called');
        emit({
          type: 'run_started',
          runId,
          task: request.task,
          mode,
          offline: isOffline,
          message: `run ${runId} started (${mode})`,
        });
        if (isOffline)
          emit({ type: 'notice', message: 'offline: using the bundled script, no model was called' });
        for (const warning of config.warnings ?? []) emit({ type: 'notice', message: warning });
        const rootBudget = createBudgetPool({ ...config.budgets, ...request.budgets }, 'the run');
        const delegation: DelegationContext = {
          run,
          semaphore: createSemaphore(request.concurrency ?? config.concurrency),
          maxDepth: config.lead.maxDepth,
          reports: [],
          delegations: [],
        };
        let lead: AgentReport | undefined;
        try {
          if (request.plan) {
            await Promise.all(
              request.plan.map((item) =>
                runDelegated(delegation, item, { depth: 0, budget: rootBudget }).catch(() => {
                  // Cancelled while waiting for a concurrency slot: it never started, but it is reported.
                  delegation.reports.push(notStartedReport(item, run));
                }),
              ),
            );
          } else if (request.agent !== undefined) {
            await runDelegated(
              delegation,
              { agent: request.agent, task: request.task },
              { depth: 0, budget: rootBudget },
            ).catch(() => undefined);
          } else {
            const agent = leadAgentOf(config);
            // The lead's max turns bound its own turns (agent.maxTurns), not its children's, which draw
            // from the run's pool through the lead's level.
            const budget = rootBudget.child({}, 'the lead');
            try {
              lead = await runSubagent(run, {
                agent,
                task: request.task,
                depth: 0,
                budget,
                id: 'lead',
                localTools: (agentId) => [
                  createDelegateTool(delegation, {
                    id: agentId,
                    depth: 0,
                    budget,
                    ...(config.lead.model ? { model: config.lead.model } : {}),
                  }),
                ],
              });
            } finally {
              budget.dispose();
            }
          }
        } finally {
          rootBudget.dispose();
          request.signal?.removeEventListener('abort', onAbort);
        }
        const agents = delegation.reports;
        await hashTouchedFiles(lead ? [lead, ...agents] : agents, projectDir);
        const report = mergeRunReport({
          runId,
          task: request.task,
          mode,
          startedAt,
          offline: isOffline,
          ...(lead ? { lead } : {}),
          agents,
          delegations: delegation.delegations,
          conflicts: leases.conflicts().map((conflict) => {
            const local = relative(projectDir, conflict.path);
            return { ...conflict, path: local === '' || local.startsWith('..') ? conflict.path : local };
          }),
          cancelled: controller.signal.aborted,
          serverStarts: pool.startedProcesses() - startsBefore,
          sandboxes: pool.sandboxes(),
          runDir,
          notes: [...notes, ...(config.warnings ?? []), ...events.warnings()],
        });
        await writeFile(join(runDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
        emit({
          type: 'run_finished',
          runId,
          status: report.status,
          message: `run ${runId} ${report.status}`,
        });
        listener = undefined;
        return report;
      } finally {
        // Also on a throw: the descriptor must not outlive the run (the daemon runs many).
        events.close();
      }
    },
    async close() {
      if (ownsPool) await pool.close();
      await offline?.close();
    },
  };
}
