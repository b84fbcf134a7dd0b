import { describe, expect, it } from 'vitest';
import { explainCommand } from '../../src/policy/policy.js';
import { policyFor } from '../helpers.js';

const ROOT = '/work/project';

describe('what writer programs write', () => {
  const policy = policyFor(ROOT, { allow: ['*'], write: [['src/**']] });
  const writes = (line: string) => explainCommand(policy, line).commands[0]?.writes;

  it.each([
    ['mv a b', ['a', 'b']],
    ['mv -t dir a b', ['a', 'b', 'dir']],
    ['find src lib -name x -delete', ['src', 'lib']],
    ['find -delete', ['.']],
    ['tar -czf out.tgz src', ['out.tgz']],
    ['tar cf out.tar src', ['out.tar']],
    ['tar -xf a.tar -C dest', ['dest']],
    ['tar --extract --file=a.tar', ['.']],
    ['git init repo', ['repo']],
    ['git -C sub commit -m x', ['sub']],
    ['git status', []],
    ['git branch', []],
    ['chmod 600 a b', ['a', 'b']],
    ['sed -i s/a/b/ f g', ['f', 'g']],
    ['sed -i -e s/a/b/ f', ['f']],
    ['unzip -d out a.zip', ['out']],
    ['gzip a', ['a']],
  ])('%s writes %j', (line, expected) => {
    expect(writes(line)).toEqual(expected);
  });

  it('allows writers inside the grant and names the grant to add outside it', () => {
    expect(explainCommand(policy, 'mv src/a src/b').decision).toBe('allow');
    const outside = explainCommand(policy, 'mv README.md src/');
    expect(outside.decision).toBe('deny');
    expect(outside.reason).toContain("add 'README.md'");
  });
});
