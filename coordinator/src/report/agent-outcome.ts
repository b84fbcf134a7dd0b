import type { AgentReport } from './types.js';

/**
 * True when the agent did what was asked: it finished (`succeeded`) and, when it has an
 * `output_schema`, its structured output meets it. Run status, the text report's mark and the
 * delegation record all go by this, so an unmet schema is never reported as ok.
 */
export function isAgentOk(report: AgentReport): boolean {
  return report.status === 'succeeded' && report.outputValid !== false;
}

/** Why an agent is not ok, in one line (undefined when it is ok). */
export function problemOf(report: AgentReport): string | undefined {
  if (report.status !== 'succeeded') return `${report.status}${report.error ? `: ${report.error}` : ''}`;
  if (report.outputValid === false)
    return `output schema not met: ${(report.outputErrors ?? []).join('; ') || 'invalid output'}`;
  return undefined;
}
