import type { TaskUsage } from '../queue/types.js';
import type { MemoryTool, ToolCallText } from './memory-client.js';

/** What a dreaming subagent gets: its instructions and the memory tools it may call. */
export interface DreamAgentRequest {
  system: string;
  task: string;
  /** Already filtered to the memory-only profile. */
  tools: MemoryTool[];
  /** The memory server's name: tools are shown as `mcp__<server>__<tool>`, as the coordinator names them. */
  server: string;
  callTool(name: string, args: Record<string, unknown>, signal: AbortSignal): Promise<ToolCallText>;
  signal: AbortSignal;
  progress(message: string, usage: TaskUsage): void;
}

/** How a dreaming subagent ended. */
export interface DreamAgentResult {
  summary: string;
  usage: TaskUsage;
  turns: number;
}

/** Runs the dreaming subagent; throws on failure (the dream is then rolled back). */
export type DreamAgent = (request: DreamAgentRequest) => Promise<DreamAgentResult>;
