import { describe, expect, it } from 'vitest';
import { createPlanCache } from '../../src/policy/plan-cache.js';
import { planCommand } from '../../src/policy/policy.js';
import { policyFor } from '../helpers.js';

const ROOT = '/work/project';

describe('plan cache', () => {
  it('gives a repeated line the same frozen plan, and keys it by cwd too', () => {
    const policy = policyFor(ROOT, { allow: ['echo *'], write: [['**']] });
    const first = planCommand(policy, 'echo a > out.txt', ROOT);
    const again = planCommand(policy, 'echo a > out.txt', ROOT);
    expect(again).toBe(first);
    expect(Object.isFrozen(first.explanation.commands[0])).toBe(true);
    expect(() => {
      (first.writes as string[]).push('/elsewhere');
    }).toThrow(TypeError);
    expect(first.writes).toEqual([`${ROOT}/out.txt`]);

    const elsewhere = planCommand(policy, 'echo a > out.txt', `${ROOT}/sub`);
    expect(elsewhere).not.toBe(first);
    expect(elsewhere.writes).toEqual([`${ROOT}/sub/out.txt`]);
    // A cwd outside the roots must still be judged on its own, not served from the cache.
    expect(planCommand(policy, 'echo a > out.txt', '/elsewhere').explanation.decision).toBe('deny');
  });

  it('never mixes up keys whose line and cwd concatenate alike', () => {
    const cache = createPlanCache<string>(8);
    cache.set('b c', '/a', 'one');
    expect(cache.get('c', '/a b')).toBeUndefined();
    expect(cache.get('b c', '/a')).toBe('one');
  });

  it('drops the least recently used entry beyond its size', () => {
    const cache = createPlanCache<string>(2);
    cache.set('a', '/', 'A');
    cache.set('b', '/', 'B');
    expect(cache.get('a', '/')).toBe('A');
    cache.set('c', '/', 'C');
    expect(cache.get('b', '/')).toBeUndefined();
    expect(cache.get('a', '/')).toBe('A');
    expect(cache.get('c', '/')).toBe('C');
  });
});
