import { setMaxListeners } from 'node:events';
import type { MessageParam } from '@anthropic-ai/sdk/resources/messages';
import { transcriptScopeOf } from '@meshwork/permissions';
import type { AgentDefinition } from '../config/types.js';
import { createGate } from '../gate/gate.js';
import { buildToolView } from '../gate/tool-view.js';
import type { AgentReport, UnavailableServer } from '../report/types.js';
import type { BudgetPool } from './budget.js';
import { memoryToolFor } from './memory-tool.js';
import { modelFor, resolveAccess } from './resolve-agent.js';
import type { LocalTool, RunContext } from './run-context.js';
import { runTurnLoop } from './subagent-loop.js';
import { buildSubagentPrompt, toolNamesOf } from './subagent-prompt.js';
import { agentReportOf, endingOf } from './subagent-report.js';
import { createSubagentState } from './subagent-state.js';
import { createToolExecutor } from './tool-executor.js';
import { createTranscriptWriter } from './transcript.js';
import { unavailableServersNote } from './unavailable-servers.js';

/** One subagent to run. */
export interface SubagentRequest {
  agent: AgentDefinition;
  task: string;
  description?: string;
  parentId?: string;
  depth: number;
  /** This agent's own budget level (a child of its parent's). */
  budget: BudgetPool;
  /** Coordinator-side tools (e.g. `delegate`), built once the instance id is known. */
  localTools?: (agentId: string) => LocalTool[];
  /** Model inherited from the parent (for `model: inherit`). */
  inheritedModel?: string;
  /** Instance id to use instead of `<agent>#<n>`. */
  id?: string;
}

/**
 * Runs one subagent: attach it to the servers its profile reaches, build its prompt, run the turn
 * loop (see runTurnLoop), then report. Never throws: a crash becomes a `failed` report, so
 * siblings keep going.
 */
export async function runSubagent(run: RunContext, request: SubagentRequest): Promise<AgentReport> {
  const { agent, budget } = request;
  const id = request.id ?? `${agent.name}#${run.nextInstance(agent.name)}`;
  const startedAt = performance.now();
  const access = resolveAccess(agent, run.config);
  const model = modelFor(agent, run.config, request.inheritedModel);
  const transcript = createTranscriptWriter(run.runDir, run.runId, id, {
    profile: transcriptScopeOf(access.profile),
  });
  const state = createSubagentState();
  const signal = AbortSignal.any([run.signal, budget.signal]);
  setMaxListeners(0, signal);
  let unavailable: UnavailableServer[] = [];

  try {
    const view = await buildToolView(run.pool, run.config, access.policy);
    state.notes.push(...view.notes);
    unavailable = view.unavailable ?? [];
    for (const { server, reason } of unavailable) {
      run.emit({
        type: 'server_unavailable',
        agentId: id,
        agent: agent.name,
        server,
        reason,
        message: `${id} starts without the ${server} server's tools: ${reason}`,
      });
    }
    const transcriptTool = memoryToolFor(view, 'memory/append-transcript');
    if (view.memory && transcriptTool !== undefined) {
      transcript.attachMemory(view.memory.connection, transcriptTool);
    }
    const localTools = request.localTools?.(id) ?? [];
    state.toolNames = toolNamesOf(view, localTools);
    run.emit({
      type: 'agent_started',
      agentId: id,
      agent: agent.name,
      depth: request.depth,
      tools: state.toolNames,
      ...(request.parentId ? { parentId: request.parentId } : {}),
      message: `${id} started (${state.toolNames.length} tools${unavailable.length > 0 ? `; missing the tools of ${unavailable.map((entry) => entry.server).join(', ')}` : ''})`,
    });
    const prompt = await buildSubagentPrompt({ agent, view, localTools, projectDir: run.projectDir });
    if (unavailable.length > 0) prompt.system = `${prompt.system}\n\n${unavailableServersNote(unavailable)}`;
    const gate = createGate({
      policy: access.policy,
      holder: id,
      leases: run.leases,
      projectDir: run.projectDir,
      interactive: run.interactive,
      ...(run.prompt ? { prompt: run.prompt } : {}),
    });
    const execute = createToolExecutor({
      run,
      agentId: id,
      agent: agent.name,
      tools: view.tools,
      localTools,
      gate,
      record: state.record,
      maxChars: run.config.toolResultMaxChars,
    });
    const messages: MessageParam[] = [{ role: 'user', content: request.task }];
    void transcript.append([
      { role: 'system', content: prompt.system, meta: { agent: agent.name, model, tools: state.toolNames } },
      { role: 'user', content: request.task },
    ]);
    await runTurnLoop(
      { run, id, agent, model, budget, signal, ...prompt, execute, transcript, messages },
      state,
    );
  } catch (caught) {
    Object.assign(state, endingOf(caught, run.signal, budget.signal));
  }
  const { status, error } = state;
  await transcript.append([{ role: 'system', content: `finished: ${status}${error ? ` (${error})` : ''}` }]);
  await transcript.close();
  // After the last write, so that the report carries any transcript warning.
  const report = agentReportOf(
    {
      id,
      agent,
      depth: request.depth,
      task: request.task,
      model,
      startedAt,
      runDir: run.runDir,
      transcriptFile: transcript.file,
      transcriptWarnings: transcript.warnings(),
      ...(request.parentId === undefined ? {} : { parentId: request.parentId }),
      ...(request.description === undefined ? {} : { description: request.description }),
      ...(access.profileName === undefined ? {} : { profileName: access.profileName }),
    },
    state,
  );
  if (unavailable.length > 0) report.unavailableServers = unavailable;
  run.emit({
    type: 'agent_finished',
    agentId: id,
    agent: agent.name,
    status,
    message: `${id} ${status}${error ? `: ${error}` : ''}`,
  });
  return report;
}
