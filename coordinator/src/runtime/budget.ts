import { setMaxListeners } from 'node:events';
import type { Budgets } from '../config/types.js';

/** What a budget pool has spent. */
export interface BudgetSpent {
  turns: number;
  tokens: number;
  costUsd: number;
  toolCalls: number;
}

/** A level of the hierarchical budget: the run, the lead, each subagent. */
export interface BudgetPool {
  readonly limits: Budgets;
  readonly label: string;
  /** Absolute deadline (ms since epoch), the earliest of this level and its ancestors. */
  readonly deadline: number | undefined;
  /** Aborted when the deadline passes. */
  readonly signal: AbortSignal;
  /** A child level: it can never spend beyond what this level (and its ancestors) has left. */
  child(limits: Budgets, label: string): BudgetPool;
  /** Charges this level and every ancestor. */
  charge(delta: Partial<BudgetSpent>): void;
  spent(): BudgetSpent;
  /** Why no further turn may start (a limit reached at this level or above), or undefined. */
  exhaustedReason(): string | undefined;
  /** Tokens left at the tightest level, or undefined when no level limits tokens. */
  tokensLeft(): number | undefined;
  /** Stops the deadline timer (and the children's). */
  dispose(): void;
}

function deadlineOf(limits: Budgets, parent?: BudgetPool): number | undefined {
  const own = limits.maxSeconds === undefined ? undefined : Date.now() + limits.maxSeconds * 1000;
  const inherited = parent?.deadline;
  if (own === undefined) return inherited;
  if (inherited === undefined) return own;
  return Math.min(own, inherited);
}

/** Creates the root pool of a run (or a child when `parent` is given). */
export function createBudgetPool(limits: Budgets, label = 'run', parent?: BudgetPool): BudgetPool {
  const spent: BudgetSpent = { turns: 0, tokens: 0, costUsd: 0, toolCalls: 0 };
  const deadline = deadlineOf(limits, parent);
  const controller = new AbortController();
  // Every child level, agent and in-flight call listens to this signal: no listener limit.
  setMaxListeners(0, controller.signal);
  const children: BudgetPool[] = [];
  let timer: NodeJS.Timeout | undefined;
  const onParentAbort = () => controller.abort(parent?.signal.reason);
  if (parent?.signal.aborted) controller.abort(parent.signal.reason);
  else parent?.signal.addEventListener('abort', onParentAbort, { once: true });
  if (deadline !== undefined && !controller.signal.aborted) {
    const reason = new BudgetExhaustedSignal(`the time budget of ${label} ran out`);
    timer = setTimeout(() => controller.abort(reason), Math.max(0, deadline - Date.now()));
    timer.unref();
  }
  const ownReason = (): string | undefined => {
    if (limits.maxTurns !== undefined && spent.turns >= limits.maxTurns)
      return `${label} used its ${limits.maxTurns} turns`;
    if (limits.maxTokens !== undefined && spent.tokens >= limits.maxTokens)
      return `${label} used its ${limits.maxTokens} tokens`;
    if (limits.maxCostUsd !== undefined && spent.costUsd >= limits.maxCostUsd)
      return `${label} spent its $${limits.maxCostUsd} cost budget`;
    if (limits.maxToolCalls !== undefined && spent.toolCalls >= limits.maxToolCalls)
      return `${label} made its ${limits.maxToolCalls} tool calls`;
    if (deadline !== undefined && Date.now() >= deadline) return `the time budget of ${label} ran out`;
    return undefined;
  };
  const pool: BudgetPool = {
    limits,
    label,
    deadline,
    signal: controller.signal,
    child(childLimits, childLabel) {
      const child = createBudgetPool(childLimits, childLabel, pool);
      children.push(child);
      return child;
    },
    charge(delta) {
      spent.turns += delta.turns ?? 0;
      spent.tokens += delta.tokens ?? 0;
      spent.costUsd += delta.costUsd ?? 0;
      spent.toolCalls += delta.toolCalls ?? 0;
      parent?.charge(delta);
    },
    spent: () => ({ ...spent }),
    exhaustedReason: () => ownReason() ?? parent?.exhaustedReason(),
    tokensLeft() {
      const own = limits.maxTokens === undefined ? undefined : Math.max(0, limits.maxTokens - spent.tokens);
      const inherited = parent?.tokensLeft();
      if (own === undefined) return inherited;
      return inherited === undefined ? own : Math.min(own, inherited);
    },
    dispose() {
      if (timer) clearTimeout(timer);
      parent?.signal.removeEventListener('abort', onParentAbort);
      for (const child of children) child.dispose();
    },
  };
  return pool;
}

/** The abort reason of a budget deadline (tells a budget stop apart from a cancel). */
export class BudgetExhaustedSignal extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
