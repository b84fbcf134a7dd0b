import type { ModelSettings } from '../config/types.js';

/** Token usage of one or more model calls. */
export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

/** Zero usage. */
export function emptyUsage(): TokenUsage {
  return { inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0 };
}

/** Adds `more` into `into` (mutates) and returns it. */
export function addUsage(into: TokenUsage, more: TokenUsage): TokenUsage {
  into.inputTokens += more.inputTokens;
  into.outputTokens += more.outputTokens;
  into.cacheReadTokens += more.cacheReadTokens;
  into.cacheWriteTokens += more.cacheWriteTokens;
  return into;
}

/** Tokens that count against a token budget (everything billed). */
export function totalTokens(usage: TokenUsage): number {
  return usage.inputTokens + usage.outputTokens + usage.cacheReadTokens + usage.cacheWriteTokens;
}

/** USD cost of `usage` on `model` (longest matching prefix in the price table; unknown models cost 0). */
export function costOf(usage: TokenUsage, model: string, prices: ModelSettings['prices']): number {
  const key = Object.keys(prices)
    .filter((name) => model.startsWith(name))
    .sort((left, right) => right.length - left.length)[0];
  const price = key === undefined ? undefined : prices[key];
  if (!price) return 0;
  const perToken = (perMillion: number) => perMillion / 1_000_000;
  return (
    usage.inputTokens * perToken(price.input) +
    usage.outputTokens * perToken(price.output) +
    usage.cacheReadTokens * perToken(price.cacheRead ?? price.input * 0.1) +
    usage.cacheWriteTokens * perToken(price.cacheWrite ?? price.input * 1.25)
  );
}
