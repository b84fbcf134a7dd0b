import type { LeaseConflict } from '../gate/write-leases.js';
import { addUsage, emptyUsage } from '../model/pricing.js';
import { isAgentOk, problemOf } from './agent-outcome.js';
import type {
  AgentReport,
  DelegationRecord,
  RunReport,
  RunStatus,
  ServerFailure,
  ServerSandbox,
  SummaryLine,
} from './types.js';

/** Inputs of {@link mergeRunReport}. */
export interface MergeInput {
  runId: string;
  task: string;
  mode: RunReport['mode'];
  startedAt: Date;
  offline: boolean;
  lead?: AgentReport;
  agents: AgentReport[];
  /** Every delegation, refused ones included (default: none recorded). */
  delegations?: DelegationRecord[];
  conflicts: LeaseConflict[];
  cancelled: boolean;
  serverStarts: number;
  /** How each stdio server ran (default: not recorded). */
  sandboxes?: ServerSandbox[];
  runDir: string;
  notes: string[];
}

/**
 * The run's status from its parts. `succeeded`: every agent is ok (finished, and met its output
 * schema when it has one; see isAgentOk) and no delegation was refused. `failed`: no agent
 * finished at all, or the lead failed and no delegated agent finished. `partial`: anything in
 * between, so an unmet schema, a refused delegation (even one the lead made up for) or a server
 * that an agent went without is never a success and never hidden. `cancelled`: the run was
 * interrupted.
 */
export function runStatusOf(
  agents: readonly AgentReport[],
  lead: AgentReport | undefined,
  cancelled: boolean,
  delegations: readonly DelegationRecord[] = [],
): RunStatus {
  if (cancelled) return 'cancelled';
  const all = lead ? [lead, ...agents] : [...agents];
  if (all.length === 0) return 'failed';
  const finished = (agent: AgentReport) => agent.status === 'succeeded';
  if (lead && !finished(lead) && !agents.some(finished)) return 'failed';
  const refused = delegations.some((delegation) => delegation.outcome === 'refused');
  const missingServer = all.some((agent) => (agent.unavailableServers ?? []).length > 0);
  if (all.every(isAgentOk) && !refused && !missingServer) return 'succeeded';
  return all.some(finished) ? 'partial' : 'failed';
}

function linesOf(report: AgentReport): SummaryLine[] {
  // An agent that stopped before answering has the placeholder `(no answer: <error>)` as its
  // summary; its status line says the same, so it is printed once.
  const placeholder = report.error !== undefined && report.summary === `(no answer: ${report.error})`;
  const lines = placeholder
    ? []
    : report.summary
        .split('\n')
        .map((line) => line.trimEnd())
        .filter((line) => line.trim() !== '');
  const problem = problemOf(report);
  if (problem !== undefined) {
    lines.push(placeholder ? `(${report.status}, no answer: ${report.error})` : `(${problem})`);
  }
  return lines.map((text) => ({ agentId: report.id, text }));
}

/** Every server some agent went without, once, with the agents that did. */
export function serverFailuresOf(agents: readonly AgentReport[]): ServerFailure[] {
  const byServer = new Map<string, ServerFailure>();
  for (const agent of agents) {
    for (const { server, reason } of agent.unavailableServers ?? []) {
      const failure = byServer.get(server) ?? { server, reason, agents: [] };
      failure.agents.push(agent.id);
      byServer.set(server, failure);
    }
  }
  return [...byServer.values()];
}

/**
 * Merges agent reports into a typed RunReport, deterministically: no model summarises. Every
 * summary line carries the id of the agent that wrote it (provenance); lease refusals and denied
 * calls are listed in full.
 */
export function mergeRunReport(input: MergeInput): RunReport {
  const ordered = [...input.agents].sort((left, right) =>
    left.id.localeCompare(right.id, 'en', { numeric: true }),
  );
  const everyone = input.lead ? [input.lead, ...ordered] : ordered;
  const summaryLines = everyone.flatMap(linesOf);
  const usage = emptyUsage();
  for (const agent of everyone) addUsage(usage, agent.usage);
  const finished = new Date();
  const report: RunReport = {
    runId: input.runId,
    task: input.task,
    mode: input.mode,
    status: runStatusOf(ordered, input.lead, input.cancelled, input.delegations),
    startedAt: input.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    offline: input.offline,
    summary: summaryLines.map((line) => `[${line.agentId}] ${line.text}`).join('\n'),
    summaryLines,
    agents: ordered,
    delegations: input.delegations ?? [],
    totals: {
      ...usage,
      costUsd: everyone.reduce((sum, agent) => sum + agent.costUsd, 0),
      turns: everyone.reduce((sum, agent) => sum + agent.turns, 0),
      toolCalls: everyone.reduce((sum, agent) => sum + agent.toolCalls, 0),
      agents: ordered.length,
      durationMs: finished.getTime() - input.startedAt.getTime(),
    },
    conflicts: input.conflicts,
    denied: everyone.flatMap((agent) => agent.denied),
    serverStarts: input.serverStarts,
    runDir: input.runDir,
    notes: input.notes,
  };
  if (input.lead) report.lead = input.lead;
  const serverFailures = serverFailuresOf(everyone);
  if (serverFailures.length > 0) report.serverFailures = serverFailures;
  if (input.sandboxes !== undefined) report.sandboxes = input.sandboxes;
  return report;
}
