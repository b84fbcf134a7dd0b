import { describe, expect, it } from 'vitest';
import { explainCommand } from '../../src/policy/policy.js';
import { policyFor } from '../helpers.js';

const ROOT = '/work/project';

describe('runners handed code', () => {
  const policy = policyFor(ROOT, {
    allow: ['node --test*', 'npm test*', 'npm run *'],
    write: [['NOTES.md', 'scratch/**']],
  });
  it.each([
    'node --test --import=data:text/javascript,1',
    'node --test --test-reporter=./r.mjs',
    'node --test --test-reporter-destination=out.txt',
    'node --test --experimental_loader=./l.mjs',
    'node --test NOTES.md',
    'npm test -- --import=./x.mjs',
    'npm test -- -r ./x.mjs',
    'npm test -- NOTES.md',
    'npm test --node-opt=--import=x',
    'npm test --script-sh=./x',
    'npm test --prefix scratch',
    'npm test --prefix /tmp',
  ])('denies %j', (line) => {
    expect(explainCommand(policy, line).decision).toBe('deny');
  });

  it.each([
    'node --test',
    'node --test test/a.test.js',
    'node --test --test-reporter=spec',
    'npm test',
    'npm test -- --watch',
    'npm run build',
  ])('allows %j', (line) => {
    const explanation = explainCommand(policy, line);
    expect(explanation.decision, explanation.reason).toBe('allow');
  });
});
