import type { ToolResultBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ScriptedRequestBody } from './types.js';

/**
 * How many assistant messages the request carries: the index of the turn a stateless
 * (`progress: 'conversation'`) route serves.
 */
export function countAssistantMessages(body: Partial<ScriptedRequestBody> | undefined): number {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  return messages.filter((message) => message?.role === 'assistant').length;
}

/** The system prompt as one string (text blocks joined by newlines; `''` when absent). */
export function getSystemText(body: Partial<ScriptedRequestBody> | undefined): string {
  const system = body?.system;
  if (typeof system === 'string') return system;
  if (!Array.isArray(system)) return '';
  return system.map((block) => (typeof block?.text === 'string' ? block.text : '')).join('\n');
}

/** Every `tool_result` block in the request's messages, oldest first. */
export function getToolResults(body: Partial<ScriptedRequestBody> | undefined): ToolResultBlockParam[] {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const results: ToolResultBlockParam[] = [];
  for (const message of messages) {
    if (!Array.isArray(message?.content)) continue;
    for (const block of message.content) if (block?.type === 'tool_result') results.push(block);
  }
  return results;
}

/** The text of a tool_result block's content (string content, or its text parts joined). */
export function getToolResultText(block: ToolResultBlockParam): string {
  if (typeof block.content === 'string') return block.content;
  if (!Array.isArray(block.content)) return '';
  return block.content.map((part) => (part.type === 'text' ? part.text : '')).join('\n');
}

/** The names of the tools the request offers the model. */
export function getToolNames(body: Partial<ScriptedRequestBody> | undefined): string[] {
  const tools = Array.isArray(body?.tools) ? body.tools : [];
  return tools
    .map((tool) => (tool as { name?: unknown }).name)
    .filter((name): name is string => typeof name === 'string');
}
