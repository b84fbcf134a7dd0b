import type { TokenUsage } from '../model/pricing.js';
import type { AgentStatus, RunStatus } from '../report/types.js';

/** Progress of a run, for live output, logs and the daemon. Every event has a one-line `message`. */
export type RunEvent =
  | {
      type: 'run_started';
      runId: string;
      task: string;
      mode: 'lead' | 'plan' | 'agent';
      offline: boolean;
      message: string;
    }
  | {
      type: 'agent_started';
      agentId: string;
      agent: string;
      parentId?: string;
      depth: number;
      tools: string[];
      message: string;
    }
  | { type: 'turn_started'; agentId: string; agent: string; turn: number; message: string }
  | {
      type: 'turn_finished';
      agentId: string;
      agent: string;
      turn: number;
      usage: TokenUsage;
      /** Cumulative tokens of this agent. */
      tokens: number;
      costUsd: number;
      turnMs: number;
      modelMs: number;
      /** Time spent inside tool calls (server round trips). */
      toolMs: number;
      message: string;
    }
  | {
      type: 'model_retry';
      agentId: string;
      agent: string;
      attempt: number;
      reason: string;
      delayMs: number;
      message: string;
    }
  | { type: 'tool_started'; agentId: string; agent: string; tool: string; toolUseId: string; message: string }
  | {
      type: 'tool_finished';
      agentId: string;
      agent: string;
      tool: string;
      toolUseId: string;
      isError: boolean;
      durationMs: number;
      message: string;
    }
  | { type: 'tool_denied'; agentId: string; agent: string; tool: string; reason: string; message: string }
  | { type: 'lease_conflict'; agentId: string; agent: string; path: string; holder: string; message: string }
  | { type: 'agent_finished'; agentId: string; agent: string; status: AgentStatus; message: string }
  | { type: 'server_started' | 'server_exited'; server: string; pid?: number; message: string }
  | {
      /** A server of the agent's profile could not be attached at its start: its tools are missing. */
      type: 'server_unavailable';
      agentId: string;
      agent: string;
      server: string;
      reason: string;
      message: string;
    }
  | { type: 'notice'; message: string }
  | { type: 'run_finished'; runId: string; status: RunStatus; message: string };

/** Receives run events; must not throw (errors are swallowed). */
export type RunEventListener = (event: RunEvent) => void;
