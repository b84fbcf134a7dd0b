import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { narrowRoots, resolveOperatorRoots } from '../../src/confinement/roots.js';
import { FilesystemError } from '../../src/errors.js';

describe('narrowRoots', () => {
  const operator = [{ path: '/srv/a' }, { path: '/srv/b' }];

  it('narrows to a client root inside an operator root', () => {
    expect(narrowRoots(operator, ['/srv/a/project'])).toEqual([{ path: '/srv/a/project' }]);
  });

  it('keeps an operator root inside a wider client root, never the wider one', () => {
    expect(narrowRoots(operator, ['/srv'])).toEqual(operator);
    expect(narrowRoots(operator, ['/'])).toEqual(operator);
  });

  it('drops client roots outside, including prefix siblings', () => {
    expect(narrowRoots(operator, ['/etc', '/srv/a_evil', '/srv/ab'])).toEqual([]);
  });

  it('dedupes nested results', () => {
    expect(narrowRoots(operator, ['/srv/a/x', '/srv/a/x/y', '/srv/b'])).toEqual([
      { path: '/srv/a/x' },
      { path: '/srv/b' },
    ]);
  });
});

describe('resolveOperatorRoots', () => {
  let temp: TempDir;
  beforeEach(async () => {
    temp = await createTempDir('meshwork-fs-roots-');
  });
  afterEach(async () => {
    await temp.remove();
  });

  it('resolves symlinked roots to real paths and keeps the spelling as an alias', async () => {
    mkdirSync(join(temp.path, 'real'));
    symlinkSync(join(temp.path, 'real'), join(temp.path, 'alias'));
    const { roots } = await resolveOperatorRoots([join(temp.path, 'alias')]);
    expect(roots).toEqual([{ path: join(temp.path, 'real'), alias: join(temp.path, 'alias') }]);
  });

  it('resolves relative roots against the working directory', async () => {
    mkdirSync(join(temp.path, 'rel'));
    const { roots } = await resolveOperatorRoots(['rel'], temp.path);
    expect(roots[0]?.path).toBe(join(temp.path, 'rel'));
  });

  it('skips missing and non-directory roots with a warning, and fails when none is left', async () => {
    writeFileSync(join(temp.path, 'file'), 'x');
    mkdirSync(join(temp.path, 'ok'));
    const result = await resolveOperatorRoots([
      join(temp.path, 'missing'),
      join(temp.path, 'file'),
      join(temp.path, 'ok'),
    ]);
    expect(result.roots.map((root) => root.path)).toEqual([join(temp.path, 'ok')]);
    expect(result.warnings).toHaveLength(2);
    await expect(resolveOperatorRoots([join(temp.path, 'missing')])).rejects.toBeInstanceOf(FilesystemError);
    await expect(resolveOperatorRoots([])).rejects.toThrow(/at least one directory/);
  });
});
