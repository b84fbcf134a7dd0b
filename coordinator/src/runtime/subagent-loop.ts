import type {
  ContentBlockParam,
  Message,
  MessageParam,
  Tool as ModelTool,
  ToolResultBlockParam,
  ToolUseBlock,
} from '@anthropic-ai/sdk/resources/messages';
import type { AgentDefinition } from '../config/types.js';
import { addUsage, costOf, type TokenUsage, totalTokens } from '../model/pricing.js';
import type { BudgetPool } from './budget.js';
import type { RunContext } from './run-context.js';
import type { SubagentState } from './subagent-state.js';
import type { createToolExecutor } from './tool-executor.js';
import type { TranscriptWriter } from './transcript.js';

/** Everything the turn loop of one subagent works with; it changes only `messages` (and the state). */
export interface TurnLoopInput {
  run: RunContext;
  /** The instance id (`builder#1`). */
  id: string;
  agent: AgentDefinition;
  /** The model id the requests name. */
  model: string;
  budget: BudgetPool;
  /** Aborted when the run is cancelled or the budget's deadline passes. */
  signal: AbortSignal;
  system: string;
  tools: ModelTool[];
  execute: ReturnType<typeof createToolExecutor>;
  transcript: TranscriptWriter;
  /** The conversation so far, starting with the task; each turn appends to it. */
  messages: MessageParam[];
}

function usageOf(message: Message): TokenUsage {
  const usage = message.usage;
  return {
    inputTokens: usage.input_tokens ?? 0,
    outputTokens: usage.output_tokens ?? 0,
    cacheReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

function textOf(content: Message['content']): string {
  return content
    .filter((block) => block.type === 'text')
    .map((block) => (block as { text: string }).text)
    .join('\n')
    .trim();
}

/** Why no further turn may start: a budget level or the agent's own max_turns, else undefined. */
function stopReasonOf(input: TurnLoopInput, state: SubagentState): string | undefined {
  const turnLimit = input.agent.maxTurns;
  return (
    input.budget.exhaustedReason() ??
    (turnLimit !== undefined && state.turns >= turnLimit
      ? `${input.id} reached its max_turns of ${turnLimit}`
      : undefined)
  );
}

/** Streams one reply and charges its usage to the agent and its budget. */
async function callModel(input: TurnLoopInput): Promise<Message> {
  const { run, id, agent, model, budget } = input;
  const maxTokens = Math.max(
    1,
    Math.min(run.config.model.maxTokens, budget.tokensLeft() ?? Number.POSITIVE_INFINITY),
  );
  return run.model.create(
    {
      model,
      max_tokens: maxTokens,
      system: [{ type: 'text', text: input.system, cache_control: { type: 'ephemeral' } }],
      messages: input.messages,
      ...(input.tools.length > 0 ? { tools: input.tools } : {}),
    },
    {
      signal: input.signal,
      headers: { 'x-meshwork-agent': agent.name, 'x-meshwork-agent-id': id },
      onRetry(info) {
        run.emit({
          type: 'model_retry',
          agentId: id,
          agent: agent.name,
          attempt: info.attempt,
          reason: info.reason,
          delayMs: info.delayMs,
          message: `${id}: model ${info.reason}, retry ${info.attempt} in ${info.delayMs} ms`,
        });
      },
    },
  );
}

/** Runs a turn's tool calls concurrently and appends their results; resolves the longest call's time. */
async function runToolUses(
  input: TurnLoopInput,
  state: SubagentState,
  toolUses: ToolUseBlock[],
): Promise<number> {
  let toolMs = 0;
  const results = await Promise.all(
    toolUses.map(async (block): Promise<ToolResultBlockParam> => {
      const execution = await input.execute(
        block.name,
        (block.input ?? {}) as Record<string, unknown>,
        block.id,
        input.signal,
      );
      toolMs = Math.max(toolMs, execution.durationMs);
      return {
        type: 'tool_result',
        tool_use_id: block.id,
        content: execution.text,
        ...(execution.isError ? { is_error: true } : {}),
      };
    }),
  );
  input.budget.charge({ toolCalls: toolUses.length });
  input.messages.push({ role: 'user', content: results });
  void input.transcript.append([
    { role: 'tool', content: JSON.stringify(results), meta: { turn: state.turns } },
  ]);
  return toolMs;
}

/** One turn: the model's reply, then its tool calls. Resolves true when the agent gave its final answer. */
async function runTurn(input: TurnLoopInput, state: SubagentState): Promise<boolean> {
  const { run, id, agent, budget } = input;
  state.turns += 1;
  budget.charge({ turns: 1 });
  run.emit({
    type: 'turn_started',
    agentId: id,
    agent: agent.name,
    turn: state.turns,
    message: `${id} turn ${state.turns}`,
  });
  const turnStarted = performance.now();
  const message = await callModel(input);
  const modelMs = performance.now() - turnStarted;
  const turnUsage = usageOf(message);
  addUsage(state.usage, turnUsage);
  const turnCost = costOf(turnUsage, input.model, run.config.model.prices);
  state.costUsd += turnCost;
  budget.charge({ tokens: totalTokens(turnUsage), costUsd: turnCost });
  input.messages.push({ role: 'assistant', content: message.content as ContentBlockParam[] });
  const text = textOf(message.content);
  if (text !== '') state.lastText = text;
  const toolUses = message.content.filter((block): block is ToolUseBlock => block.type === 'tool_use');
  // Not awaited: the file line is written at once, the memory copy in the background, so the
  // turn never waits for the memory server (or a slow disk queue) before running its tools.
  void input.transcript.append([
    {
      role: 'assistant',
      content: JSON.stringify(message.content),
      meta: { turn: state.turns, stop_reason: message.stop_reason, usage: message.usage },
    },
  ]);
  const toolMs = toolUses.length > 0 ? await runToolUses(input, state, toolUses) : 0;
  run.emit({
    type: 'turn_finished',
    agentId: id,
    agent: agent.name,
    turn: state.turns,
    usage: turnUsage,
    tokens: totalTokens(state.usage),
    costUsd: state.costUsd,
    turnMs: performance.now() - turnStarted,
    modelMs,
    toolMs,
    message: `${id} turn ${state.turns} done`,
  });
  if (input.signal.aborted) throw input.signal.reason;
  if (toolUses.length > 0) return false;
  state.finalText = text;
  if (message.stop_reason === 'max_tokens') state.notes.push('the final answer was cut at max_tokens');
  return true;
}

/**
 * The subagent loop: model, then the turn's tool calls, then their results, until the model
 * answers without calling a tool or a limit stops it (`budget_exhausted` in the state). Throws
 * what the model client or a cancellation throws; the caller turns that into the agent's status.
 */
export async function runTurnLoop(input: TurnLoopInput, state: SubagentState): Promise<void> {
  for (;;) {
    const reason = stopReasonOf(input, state);
    if (reason !== undefined) {
      state.status = 'budget_exhausted';
      state.error = reason;
      return;
    }
    if (await runTurn(input, state)) return;
  }
}
