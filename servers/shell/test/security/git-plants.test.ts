import { execFileSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ShellUnderAttack, startShell } from './harness.js';

// Class 11: a nested repository planted where the agent may write, whose config names commands
// (core.fsmonitor, diff.external, a textconv driver), must not run them through an allowed git.
describe('class 11: .git plants', () => {
  let root: TempDir;
  let marker: string;
  const plant = async (directory: string, config: Record<string, string>, attributes?: string) => {
    await mkdir(directory, { recursive: true });
    execFileSync('git', ['init', '-q', directory]);
    writeFileSync(join(directory, 'file.txt'), 'one\n');
    execFileSync('git', ['-C', directory, 'add', 'file.txt']);
    writeFileSync(join(directory, 'file.txt'), 'two\n');
    for (const [key, value] of Object.entries(config))
      execFileSync('git', ['-C', directory, 'config', key, value]);
    if (attributes) writeFileSync(join(directory, '.gitattributes'), attributes);
  };
  beforeAll(async () => {
    root = await createTempDir('meshwork-attack-git-');
    marker = join(root.path, 'PLANTED-RAN');
    const hook = `touch ${marker}; false`;
    await plant(join(root.path, 'src', 'fsmonitor'), { 'core.fsmonitor': hook });
    await plant(join(root.path, 'src', 'external'), { 'diff.external': `sh -c '${hook}'` });
    await plant(
      join(root.path, 'src', 'textconv'),
      { 'diff.evil.textconv': `sh -c '${hook}'` },
      '* diff=evil\n',
    );
    // Planted outside the write grant by someone else: the environment overrides still hold.
    await plant(join(root.path, 'vendor', 'fsmonitor'), { 'core.fsmonitor': hook });
  });
  afterAll(async () => {
    await root.remove();
  });

  describe('with src/** writable', () => {
    let shell: ShellUnderAttack;
    beforeAll(async () => {
      shell = await startShell([
        '--root',
        root.path,
        '--allow',
        'git status *',
        '--allow',
        'git diff *',
        '--allow',
        'git -C *',
        '--allow',
        'git --git-dir=*',
        '--allow-write',
        'src/**',
      ]);
    });
    afterAll(async () => {
      await shell.close();
    });

    it.each([
      ['git status', 'src/fsmonitor'],
      ['git -C src/fsmonitor status', undefined],
      ['git diff', 'src/external'],
      ['git diff', 'src/textconv'],
      ['git --git-dir=src/fsmonitor/.git status', undefined],
    ])('%s (in %s) runs nothing planted', async (line, cwd) => {
      const result = await shell.run(line, cwd === undefined ? {} : { cwd });
      expect(result.isError).toBe(true);
      expect(result.text).toMatch(/may write/);
      expect(existsSync(marker)).toBe(false);
    });
  });

  it('overrides core.fsmonitor and hooks for a repository outside the write grant', async () => {
    const shell = await startShell(['--root', root.path, '--allow', 'git status *']);
    try {
      const result = await shell.run('git status', { cwd: 'vendor/fsmonitor' });
      expect(result.isError).toBe(false);
      expect(result.stdout).toContain('file.txt');
      expect(existsSync(marker)).toBe(false);
    } finally {
      await shell.close();
    }
  });
});
