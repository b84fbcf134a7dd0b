import { describe, expect, it } from 'vitest';
import { explainCommand, planCommand } from '../../src/policy/policy.js';
import { policyFor } from '../helpers.js';

const ROOT = '/work/project';

describe('rules', () => {
  it('matches globs over the canonical command text, with a trailing " *" also matching no arguments', () => {
    const policy = policyFor(ROOT, { allow: ['npm test *', 'git status', 'make build'] });
    expect(explainCommand(policy, 'npm test').decision).toBe('allow');
    expect(explainCommand(policy, 'npm test -- --run src/a.test.ts').decision).toBe('allow');
    expect(explainCommand(policy, 'npm tests').decision).toBe('deny');
    expect(explainCommand(policy, 'git  status').decision).toBe('allow');
    expect(explainCommand(policy, 'git status -s').decision).toBe('deny');
    expect(explainCommand(policy, 'make build install').decision).toBe('deny');
  });

  it('lets deny beat allow, including through wrappers and absolute paths', () => {
    const policy = policyFor(ROOT, { allow: ['*'], deny: ['rm *', 'git push *'] });
    expect(explainCommand(policy, 'ls -la').decision).toBe('allow');
    for (const line of [
      'rm -rf build',
      '/bin/rm x',
      'timeout 5 rm x',
      'nice -n 5 /usr/bin/rm x',
      'git push origin main',
    ]) {
      const explanation = explainCommand(policy, line);
      expect(explanation.decision, line).toBe('deny');
      expect(explanation.commands[0]?.rule, line).toMatch(/^(rm \*|git push \*)$/);
    }
  });

  it('answers ask rules with ask, and deny still wins over ask', () => {
    const policy = policyFor(ROOT, {
      allow: ['*'],
      ask: ['git commit *'],
      deny: ['git commit --amend *'],
      write: [['**']],
    });
    expect(explainCommand(policy, 'git commit -m x').decision).toBe('ask');
    expect(explainCommand(policy, 'git commit --amend').decision).toBe('deny');
    expect(explainCommand(policy, 'echo a && git commit -m x').decision).toBe('ask');
  });

  it('checks every simple command of a compound on its own', () => {
    const policy = policyFor(ROOT, { allow: ['echo *', 'grep *'] });
    const explanation = explainCommand(policy, 'echo a | grep a && echo b; echo c & echo d');
    expect(explanation.decision).toBe('allow');
    expect(explanation.commands.map((command) => command.command)).toEqual([
      'echo a',
      'grep a',
      'echo b',
      'echo c',
      'echo d',
    ]);
    expect(explainCommand(policy, 'echo a | grep a && cat /etc/passwd').decision).toBe('deny');
  });

  it('includes NAME=value prefixes in the matched text and refuses dangerous names', () => {
    const policy = policyFor(ROOT, { allow: ['npm test *', 'CI=1 npm test *'] });
    expect(explainCommand(policy, 'CI=1 npm test').decision).toBe('allow');
    expect(explainCommand(policy, 'FOO=1 npm test').decision).toBe('deny');
    const open = policyFor(ROOT, { allow: ['*'] });
    expect(explainCommand(open, 'NODE_OPTIONS=--require=./x.js npm test').decision).toBe('deny');
    expect(explainCommand(open, 'GIT_SSH_COMMAND=x git fetch').decision).toBe('deny');
  });
});

describe('the default read-only set', () => {
  const policy = policyFor(ROOT);
  it.each([
    'ls -la',
    'cat README.md',
    'head -n 5 a',
    'tail b',
    'wc -l c',
    'grep -rn foo src',
    'find . -name "*.ts"',
    'git status',
    'git log --oneline -5',
    'git diff HEAD~1',
    'git show HEAD',
    'pwd',
    'echo hi',
  ])('allows %s', (line) => expect(explainCommand(policy, line).decision).toBe('allow'));
  it.each([
    'rm x',
    'find . -delete',
    'find . -exec cat {} ;',
    'find . -fprint out',
    'git diff --output=out',
    'echo hi > out',
    'git commit -m x',
    'git push',
    'npm test',
    'touch x',
    'sed -n 1p x',
  ])('denies %s', (line) => expect(explainCommand(policy, line).decision).toBe('deny'));
  it('reports itself as the default set', () => {
    expect(explainCommand(policy, 'ls').policy).toBe('default read-only set');
  });
});

describe('wrappers', () => {
  it('strips timeout, nice and nohup for matching but still runs them', () => {
    const policy = policyFor(ROOT, { allow: ['npm test *'] });
    const plan = planCommand(policy, 'timeout -k 2 --signal=KILL 60 nice -n 5 nohup npm test', ROOT);
    expect(plan.explanation.decision).toBe('allow');
    expect(plan.explanation.commands[0]?.matched_as).toBe('npm test');
    expect(plan.explanation.commands[0]?.wrappers).toEqual([
      'timeout -k 2 --signal=KILL 60',
      'nice -n 5',
      'nohup',
    ]);
    expect(plan.argv).toEqual([
      'timeout',
      '-k',
      '2',
      '--signal=KILL',
      '60',
      'nice',
      '-n',
      '5',
      'nohup',
      'npm',
      'test',
    ]);
  });
  it('refuses wrapper options it cannot read', () => {
    const policy = policyFor(ROOT, { allow: ['*'] });
    expect(explainCommand(policy, 'timeout --weird 5 ls').decision).toBe('deny');
    expect(explainCommand(policy, 'timeout').decision).toBe('deny');
  });
});

describe('interpreter escapes', () => {
  it('are denied unless a rule names them explicitly', () => {
    const open = policyFor(ROOT, { allow: ['*'] });
    for (const line of [
      'bash -c "ls"',
      'sh script.sh',
      'python3 -c "print(1)"',
      'node -e "1"',
      'node --eval=1',
      'perl -e 1',
      'env ls',
      'xargs ls',
      'find . -exec ls ;',
      'sudo ls',
      'su',
      'awk 1 f',
      'sed -i s/a/b/ f',
      'git -c core.pager=cat log',
      'git fetch --upload-pack=x',
      'git fetch --upload-p=x',
      'git clone -u x repo',
      'git submodule foreach ls',
      'git rebase -x ls HEAD~2',
      'git config core.pager cat',
      'npm test --script-shell=./x',
      'npx cowsay',
      'make SHELL=/tmp/x',
      'tar --to-command=ls -xf a.tar',
      'rg --pre ./x foo',
      'fd -x ls',
      'rsync -e ./x a b',
      'python',
      'echo * | xargs ls',
    ])
      expect(explainCommand(open, line).decision, line).toBe('deny');
    const named = policyFor(ROOT, {
      allow: ['*', 'bash -c *', 'python3 -c *', 'find * -exec *', 'git -c *'],
    });
    for (const line of [
      'bash -c "ls"',
      'python3 -c "print(1)"',
      'find . -exec ls ;',
      'git -c core.pager=cat log',
    ])
      expect(explainCommand(named, line).decision, line).toBe('allow');
    expect(explainCommand(named, 'sh -c ls').decision).toBe('deny');
  });
  it('does not flag ordinary uses', () => {
    const open = policyFor(ROOT, { allow: ['*'], write: [['**']] });
    for (const line of [
      'python3 script.py -c config.yml',
      'node dist/cli.js --help',
      'git log --exclude=x',
      'git diff --exit-code',
      'find . -name "*.ts" -type f',
      'npm test -- --watch',
      'env',
      'make test',
      'tar -xzf a.tgz',
    ])
      expect(explainCommand(open, line).decision, line).toBe('allow');
  });
  it('treats a glob that could expand to an escape flag as that flag', () => {
    const open = policyFor(ROOT, { allow: ['*', 'find *'] });
    expect(explainCommand(open, 'find . -exe[c] rm {} +').decision).toBe('deny');
    expect(explainCommand(open, 'python3 *').decision).toBe('deny');
  });
});

describe('words, quoting and the script that runs', () => {
  const policy = policyFor(ROOT, { allow: ['*'], write: [['**']] });
  it('resolves quotes, escapes, ANSI-C strings and ~ into canonical words', () => {
    const plan = planCommand(policy, `echo 'a b' "c\\"d" $'e\\tf' \\g ~/x`, ROOT);
    expect(plan.explanation.commands[0]?.argv).toEqual(['echo', 'a b', 'c"d', 'e\tf', 'g', '/home/tester/x']);
    expect(plan.explanation.commands[0]?.command).toBe(`echo 'a b' 'c"d' $'e\\tf' g /home/tester/x`);
    expect(plan.argv).toEqual(['echo', 'a b', 'c"d', 'e\tf', 'g', '/home/tester/x']);
  });
  it('renders compounds, globs, redirections and literal here-documents as a canonical script', () => {
    const plan = planCommand(
      policy,
      'ls src/*.ts | grep -v test > out.txt 2>&1 && cat <<EOF\nliteral \\$HOME\nEOF',
      ROOT,
    );
    expect(plan.explanation.decision).toBe('allow');
    expect(plan.argv).toBeUndefined();
    expect(plan.script).toBe(
      "'ls' src/*.ts | 'grep' -v test > 'out.txt' 2>&1 && 'cat' <<'MESHWORK_EOF'\nliteral $HOME\nMESHWORK_EOF",
    );
    expect(plan.writes).toEqual([`${ROOT}/out.txt`]);
  });
  it('refuses parameter expansion, here-docs with expansions and unknown syntax', () => {
    for (const line of [
      'echo $HOME',
      'echo "$HOME"',
      'cat <<EOF\n$HOME\nEOF',
      'echo ~root',
      'ls {a,b}',
      'echo @(a|b)',
      'echo (',
    ]) {
      expect(explainCommand(policy, line).decision, line).toBe('deny');
    }
  });
});

describe('writes', () => {
  const policy = policyFor(ROOT, { allow: ['*'], write: [['**']] });
  it('allows writes inside the roots and to /dev/null only', () => {
    expect(explainCommand(policy, 'echo a > out.txt').decision).toBe('allow');
    expect(explainCommand(policy, 'echo a > /dev/null 2>&1').decision).toBe('allow');
    expect(explainCommand(policy, 'echo a > /tmp/out').decision).toBe('deny');
    expect(explainCommand(policy, 'echo a > ../out').decision).toBe('deny');
    expect(explainCommand(policy, 'cp a /tmp/b').decision).toBe('deny');
    expect(explainCommand(policy, 'cp a b').decision).toBe('allow');
    expect(explainCommand(policy, 'sort -o /tmp/x a').decision).toBe('deny');
    expect(explainCommand(policy, 'dd if=a of=/tmp/x').decision).toBe('deny');
    expect(explainCommand(policy, 'rm -rf /tmp/*').decision).toBe('deny');
    expect(explainCommand(policy, 'echo a > out', { cwd: '/elsewhere' }).decision).toBe('deny');
  });
});
