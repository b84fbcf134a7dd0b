import type { TaskUsage } from '../queue/types.js';
import type { DaemonSettings } from './settings.js';

/** Where the day's spending stands against the daily budget. */
export interface BudgetState {
  exceeded: boolean;
  /** Why tasks wait, for `meshwork tasks list` and MCP clients; set when exceeded. */
  reason: string | undefined;
  usage: TaskUsage;
  /** Start of the current budget day (00:00 UTC), epoch ms. */
  dayStart: number;
  /** When the budget resets, epoch ms. */
  resetsAt: number;
}

/** 00:00 UTC of the day containing `now`. */
export function budgetDayStart(now: number): number {
  const date = new Date(now);
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate());
}

/** Compares `usage` (since {@link budgetDayStart}) with the configured daily limits. */
export function evaluateBudget(budget: DaemonSettings['budget'], usage: TaskUsage, now: number): BudgetState {
  const dayStart = budgetDayStart(now);
  const resetsAt = dayStart + 86_400_000;
  const reasons: string[] = [];
  const tokens = usage.inputTokens + usage.outputTokens;
  if (budget.dailyTokens !== undefined && tokens >= budget.dailyTokens) {
    reasons.push(`daily token budget spent (${tokens} of ${budget.dailyTokens} tokens)`);
  }
  if (budget.dailyCostUsd !== undefined && usage.costUsd >= budget.dailyCostUsd) {
    reasons.push(
      `daily cost budget spent ($${usage.costUsd.toFixed(4)} of $${budget.dailyCostUsd.toFixed(2)})`,
    );
  }
  const exceeded = reasons.length > 0;
  return {
    exceeded,
    reason: exceeded
      ? `${reasons.join('; ')}; waits until ${new Date(resetsAt).toISOString()} or a higher daemon.budget`
      : undefined,
    usage,
    dayStart,
    resetsAt,
  };
}
