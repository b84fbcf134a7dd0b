import { isAgentOk } from './agent-outcome.js';
import { formatToolCall } from './tool-calls.js';
import type { AgentReport, DelegationRecord, RunReport, ToolCallRecord } from './types.js';

/** Compact token count: 950, 12.3k, 1.2M. */
export function formatTokens(count: number): string {
  if (count < 1000) return String(count);
  if (count < 1_000_000) return `${(count / 1000).toFixed(1)}k`;
  return `${(count / 1_000_000).toFixed(2)}M`;
}

/** Seconds with one decimal. */
export function formatDuration(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function tokensOf(agent: AgentReport): number {
  const usage = agent.usage;
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

const STATUS_MARK: Record<string, string> = {
  succeeded: 'ok',
  failed: 'FAILED',
  budget_exhausted: 'BUDGET',
  cancelled: 'CANCELLED',
};

/** How many calls one agent's line shows before pointing at report.json. */
const CALLS_SHOWN = 12;

/**
 * Dollars with four decimals; `(simulated)` on an offline run, where the figure is what the
 * scripted tokens would have cost and no model was paid for.
 */
function formatCost(costUsd: number, offline: boolean): string {
  return `$${costUsd.toFixed(4)}${offline ? ' (simulated)' : ''}`;
}

/** The first line of a text, with `…` when anything was cut. */
function firstLineOf(text: string, maxChars = 160): string {
  const trimmed = text.trim();
  const line = trimmed.split('\n')[0] ?? '';
  const shown = line.length > maxChars ? line.slice(0, maxChars) : line;
  return shown.length < trimmed.length ? `${shown.trimEnd()}…` : shown;
}

function markOf(agent: AgentReport): string {
  if (agent.status === 'succeeded' && !isAgentOk(agent)) return 'INVALID';
  return STATUS_MARK[agent.status] ?? agent.status;
}

function agentLine(agent: AgentReport, offline: boolean): string {
  const files = agent.filesTouched.length > 0 ? `, ${agent.filesTouched.length} file(s)` : '';
  const topics = agent.memoryTopics.length > 0 ? `, ${agent.memoryTopics.length} topic(s)` : '';
  return `  ${markOf(agent).padEnd(9)} ${agent.id.padEnd(16)} ${String(agent.turns).padStart(2)} turns  ${formatTokens(tokensOf(agent)).padStart(6)} tok  ${formatCost(agent.costUsd, offline)}  ${formatDuration(agent.durationMs)}${files}${topics}${agent.profile ? `  [${agent.profile}]` : ''}`;
}

/** One agent's calls in one line; repeats in a row are folded into `×N`. */
function callsLine(calls: readonly ToolCallRecord[]): string {
  const folded: Array<{ text: string; count: number }> = [];
  for (const call of calls) {
    const text = formatToolCall(call);
    const last = folded.at(-1);
    if (last?.text === text) last.count += 1;
    else folded.push({ text, count: 1 });
  }
  const shown = folded
    .slice(0, CALLS_SHOWN)
    .map((entry) => (entry.count > 1 ? `${entry.text} ×${entry.count}` : entry.text));
  const hidden = folded.slice(CALLS_SHOWN).reduce((sum, entry) => sum + entry.count, 0);
  if (hidden > 0) shown.push(`… ${hidden} more (report.json lists every call)`);
  return shown.join(', ');
}

function delegationLine(delegation: DelegationRecord): string {
  const target = delegation.agentId ?? delegation.agent;
  const outcome = delegation.outcome === 'ok' ? 'ok' : delegation.outcome.toUpperCase();
  const code = delegation.code ? `${delegation.code}: ` : '';
  const reason = delegation.reason ? ` - ${code}${firstLineOf(delegation.reason, 200)}` : '';
  return `  ${outcome.padEnd(9)} ${delegation.by ?? 'run'} -> ${target}: "${firstLineOf(delegation.task, 80)}"${reason}`;
}

/** The human-readable report printed at the end of `meshwork run` and by `meshwork runs show`. */
export function renderReportText(report: RunReport): string {
  const lines: string[] = [];
  if (report.offline) lines.push('offline: using the bundled script, no model was called', '');
  lines.push(
    `Run ${report.runId}: ${report.status.toUpperCase()} (${report.mode}, ${formatDuration(report.totals.durationMs)})`,
  );
  lines.push(`Task: ${firstLineOf(report.task, 200)}`);
  lines.push('', 'Agents:');
  const everyone = report.lead ? [report.lead, ...report.agents] : report.agents;
  for (const agent of everyone) lines.push(agentLine(agent, report.offline));
  // Older reports (before delegations were recorded) have none.
  const delegated = (report.delegations ?? []).filter((delegation) => delegation.by !== undefined);
  if (delegated.length > 0) {
    lines.push('', 'Delegations:');
    for (const delegation of delegated) lines.push(delegationLine(delegation));
  }
  const calling = everyone.filter((agent) => (agent.calls ?? []).length > 0);
  if (calling.length > 0) {
    lines.push('', 'Tool calls (as they happened):');
    for (const agent of calling) lines.push(`  ${agent.id}: ${callsLine(agent.calls)}`);
  }
  lines.push('', 'Summary (each line names the agent it came from):');
  for (const line of report.summaryLines) lines.push(`  [${line.agentId}] ${line.text}`);
  const files = report.agents.flatMap((agent) =>
    agent.filesTouched.map((file) => ({ agent: agent.id, file })),
  );
  if (files.length > 0) {
    lines.push('', 'Files written:');
    for (const { agent, file } of files)
      lines.push(
        `  ${file.path}  ${file.sha256 ? file.sha256.slice(0, 12) : '(gone)'}  by ${agent}${file.detected ? ` (seen after ${file.server}:${file.tool})` : ''}`,
      );
  }
  const topics = report.agents.flatMap((agent) =>
    agent.memoryTopics.map((topic) => `${topic} by ${agent.id}`),
  );
  if (topics.length > 0) lines.push('', 'Memory topics written:', ...topics.map((topic) => `  ${topic}`));
  if (report.conflicts.length > 0) {
    lines.push('', 'Write conflicts (the first writer holds the path until the run ends):');
    for (const conflict of report.conflicts)
      lines.push(
        conflict.detected
          ? `  ${conflict.path}: changed by ${conflict.refused}, held by ${conflict.holder} (seen after ${conflict.server}:${conflict.tool}; could not be refused${conflict.alsoRunning ? `; also running: ${conflict.alsoRunning.join(', ')}` : ''})`
          : `  ${conflict.path}: ${conflict.refused} refused, held by ${conflict.holder} (${conflict.server}:${conflict.tool})`,
      );
  }
  if ((report.serverFailures ?? []).length > 0) {
    lines.push('', 'Servers that failed (their tools were missing):');
    for (const failure of report.serverFailures ?? [])
      lines.push(`  ${failure.server}: ${failure.reason} (without it: ${failure.agents.join(', ')})`);
  }
  if (report.denied.length > 0) {
    lines.push('', 'Denied calls:');
    for (const denied of report.denied)
      lines.push(
        `  ${denied.agentId}: ${denied.server}:${denied.tool}${denied.subject ? ` "${denied.subject}"` : ''} - ${denied.reason}`,
      );
  }
  const structured = report.agents.filter((agent) => agent.output !== undefined || agent.outputErrors);
  if (structured.length > 0) {
    lines.push('', 'Structured output:');
    for (const agent of structured) {
      lines.push(`  ${agent.id}: ${agent.output === undefined ? '(none)' : JSON.stringify(agent.output)}`);
      for (const problem of agent.outputErrors ?? [])
        lines.push(`    ${agent.outputValid === false ? 'schema not met' : 'invalid'}: ${problem}`);
    }
  }
  const totals = report.totals;
  lines.push(
    '',
    `Totals: ${everyone.length} agent(s)${report.lead ? ` (the lead and ${report.agents.length} delegated)` : ''}, ${totals.turns} turns, ${totals.toolCalls} tool calls, ${formatTokens(totals.inputTokens)} in / ${formatTokens(totals.outputTokens)} out tokens (${formatTokens(totals.cacheReadTokens)} cache read), ${formatCost(totals.costUsd, report.offline)}, ${report.serverStarts} server process(es) started`,
  );
  const unconfined = (report.sandboxes ?? []).filter((server) => server.mode !== 'bwrap' || server.network);
  if (unconfined.length > 0) {
    lines.push('', 'Servers outside the default OS sandbox:');
    for (const server of unconfined) {
      const how =
        server.mode === 'none'
          ? 'no sandbox ("sandbox": "none")'
          : server.mode === 'unavailable'
            ? 'no sandbox (bubblewrap cannot start here)'
            : 'sandboxed, with network';
      lines.push(`  ${server.server}: ${how}`);
    }
  }
  for (const note of report.notes.filter((note) => !note.startsWith('offline:'))) lines.push(`Note: ${note}`);
  lines.push(`Record: ${report.runDir}`);
  return `${lines.join('\n')}\n`;
}
