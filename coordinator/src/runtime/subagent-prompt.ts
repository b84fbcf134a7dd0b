import type { Tool as ModelTool } from '@anthropic-ai/sdk/resources/messages';
import type { AgentDefinition } from '../config/types.js';
import type { ToolView } from '../gate/tool-view.js';
import { memoryToolFor } from './memory-tool.js';
import type { LocalTool } from './run-context.js';

const OUTPUT_GUIDE =
  'When you are done, reply with your final answer: a short summary, one finding or change per line. Do not call tools in that reply.';

/** What {@link buildSubagentPrompt} needs. */
export interface SubagentPromptInput {
  agent: AgentDefinition;
  view: ToolView;
  localTools: LocalTool[];
  projectDir: string;
}

/** The stable prefix of every request of one subagent: its system prompt and its tools. */
export interface SubagentPrompt {
  system: string;
  /** MCP tools first, then local ones; the last carries `cache_control`. */
  tools: ModelTool[];
}

/** The tools a subagent is shown, as reported: `server:tool` for MCP tools, the name for local ones. */
export function toolNamesOf(view: ToolView, localTools: LocalTool[]): string[] {
  return [...view.tools.map((tool) => `${tool.server}:${tool.tool}`), ...localTools.map((tool) => tool.name)];
}

/** The memory index (layer 1) through the memory tool that declares `memory/read-index`, if any. */
export async function readMemoryIndex(view: ToolView): Promise<string | undefined> {
  const tool = memoryToolFor(view, 'memory/read-index');
  if (!view.memory || tool === undefined) return undefined;
  const outcome = await view.memory.connection.call(tool, {});
  if (outcome.isError) return undefined;
  const content = outcome.structuredContent?.content;
  const text = typeof content === 'string' ? content : outcome.text;
  return text.trim() === '' ? undefined : text.trim();
}

/** The system prompt: the agent's own, the workspace, the memory index when there is one, the reporting rules. */
export function systemPromptOf(
  agent: AgentDefinition,
  index: string | undefined,
  projectDir: string,
): string {
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

/** The tool list of the requests; the last tool carries `cache_control`, ending the cached prefix. */
export function modelToolsOf(view: ToolView, localTools: LocalTool[]): ModelTool[] {
  const tools: ModelTool[] = [
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
  const lastTool = tools.at(-1);
  if (lastTool) lastTool.cache_control = { type: 'ephemeral' };
  return tools;
}

/**
 * Builds the prompt. A memory index that cannot be read is left out: the agent runs without it
 * rather than not at all.
 */
export async function buildSubagentPrompt(input: SubagentPromptInput): Promise<SubagentPrompt> {
  const index = await readMemoryIndex(input.view).catch(() => undefined);
  return {
    system: systemPromptOf(input.agent, index, input.projectDir),
    tools: modelToolsOf(input.view, input.localTools),
  };
}
