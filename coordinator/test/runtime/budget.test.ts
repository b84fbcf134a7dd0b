import { describe, expect, it } from 'vitest';
import { createBudgetPool } from '../../src/runtime/budget.js';

describe('budget pools', () => {
  it('charges every ancestor and stops a child when the parent runs out', () => {
    const run = createBudgetPool({ maxTurns: 5, maxTokens: 1000 });
    const left = run.child({ maxTurns: 4 }, 'left');
    const right = run.child({}, 'right');
    left.charge({ turns: 3, tokens: 100 });
    expect(run.spent()).toMatchObject({ turns: 3, tokens: 100 });
    expect(left.exhaustedReason()).toBeUndefined();
    right.charge({ turns: 2 });
    // The run's pool is spent, so both children stop although `left` has one of its own turns left.
    expect(left.exhaustedReason()).toMatch(/run used its 5 turns/);
    expect(right.exhaustedReason()).toMatch(/5 turns/);
    expect(left.tokensLeft()).toBe(900);
    run.dispose();
  });

  it('gives a child the earlier of its own and its parent deadline, and aborts at it', async () => {
    const run = createBudgetPool({ maxSeconds: 0.05 });
    const child = run.child({ maxSeconds: 60 }, 'child');
    expect(child.deadline).toBe(run.deadline);
    await new Promise((resolve) => child.signal.addEventListener('abort', resolve, { once: true }));
    expect(child.exhaustedReason()).toMatch(/time budget/);
    run.dispose();
  });

  it('applies cost limits', () => {
    const run = createBudgetPool({ maxCostUsd: 0.5 });
    run.child({}, 'a').charge({ costUsd: 0.6 });
    expect(run.exhaustedReason()).toMatch(/\$0\.5/);
  });
});
