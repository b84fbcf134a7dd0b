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
  /**
   * True when the write was seen after a command ran (a tool that may write anywhere under its
   * roots, such as a shell command), not declared before it.
   */
  detected?: true;
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

/** How one tool call ended: it ran and succeeded, it ran and failed, or the gate refused it. */
export type ToolCallStatus = 'ok' | 'error' | 'denied';

/** One tool call an agent made, as it actually happened (not as the model summarised it). */
export interface ToolCallRecord {
  /** `server:tool` for an MCP tool, the bare name for a coordinator tool (e.g. `delegate`). */
  tool: string;
  outcome: ToolCallStatus;
  /** The argument the tool declares as its subject (a path, a command), cut to 200 characters. */
  subject?: string;
  /** The error code (`E_…`) of an `error` or `denied` outcome, when the result names one. */
  code?: string;
  /** The first line of the result of an `error` or `denied` outcome. */
  message?: string;
  /** The structured `exit_code` of the result, when the tool reports one (`null`: ended by a signal). */
  exitCode?: number | null;
  durationMs: number;
}

/** How a delegation ended: its agent ran and was ok, was refused before it ran, or ran and was not ok. */
export type DelegationOutcome = 'ok' | 'refused' | 'failed';

/** One delegation: a `delegate` call of a lead (or subagent), or one item of a plan. */
export interface DelegationRecord {
  /** The delegating agent's id; absent for a plan item or a direct `--agent` run. */
  by?: string;
  agent: string;
  task: string;
  outcome: DelegationOutcome;
  /** The instance id of the agent that ran (absent when it was refused). */
  agentId?: string;
  /** Why it was refused or failed (the refusal's message, the agent's status and error). */
  reason?: string;
  /** The refusal's code (`E_UNKNOWN_AGENT`, `E_NO_TASK`). */
  code?: string;
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
  /** Validation problems against the agent's output schema (and a json block that does not parse). */
  outputErrors?: string[];
  /**
   * Whether the structured output met the agent's `output_schema`; present only when the agent has
   * one and succeeded. An agent whose output does not meet its schema is not ok (see isAgentOk).
   */
  outputValid?: boolean;
  filesTouched: FileTouched[];
  memoryTopics: string[];
  usage: TokenUsage;
  costUsd: number;
  durationMs: number;
  turns: number;
  toolCalls: number;
  /** Every tool call, in the order they finished, with its outcome. */
  calls: ToolCallRecord[];
  denied: DeniedCall[];
  /** The MCP tools the agent was shown (`server:tool`). */
  tools: string[];
  /** Why it stopped early (budget reason, error message). */
  error?: string;
  /** Relative path of its transcript under the run directory. */
  transcript: string;
  notes?: string[];
  /** Servers its profile reaches that could not be attached (so their tools were missing), with why. */
  unavailableServers?: UnavailableServer[];
}

/** A server an agent should have had but did not: it did not start, died at start, or never answered. */
export interface UnavailableServer {
  server: string;
  /** The start failure, with the line of the server's stderr that names the problem. */
  reason: string;
}

/** A server that failed for one or more agents of the run. */
export interface ServerFailure extends UnavailableServer {
  /** The agents that ran without its tools. */
  agents: string[];
}

/** One line of the merged summary and the agent it came from. */
export interface SummaryLine {
  agentId: string;
  text: string;
}

/** Totals over every agent of a run (the lead included, except in `agents`). */
export interface RunTotals extends TokenUsage {
  costUsd: number;
  turns: number;
  toolCalls: number;
  /** Subagents that ran (the lead is not counted here; see RunReport.lead). */
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
  /** Every delegation of the run (plan items, `--agent`, `delegate` calls), refused ones included. */
  delegations: DelegationRecord[];
  totals: RunTotals;
  conflicts: LeaseConflict[];
  denied: DeniedCall[];
  /** Server processes started during the run (restarts included). */
  serverStarts: number;
  /** Servers that could not be attached for some agent; any makes the run at best partial. */
  serverFailures?: ServerFailure[];
  /** How each stdio server process the run used ran: in the OS sandbox, opted out, or without one. */
  sandboxes?: ServerSandbox[];
  runDir: string;
  notes: string[];
}

/** How one stdio server process ran (`mode`), with network or not, and where it could write. */
export interface ServerSandbox {
  server: string;
  /** `bwrap`: in the OS sandbox; `none`: its entry opted out; `unavailable`: no sandbox here. */
  mode: 'bwrap' | 'none' | 'unavailable';
  network: boolean;
  /** Writable paths (relative to the project when inside it). */
  writable: string[];
}
