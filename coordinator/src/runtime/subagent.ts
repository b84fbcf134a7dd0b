import { setMaxListeners } from 'node:events';
import { relative } from 'node:path';
import type {
  ContentBlockParam,
  Message,
  MessageParam,
  Tool as ModelTool,
  ToolResultBlockParam,
} from '@anthropic-ai/sdk/resources/messages';
import type { AgentDefinition } from '../config/types.js';
import { messageOf } from '../errors.js';
import { createGate } from '../gate/gate.js';
import { buildToolView, type ToolView } from '../gate/tool-view.js';
import { addUsage, costOf, emptyUsage, type TokenUsage, totalTokens } from '../model/pricing.js';
import { parseFinalAnswer, validateJson } from '../report/structured-output.js';
import type { AgentReport, AgentStatus } from '../report/types.js';
import { BudgetExhaustedSignal, type BudgetPool } from './budget.js';
import { modelFor, resolveAccess } from './resolve-agent.js';
import type { LocalTool, RunContext } from './run-context.js';
import { createToolExecutor, type ExecutorRecord } from './tool-executor.js';
import { createTranscriptWriter } from './transcript.js';

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

const OUTPUT_GUIDE =
  'When you are done, reply with your final answer: a short summary, one finding or change per line. Do not call tools in that reply.';

async function memoryIndex(view: ToolView): Promise<string | undefined> {
  if (!view.memory?.tools.some((tool) => tool.name === 'read_index')) return undefined;
  const outcome = await (view.memory as NonNullable<ToolView['memory']>).connection.call('read_index', {});
  if (outcome.isError) return undefined;
  const content = outcome.structuredContent?.content;
  const text = typeof content === 'string' ? content : outcome.text;
  return text.trim() === '' ? undefined : text.trim();
}

function systemPromptOf(agent: AgentDefinition, index: string | undefined, projectDir: string): string {
  const parts = [
    agent.systemPrompt,
    `## Workspace\n\nThe project directory is ${projectDir}. File tools take absolute paths inside it.`,
  ];
  if (index !== undefined)
    parts.push(
      `## Memory index (layer 1)\n\nRead a topic with the memory tools when you need it.\n\n${index}`,
    );
  parts.push(`## Reporting\n\n${OUTPUT_GUIDE}`);
  if (agent.outputSchema) {
    parts.push(
      `End the final answer with a fenced \`\`\`json block whose value matches this JSON Schema:\n\n${JSON.stringify(agent.outputSchema, null, 2)}`,
    );
  }
  return parts.join('\n\n');
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

/**
 * Runs one subagent: stream from the model, run the turn's tool calls concurrently through the
 * gate, append the results, repeat until the model ends its turn or a budget runs out. Never
 * throws: a crash becomes a `failed` report, so siblings keep going.
 */
export async function runSubagent(run: RunContext, request: SubagentRequest): Promise<AgentReport> {
  const { agent, budget } = request;
  const id = request.id ?? `${agent.name}#${run.nextInstance(agent.name)}`;
  const started = performance.now();
  const access = resolveAccess(agent, run.config);
  const model = modelFor(agent, run.config, request.inheritedModel);
  const transcript = createTranscriptWriter(run.runDir, run.runId, id);
  const usage = emptyUsage();
  const record: ExecutorRecord = { files: new Map(), memoryTopics: new Set(), denied: [], toolCalls: 0 };
  let costUsd = 0;
  let turns = 0;
  let lastText = '';
  let status: AgentStatus = 'succeeded';
  let error: string | undefined;
  let finalText = '';
  let toolNames: string[] = [];
  const notes: string[] = [];
  const signal = AbortSignal.any([run.signal, budget.signal]);
  setMaxListeners(0, signal);

  const report = (): AgentReport => {
    const parsed = parseFinalAnswer(status === 'succeeded' ? finalText : lastText);
    const result: AgentReport = {
      id,
      agent: agent.name,
      depth: request.depth,
      task: request.task,
      model,
      status,
      summary: parsed.summary || (error ? `(no answer: ${error})` : ''),
      filesTouched: [...record.files.values()],
      memoryTopics: [...record.memoryTopics],
      usage,
      costUsd,
      durationMs: Math.round(performance.now() - started),
      turns,
      toolCalls: record.toolCalls,
      denied: record.denied,
      tools: toolNames,
      transcript: relative(run.runDir, transcript.file),
    };
    if (request.parentId !== undefined) result.parentId = request.parentId;
    if (request.description !== undefined) result.description = request.description;
    if (access.profileName !== undefined) result.profile = access.profileName;
    if (parsed.output !== undefined) result.output = parsed.output;
    const outputErrors = [
      ...(parsed.parseError ? [parsed.parseError] : []),
      ...(agent.outputSchema && status === 'succeeded'
        ? parsed.output === undefined
          ? ['no ```json block with the structured output']
          : validateJson(parsed.output, agent.outputSchema)
        : []),
    ];
    if (outputErrors.length > 0) result.outputErrors = outputErrors;
    if (error !== undefined) result.error = error;
    const allNotes = [...notes, ...transcript.warnings()];
    if (allNotes.length > 0) result.notes = allNotes;
    return result;
  };

  try {
    const view = await buildToolView(run.pool, run.config, access.policy);
    notes.push(...view.notes);
    if (view.memory) transcript.attachMemory(view.memory.connection);
    const localTools = request.localTools?.(id) ?? [];
    toolNames = [
      ...view.tools.map((tool) => `${tool.server}:${tool.tool}`),
      ...localTools.map((tool) => tool.name),
    ];
    run.emit({
      type: 'agent_started',
      agentId: id,
      agent: agent.name,
      depth: request.depth,
      tools: toolNames,
      ...(request.parentId ? { parentId: request.parentId } : {}),
      message: `${id} started (${toolNames.length} tools)`,
    });
    const system = systemPromptOf(agent, await memoryIndex(view).catch(() => undefined), run.projectDir);
    const modelTools: ModelTool[] = [
      ...view.tools.map((tool) => ({
        name: tool.name,
        description: `[${tool.server}] ${tool.description}`,
        input_schema: tool.inputSchema as ModelTool['input_schema'],
      })),
      ...localTools.map((tool) => ({
        name: tool.name,
        description: tool.description,
        input_schema: tool.inputSchema as ModelTool['input_schema'],
      })),
    ];
    // Prompt caching: the system prompt and the tool list are the stable prefix.
    const lastTool = modelTools.at(-1);
    if (lastTool) lastTool.cache_control = { type: 'ephemeral' };
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
      record,
      maxChars: run.config.toolResultMaxChars,
    });
    const messages: MessageParam[] = [{ role: 'user', content: request.task }];
    void transcript.append([
      { role: 'system', content: system, meta: { agent: agent.name, model, tools: toolNames } },
      { role: 'user', content: request.task },
    ]);
    const turnLimit = agent.maxTurns;
    for (;;) {
      const reason =
        budget.exhaustedReason() ??
        (turnLimit !== undefined && turns >= turnLimit
          ? `${id} reached its max_turns of ${turnLimit}`
          : undefined);
      if (reason !== undefined) {
        status = 'budget_exhausted';
        error = reason;
        break;
      }
      turns += 1;
      budget.charge({ turns: 1 });
      run.emit({
        type: 'turn_started',
        agentId: id,
        agent: agent.name,
        turn: turns,
        message: `${id} turn ${turns}`,
      });
      const turnStarted = performance.now();
      const tokensLeft = budget.tokensLeft();
      const maxTokens = Math.max(
        1,
        Math.min(run.config.model.maxTokens, tokensLeft ?? Number.POSITIVE_INFINITY),
      );
      const message = await run.model.create(
        {
          model,
          max_tokens: maxTokens,
          system: [{ type: 'text', text: system, cache_control: { type: 'ephemeral' } }],
          messages,
          ...(modelTools.length > 0 ? { tools: modelTools } : {}),
        },
        {
          signal,
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
      const modelMs = performance.now() - turnStarted;
      const turnUsage = usageOf(message);
      addUsage(usage, turnUsage);
      const turnCost = costOf(turnUsage, model, run.config.model.prices);
      costUsd += turnCost;
      budget.charge({ tokens: totalTokens(turnUsage), costUsd: turnCost });
      messages.push({ role: 'assistant', content: message.content as ContentBlockParam[] });
      const text = textOf(message.content);
      if (text !== '') lastText = text;
      const toolUses = message.content.filter((block) => block.type === 'tool_use');
      // Not awaited: the file line is written at once, the memory copy in the background, so the
      // turn never waits for the memory server (or a slow disk queue) before running its tools.
      void transcript.append([
        {
          role: 'assistant',
          content: JSON.stringify(message.content),
          meta: { turn: turns, stop_reason: message.stop_reason, usage: message.usage },
        },
      ]);
      let toolMs = 0;
      if (toolUses.length > 0) {
        const results = await Promise.all(
          toolUses.map(async (block): Promise<ToolResultBlockParam> => {
            const execution = await execute(
              block.name,
              (block.input ?? {}) as Record<string, unknown>,
              block.id,
              signal,
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
        budget.charge({ toolCalls: toolUses.length });
        messages.push({ role: 'user', content: results });
        void transcript.append([{ role: 'tool', content: JSON.stringify(results), meta: { turn: turns } }]);
      }
      const turnMs = performance.now() - turnStarted;
      run.emit({
        type: 'turn_finished',
        agentId: id,
        agent: agent.name,
        turn: turns,
        usage: turnUsage,
        tokens: totalTokens(usage),
        costUsd,
        turnMs,
        modelMs,
        toolMs,
        message: `${id} turn ${turns} done`,
      });
      if (signal.aborted) throw signal.reason;
      if (toolUses.length === 0) {
        finalText = text;
        if (message.stop_reason === 'max_tokens') notes.push('the final answer was cut at max_tokens');
        break;
      }
    }
  } catch (caught) {
    if (run.signal.aborted) {
      status = 'cancelled';
      error = 'the run was cancelled';
    } else if (budget.signal.aborted || budget.signal.reason instanceof BudgetExhaustedSignal) {
      status = 'budget_exhausted';
      error = messageOf(budget.signal.reason);
    } else {
      status = 'failed';
      error = messageOf(caught);
    }
  }
  await transcript.append([{ role: 'system', content: `finished: ${status}${error ? ` (${error})` : ''}` }]);
  await transcript.close();
  // After the last write, so that the report carries any transcript warning.
  const result = report();
  run.emit({
    type: 'agent_finished',
    agentId: id,
    agent: agent.name,
    status,
    message: `${id} ${status}${error ? `: ${error}` : ''}`,
  });
  return result;
}
