import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShellUnderAttack, startShell } from './harness.js';

const SECRET = 'sk-attack-4c1d-never-leaks';

// Class 12: a read the profile denies must not go through the shell: path denies apply to the
// path arguments of shell commands too (--deny-path standalone, --limit-deny-path from a profile).
const READS = [
  'git diff --no-index /dev/null .env',
  'git diff --no-index -- /dev/null config/.env',
  'cat .env',
  'cat ./.env',
  'cat config/.ENV',
  'cat config/../.env',
  'cat < .env',
  'cat .e*',
  'cat config/.e?v',
  'head -c 100 .env',
  'grep -r sk- .',
  'grep -R sk- config',
  'grep -rl sk- --include=* .',
  'rg sk-',
  'git grep sk-',
  'git show HEAD:.env',
  'git show HEAD:config/.env',
  'cp .env copy.txt',
  'cp -r config copy',
  'tar -cf leak.tar .',
  'sort .env',
  'diff .env /dev/null',
];

describe.each([
  ['--deny-path (standalone)', ['--deny-path', '.env']],
  ['--limit-deny-path (from a profile)', ['--limit-deny-path=**/.env']],
])('class 12: denied paths through the shell, %s', (_label, flags) => {
  let root: TempDir;
  let shell: ShellUnderAttack;
  beforeAll(async () => {
    root = await createTempDir('meshwork-attack-deny-');
    await mkdir(join(root.path, 'config'));
    writeFileSync(join(root.path, '.env'), `KEY=${SECRET}\n`);
    writeFileSync(join(root.path, 'config', '.env'), `KEY=${SECRET}\n`);
    writeFileSync(join(root.path, 'config', '.ENV'), `KEY=${SECRET}\n`);
    writeFileSync(join(root.path, 'readme.txt'), 'hello sk-public\n');
    const git = (...args: string[]) => execFileSync('git', args, { cwd: root.path, stdio: 'ignore' });
    git('init', '-q');
    git('add', '-f', '.env', 'config/.env', 'readme.txt');
    git('-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'x');
    shell = await startShell([
      '--root',
      root.path,
      '--allow-write',
      '**',
      ...[
        'git diff *',
        'git show *',
        'git grep *',
        'cat *',
        'head *',
        'grep *',
        'rg *',
        'cp *',
        'tar *',
        'sort *',
        'diff *',
      ].flatMap((rule) => ['--allow', rule]),
      ...flags,
    ]);
  });
  afterAll(async () => {
    await shell.close();
    await root.remove();
  });

  it.each(READS)('%s does not reveal the secret', async (line) => {
    const result = await shell.run(line);
    expect(result.text).not.toContain(SECRET);
    expect(result.isError).toBe(true);
    expect(existsSync(join(root.path, 'copy.txt')) || existsSync(join(root.path, 'copy'))).toBe(false);
    expect(existsSync(join(root.path, 'leak.tar'))).toBe(false);
  });

  it('still reads what is not denied', async () => {
    const result = await shell.run('cat readme.txt');
    expect(result.stdout).toBe('hello sk-public\n');
    expect((await shell.run('grep sk- readme.txt')).isError).toBe(false);
  });
});
