import { describe, expect, it } from 'vitest';
import { commandVariants, isOpaqueCommand } from '../src/command-match.js';
import { compileCommandPattern, compileTextPattern } from '../src/index.js';

// [pattern, command, allows, denies]
const commands: [string, string, boolean, boolean][] = [
  ['npm test *', 'npm test', true, true],
  ['npm test *', 'npm test -- --watch', true, true],
  ['npm test *', 'npm  test   foo', true, true],
  ['npm test *', 'npm testing', false, false],
  ['npm test *', 'npm tes', false, false],
  ['npm test *', 'xnpm test', false, false],
  ['npm test *', 'NPM test', false, false],
  ['npm test:*', 'npm test', true, true],
  ['npm test:*', 'npm test --coverage', true, true],
  ['npm test:*', 'npm testing', false, false],
  ['npm test', 'npm test', true, true],
  ['npm test', 'npm test x', false, false],
  ['git status', ' git   status ', true, true],
  ['git * --dry-run', 'git push --dry-run', true, true],
  ['git * --dry-run', 'git push', false, false],
  ['git * --dry-run', 'git push --dry-run --force', false, false],
  ['*', 'anything at all', true, true],
  ['* --help', 'ls --help', true, true],
  ['ls*', 'lsblk', true, true],
  ['ls *', 'lsblk', false, false],
  ['echo \\*', 'echo *', true, true],
  ['echo \\*', 'echo x', false, false],
  ['echo a.b', 'echo axb', false, false],
  ['echo (x)', 'echo (x)', true, true],
  ['echo [a]', 'echo [a]', true, true],
  ['echo $HOME', 'echo $HOME', true, true],
  ['rm *', 'rm -rf /', true, true],
  ['rm *', '/bin/rm -rf /', false, true],
  ['rm *', 'sudo rm -rf /', false, true],
  ['rm *', 'sudo -u root rm -rf /', false, true],
  ['rm *', 'env FOO=1 rm x', false, true],
  ['rm *', 'FOO=1 rm x', false, true],
  ['rm *', 'command rm x', false, true],
  ['rm *', 'nice -n 5 rm x', false, true],
  ['rm *', 'timeout 5 rm x', false, true],
  ['rm *', 'nohup rm x', false, true],
  ['rm *', 'xargs rm', false, true],
  ['rm *', '\\rm x', false, true],
  ['rm *', '"rm" x', false, true],
  ['rm *', "'/usr/bin/rm' x", false, true],
  ['rm *', 'time rm x', false, true],
  ['rm *', '! rm x', false, true],
  ['rm *', 'rmdir x', false, false],
  ['rm *', 'echo rm', false, false],
  ['rm *', 'sudo ls', false, false],
  ['git push *', 'git push origin main', true, true],
  ['git push *', 'git -C x push', false, false],
];

describe('compileCommandPattern', () => {
  it.each(commands)('%j vs %j: allows %s, denies %s', (pattern, command, allows, denies) => {
    const matcher = compileCommandPattern(pattern);
    expect(matcher.allows(command)).toBe(allows);
    expect(matcher.denies(command)).toBe(denies);
  });
});

describe('compileTextPattern', () => {
  it.each([
    ['notes', 'notes', true, true],
    ['notes', 'Notes', false, true],
    ['notes', 'notes2', false, false],
    ['project-*', 'project-alpha', true, true],
    ['project-*', 'project-', true, true],
    ['project-*', 'PROJECT-x', false, true],
    ['a *', 'a', false, false],
    ['*', '', true, true],
    ['a.b', 'axb', false, false],
  ] as [string, string, boolean, boolean][])(
    '%j vs %j: allows %s, denies %s',
    (pattern, text, allows, denies) => {
      const matcher = compileTextPattern(pattern);
      expect(matcher.allows(text)).toBe(allows);
      expect(matcher.denies(text)).toBe(denies);
    },
  );
});

describe('commandVariants', () => {
  it('strips wrappers, assignments, quotes and directories', () => {
    expect(commandVariants('sudo -E env A=1 /usr/bin/rm -rf x')).toEqual(
      expect.arrayContaining(['sudo -E env A=1 /usr/bin/rm -rf x', 'rm -rf x', '/usr/bin/rm -rf x']),
    );
    expect(commandVariants('npm test')).toEqual(['npm test']);
  });
});

describe('isOpaqueCommand', () => {
  it.each([
    ['eval "$X"', true],
    ['bash -c "rm -rf /"', true],
    ['sh -ec x', true],
    ['sudo /bin/sh -c x', true],
    ['source ./env.sh', true],
    ['. ./env.sh', true],
    ['bash script.sh', false],
    ['npm test', false],
    ['echo bash -c', false],
  ] as [string, boolean][])('%j: %s', (command, expected) => {
    expect(isOpaqueCommand(command)).toBe(expected);
  });
});
