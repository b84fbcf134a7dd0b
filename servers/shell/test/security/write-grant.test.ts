import { existsSync, readdirSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShellUnderAttack, startShell } from './harness.js';

// Class 14: a rule that names a command grants running it, not writing files.
const REDIRECTIONS = [
  'echo hi > f1',
  'echo hi >> f2',
  'echo hi >| f3',
  'echo hi 1> f4',
  'echo hi &> f5',
  'echo hi &>> f6',
  'echo hi 2> f7',
  'echo hi 2>> f8',
  'echo hi <> f9',
  'echo hi > ./sub/../f10',
  'echo hi > "$HOME/../f11"',
  'echo hi >f12',
  'echo hi > f1?',
  'echo hi >& f13',
  'echo hi 3> f14',
  'echo hi 2>&1 > f15',
  'echo hi <<< x > f16',
  'echo hi > f17 < /dev/null',
  'echo hi | echo > f18',
  'echo hi && echo > f19',
];

describe('class 14: a command rule grants no writes (standalone server)', () => {
  let root: TempDir;
  let output: TempDir;
  let shell: ShellUnderAttack;
  beforeAll(async () => {
    root = await createTempDir('meshwork-attack-writes-');
    output = await createTempDir('meshwork-attack-out-');
    await mkdir(join(root.path, 'sub'));
    shell = await startShell(['--root', root.path, '--allow', 'echo *', '--output-dir', output.path]);
  });
  afterAll(async () => {
    await shell.close();
    await root.remove();
    await output.remove();
  });

  it.each(REDIRECTIONS)('refuses %j and creates no file', async (line) => {
    const result = await shell.run(line);
    expect(result.isError).toBe(true);
    expect(readdirSync(root.path)).toEqual(['sub']);
  });

  it('says which grant to add', async () => {
    const result = await shell.run('echo hi > notes.txt');
    expect(result.text).toMatch(/E_DENIED/);
    expect(result.text).toContain("--allow-write 'notes.txt'");
    expect(existsSync(join(root.path, 'notes.txt'))).toBe(false);
  });

  it('still lets commands write to /dev/null and run', async () => {
    const result = await shell.run('echo hi > /dev/null');
    expect(result.isError).toBe(false);
    expect((await shell.run('echo ok')).stdout).toBe('ok\n');
  });
});

describe('class 14: --allow-write grants exactly its globs', () => {
  let root: TempDir;
  let shell: ShellUnderAttack;
  beforeAll(async () => {
    root = await createTempDir('meshwork-attack-grant-');
    await mkdir(join(root.path, 'out'));
    shell = await startShell([
      '--root',
      root.path,
      '--allow',
      'echo *',
      '--allow',
      'touch *',
      '--allow',
      'tee *',
      '--allow-write',
      'out/**',
    ]);
  });
  afterAll(async () => {
    await shell.close();
    await root.remove();
  });

  it('writes inside the grant', async () => {
    expect((await shell.run('echo hi > out/a.txt')).isError).toBe(false);
    expect(existsSync(join(root.path, 'out', 'a.txt'))).toBe(true);
  });

  it.each([
    'echo hi > b.txt',
    'touch c.txt',
    'echo hi | tee d.txt',
    'touch out/../e.txt',
    'echo hi > out/../f.txt',
  ])('refuses %j outside the grant', async (line) => {
    const result = await shell.run(line);
    expect(result.isError).toBe(true);
    expect(readdirSync(root.path).sort()).toEqual(['out']);
  });
});
