import type { LeaseConflict } from '../gate/write-leases.js';
import { addUsage, emptyUsage } from '../model/pricing.js';
import type { AgentReport, RunReport, RunStatus, SummaryLine } from './types.js';

/** Inputs of {@link mergeRunReport}. */
export interface MergeInput {
  runId: string;
  task: string;
  mode: RunReport['mode'];
  startedAt: Date;
  offline: boolean;
  lead?: AgentReport;
  agents: AgentReport[];
  conflicts: LeaseConflict[];
  cancelled: boolean;
  serverStarts: number;
  runDir: string;
  notes: string[];
}

/** The run's status from its agents: all succeeded, some, none, or interrupted. */
export function runStatusOf(
  agents: readonly AgentReport[],
  lead: AgentReport | undefined,
  cancelled: boolean,
): RunStatus {
  if (cancelled) return 'cancelled';
  const all = lead ? [lead, ...agents] : [...agents];
  if (all.length === 0) return 'failed';
  if (lead && lead.status !== 'succeeded' && agents.every((agent) => agent.status !== 'succeeded'))
    return 'failed';
  const succeeded = all.filter((agent) => agent.status === 'succeeded').length;
  if (succeeded === all.length) return 'succeeded';
  return succeeded === 0 ? 'failed' : 'partial';
}

function linesOf(report: AgentReport): SummaryLine[] {
  const lines = report.summary
    .split('\n')
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== '');
  if (report.status !== 'succeeded')
    lines.push(`(${report.status}${report.error ? `: ${report.error}` : ''})`);
  return lines.map((text) => ({ agentId: report.id, text }));
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
    status: runStatusOf(ordered, input.lead, input.cancelled),
    startedAt: input.startedAt.toISOString(),
    finishedAt: finished.toISOString(),
    offline: input.offline,
    summary: summaryLines.map((line) => `[${line.agentId}] ${line.text}`).join('\n'),
    summaryLines,
    agents: ordered,
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
  return report;
}
