import type { AgentReport, RunReport } from './types.js';

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

function agentLine(agent: AgentReport): string {
  const files = agent.filesTouched.length > 0 ? `, ${agent.filesTouched.length} file(s)` : '';
  const topics = agent.memoryTopics.length > 0 ? `, ${agent.memoryTopics.length} topic(s)` : '';
  return `  ${(STATUS_MARK[agent.status] ?? agent.status).padEnd(9)} ${agent.id.padEnd(16)} ${String(agent.turns).padStart(2)} turns  ${formatTokens(tokensOf(agent)).padStart(6)} tok  $${agent.costUsd.toFixed(4)}  ${formatDuration(agent.durationMs)}${files}${topics}${agent.profile ? `  [${agent.profile}]` : ''}`;
}

/** The human-readable report printed at the end of `meshwork run` and by `meshwork runs show`. */
export function renderReportText(report: RunReport): string {
  const lines: string[] = [];
  if (report.offline) lines.push('offline: using the bundled script, no model was called', '');
  lines.push(
    `Run ${report.runId}: ${report.status.toUpperCase()} (${report.mode}, ${formatDuration(report.totals.durationMs)})`,
  );
  lines.push(`Task: ${report.task.split('\n')[0]}`);
  lines.push('', 'Agents:');
  if (report.lead) lines.push(agentLine(report.lead));
  for (const agent of report.agents) lines.push(agentLine(agent));
  lines.push('', 'Summary (each line names the agent it came from):');
  for (const line of report.summaryLines) lines.push(`  [${line.agentId}] ${line.text}`);
  const files = report.agents.flatMap((agent) =>
    agent.filesTouched.map((file) => ({ agent: agent.id, file })),
  );
  if (files.length > 0) {
    lines.push('', 'Files written:');
    for (const { agent, file } of files)
      lines.push(`  ${file.path}  ${file.sha256 ? file.sha256.slice(0, 12) : '(gone)'}  by ${agent}`);
  }
  const topics = report.agents.flatMap((agent) =>
    agent.memoryTopics.map((topic) => `${topic} by ${agent.id}`),
  );
  if (topics.length > 0) lines.push('', 'Memory topics written:', ...topics.map((topic) => `  ${topic}`));
  if (report.conflicts.length > 0) {
    lines.push('', 'Write conflicts (refused; the first writer holds the path until the run ends):');
    for (const conflict of report.conflicts)
      lines.push(
        `  ${conflict.path}: ${conflict.refused} refused, held by ${conflict.holder} (${conflict.server}:${conflict.tool})`,
      );
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
      for (const problem of agent.outputErrors ?? []) lines.push(`    invalid: ${problem}`);
    }
  }
  const totals = report.totals;
  lines.push(
    '',
    `Totals: ${totals.agents} agent(s), ${totals.turns} turns, ${totals.toolCalls} tool calls, ${formatTokens(totals.inputTokens)} in / ${formatTokens(totals.outputTokens)} out tokens (${formatTokens(totals.cacheReadTokens)} cache read), $${totals.costUsd.toFixed(4)}, ${report.serverStarts} server process(es) started`,
  );
  for (const note of report.notes.filter((note) => !note.startsWith('offline:'))) lines.push(`Note: ${note}`);
  lines.push(`Record: ${report.runDir}`);
  return `${lines.join('\n')}\n`;
}
