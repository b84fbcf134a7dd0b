import type { LeaseConflict } from '../gate/write-leases.js';
import type { TokenUsage } from '../model/pricing.js';

/** How a subagent ended. */
export type AgentStatus = 'succeeded' | 'failed' | 'budget_exhausted' | 'cancelled';

/** How the whole run ended: every agent succeeded, some did not, none did, or it was interrupted. */
export type RunStatus = 'succeeded' | 'partial' | 'failed' | 'cancelled';

/** A file an agent wrote, with its content hash at the end of the run. */
export interface FileTouched {
  path: string;
  server: string;
  tool: string;
  /** sha256 of the file at the end of the run (absent when it could not be read, e.g. deleted). */
  sha256?: string;
}

/** A call the gate refused. */
export interface DeniedCall {
  agentId: string;
  server: string;
  tool: string;
  subject?: string;
  rule?: string;
  reason: string;
}

/** One subagent's structured result. */
export interface AgentReport {
  /** Instance id, e.g. `builder#2`. */
  id: string;
  agent: string;
  parentId?: string;
  depth: number;
  task: string;
  description?: string;
  profile?: string;
  model: string;
  status: AgentStatus;
  /** The agent's final answer (without its JSON block), or what it had when it stopped. */
  summary: string;
  /** The structured output (last ```json block), when the agent produced one. */
  output?: unknown;
  /** Validation problems against the agent's output schema. */
  outputErrors?: string[];
  filesTouched: FileTouched[];
  memoryTopics: string[];
  usage: TokenUsage;
  costUsd: number;
  durationMs: number;
  turns: number;
  toolCalls: number;
  denied: DeniedCall[];
  /** The MCP tools the agent was shown (`server:tool`). */
  tools: string[];
  /** Why it stopped early (budget reason, error message). */
  error?: string;
  /** Relative path of its transcript under the run directory. */
  transcript: string;
  notes?: string[];
}

/** One line of the merged summary and the agent it came from. */
export interface SummaryLine {
  agentId: string;
  text: string;
}

/** Totals over every agent of a run (the lead included). */
export interface RunTotals extends TokenUsage {
  costUsd: number;
  turns: number;
  toolCalls: number;
  agents: number;
  durationMs: number;
}

/** The merged report of a run. */
export interface RunReport {
  runId: string;
  task: string;
  mode: 'lead' | 'plan' | 'agent';
  status: RunStatus;
  startedAt: string;
  finishedAt: string;
  /** True when the bundled offline script answered (no model was called). */
  offline: boolean;
  /** The merged summary as text; every line is in `summaryLines` with its agent. */
  summary: string;
  summaryLines: SummaryLine[];
  /** The lead's report (mode `lead`), separately from the subagents. */
  lead?: AgentReport;
  agents: AgentReport[];
  totals: RunTotals;
  conflicts: LeaseConflict[];
  denied: DeniedCall[];
  /** Server processes started during the run (restarts included). */
  serverStarts: number;
  runDir: string;
  notes: string[];
}
