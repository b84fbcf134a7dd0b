import { emptyUsage, type TokenUsage } from '../model/pricing.js';
import type { AgentStatus } from '../report/types.js';
import type { ExecutorRecord } from './tool-executor.js';

/**
 * What one subagent has done so far. The turn loop and the tool executor fill it in; the report is
 * built from it once the agent stops. Everything a subagent accumulates lives here, nowhere else.
 */
export interface SubagentState {
  status: AgentStatus;
  /** Why the agent stopped early (budget, cancellation, crash); absent when it finished. */
  error?: string;
  turns: number;
  usage: TokenUsage;
  costUsd: number;
  /** The last non-empty text the model wrote: the partial answer of an agent stopped early. */
  lastText: string;
  /** The text of the reply that ended the loop (a reply with no tool call). */
  finalText: string;
  /** The tools the model was shown: `server:tool` for MCP tools, the name for local ones. */
  toolNames: string[];
  notes: string[];
  /** Files touched, memory topics written, denied calls, the tool call count and every call's outcome. */
  record: ExecutorRecord;
}

/** The state of a subagent that has not started. */
export function createSubagentState(): SubagentState {
  return {
    status: 'succeeded',
    turns: 0,
    usage: emptyUsage(),
    costUsd: 0,
    lastText: '',
    finalText: '',
    toolNames: [],
    notes: [],
    record: { files: new Map(), memoryTopics: new Set(), denied: [], toolCalls: 0, calls: [] },
  };
}
