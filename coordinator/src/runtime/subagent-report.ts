import { relative } from 'node:path';
import type { AgentDefinition } from '../config/types.js';
import { messageOf } from '../errors.js';
import { parseFinalAnswer, validateJson } from '../report/structured-output.js';
import type { AgentReport, AgentStatus } from '../report/types.js';
import { BudgetExhaustedSignal } from './budget.js';
import type { SubagentState } from './subagent-state.js';

/** Who the report is about, besides what the state holds. */
export interface AgentReportInput {
  id: string;
  agent: AgentDefinition;
  depth: number;
  task: string;
  model: string;
  parentId?: string;
  description?: string;
  profileName?: string;
  /** `performance.now()` when the agent started. */
  startedAt: number;
  /** The run directory and the transcript file in it (the report names it relative to the run). */
  runDir: string;
  transcriptFile: string;
  /** Problems writing the transcript, reported as notes. */
  transcriptWarnings: string[];
}

/**
 * The status and error of an agent whose loop threw: `cancelled` when the run was, else
 * `budget_exhausted` when its budget's deadline passed, else `failed` with the error's message.
 */
export function endingOf(
  caught: unknown,
  runSignal: AbortSignal,
  budgetSignal: AbortSignal,
): { status: AgentStatus; error: string } {
  if (runSignal.aborted) return { status: 'cancelled', error: 'the run was cancelled' };
  if (budgetSignal.aborted || budgetSignal.reason instanceof BudgetExhaustedSignal) {
    return { status: 'budget_exhausted', error: messageOf(budgetSignal.reason) };
  }
  return { status: 'failed', error: messageOf(caught) };
}

/**
 * The agent's report: its final answer (or, when it stopped early, its last text) parsed into a
 * summary and structured output, checked against the agent's output schema when it succeeded
 * (`outputValid`: an agent that does not meet its schema is not ok, whatever its status).
 */
export function agentReportOf(input: AgentReportInput, state: SubagentState): AgentReport {
  const { agent, parentId, description, profileName } = input;
  const { status, error } = state;
  const parsed = parseFinalAnswer(status === 'succeeded' ? state.finalText : state.lastText);
  const result: AgentReport = {
    id: input.id,
    agent: agent.name,
    depth: input.depth,
    task: input.task,
    model: input.model,
    status,
    summary: parsed.summary || (error ? `(no answer: ${error})` : ''),
    filesTouched: [...state.record.files.values()],
    memoryTopics: [...state.record.memoryTopics],
    usage: state.usage,
    costUsd: state.costUsd,
    durationMs: Math.round(performance.now() - input.startedAt),
    turns: state.turns,
    toolCalls: state.record.toolCalls,
    calls: state.record.calls,
    denied: state.record.denied,
    tools: state.toolNames,
    transcript: relative(input.runDir, input.transcriptFile),
  };
  if (parentId !== undefined) result.parentId = parentId;
  if (description !== undefined) result.description = description;
  if (profileName !== undefined) result.profile = profileName;
  if (parsed.output !== undefined) result.output = parsed.output;
  const schemaErrors =
    agent.outputSchema && status === 'succeeded'
      ? parsed.output === undefined
        ? ['no ```json block with the structured output']
        : validateJson(parsed.output, agent.outputSchema)
      : [];
  const outputErrors = [...(parsed.parseError ? [parsed.parseError] : []), ...schemaErrors];
  if (outputErrors.length > 0) result.outputErrors = outputErrors;
  if (agent.outputSchema && status === 'succeeded') result.outputValid = schemaErrors.length === 0;
  if (error !== undefined) result.error = error;
  const notes = [...state.notes, ...input.transcriptWarnings];
  if (notes.length > 0) result.notes = notes;
  return result;
}
