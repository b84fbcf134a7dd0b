import { existsSync, statSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ShellUnderAttack, startShell } from './harness.js';

// Class 4: writes outside the roots through programs that were not on the writer list. Every path
// a known writer may write (mv's sources included) must be inside the write grant, and a program
// the policy does not know to be read-only may not be handed a path outside the roots.
describe('class 4: writers reaching outside the roots', () => {
  let root: TempDir;
  let outside: TempDir;
  let shell: ShellUnderAttack;
  const victim = () => join(outside.path, 'victim.txt');
  beforeAll(async () => {
    root = await createTempDir('meshwork-attack-root-');
    outside = await createTempDir('meshwork-attack-outside-');
    await mkdir(join(root.path, 'work'));
    shell = await startShell([
      '--root',
      root.path,
      '--allow-write',
      '**',
      ...[
        'find *',
        'git *',
        'tar *',
        'mv *',
        'chmod *',
        'chown *',
        'cp *',
        'ln *',
        'unzip *',
        'patch *',
        'rsync *',
        'gzip *',
        'truncate *',
        'sed *',
        'install *',
        'mkdir *',
        'split *',
        'rm *',
        'node --version',
      ].flatMap((rule) => ['--allow', rule]),
    ]);
  });
  beforeEach(() => {
    writeFileSync(victim(), 'precious\n', { mode: 0o644 });
  });
  afterAll(async () => {
    await shell.close();
    await root.remove();
    await outside.remove();
  });

  it.each([
    ['find <outside> -delete', (o: string) => `find ${o} -delete`],
    ['find <outside> -name x -delete', (o: string) => `find ${o} -name victim.txt -delete`],
    ['mv <outside>/x . (removes the source)', (o: string) => `mv ${o}/victim.txt .`],
    ['mv -t . <outside>/x', (o: string) => `mv -t . ${o}/victim.txt`],
    ['gzip <outside>/x', (o: string) => `gzip ${o}/victim.txt`],
    ['truncate -s 0 <outside>/x', (o: string) => `truncate -s 0 ${o}/victim.txt`],
    ['sed -i <outside>/x', (o: string) => `sed -i s/precious/gone/ ${o}/victim.txt`],
    ['rsync --remove-source-files', (o: string) => `rsync --remove-source-files ${o}/victim.txt work/`],
    ['rm via ../', (o: string) => `rm ../${o.split('/').pop()}/victim.txt`],
  ])('%s leaves the outside file alone', async (_label, line) => {
    const result = await shell.run(line(outside.path));
    expect(result.isError).toBe(true);
    expect(existsSync(victim())).toBe(true);
  });

  it.each([
    ['chmod 600 <outside>/x', (o: string) => `chmod 600 ${o}/victim.txt`],
    ['chmod --reference', (o: string) => `chmod --reference=work ${o}/victim.txt`],
  ])('%s leaves the mode alone', async (_label, line) => {
    const result = await shell.run(line(outside.path));
    expect(result.isError).toBe(true);
    expect(statSync(victim()).mode & 0o777).toBe(0o644);
  });

  it.each([
    ['git init <outside>', (o: string) => `git init ${o}/repo`, 'repo'],
    ['git -C <outside> init', (o: string) => `git -C ${o} init`, '.git'],
    ['git clone . <outside>', (o: string) => `git clone . ${o}/clone`, 'clone'],
    ['tar -cf <outside>/a.tar', (o: string) => `tar -cf ${o}/a.tar work`, 'a.tar'],
    ['tar cf <outside>/b.tar (old style)', (o: string) => `tar cf ${o}/b.tar work`, 'b.tar'],
    ['tar --file=<outside>/c.tar -c', (o: string) => `tar --file=${o}/c.tar -c work`, 'c.tar'],
    ['tar -xf a.tar -C <outside>', (o: string) => `tar -xf work.tar -C ${o}`, 'work'],
    ['cp -t <outside>', (o: string) => `cp -t ${o} work`, 'work'],
    ['ln -s x <outside>/l', (o: string) => `ln -s /etc/passwd ${o}/l`, 'l'],
    ['install -D x <outside>/i', (o: string) => `install -D /etc/hostname ${o}/i`, 'i'],
    ['mkdir <outside>/d', (o: string) => `mkdir ${o}/d`, 'd'],
    ['unzip -d <outside>', (o: string) => `unzip -d ${o} a.zip`, 'a'],
    ['patch -d <outside>', (o: string) => `patch -d ${o} -p1 -i x.patch`, 'x'],
    ['split into <outside>', (o: string) => `split work.tar ${o}/part`, 'partaa'],
  ])('%s creates nothing outside', async (_label, line, created) => {
    const result = await shell.run(line(outside.path));
    expect(result.isError).toBe(true);
    expect(existsSync(join(outside.path, created))).toBe(false);
  });

  it('still lets known writers work inside the grant', async () => {
    expect((await shell.run('mkdir work/ok')).isError).toBe(false);
    expect((await shell.run('tar -cf work/ok.tar work/ok')).isError).toBe(false);
    expect(existsSync(join(root.path, 'work', 'ok.tar'))).toBe(true);
    expect((await shell.run('find work/ok -delete')).isError).toBe(false);
    expect(existsSync(join(root.path, 'work', 'ok'))).toBe(false);
  });
});
