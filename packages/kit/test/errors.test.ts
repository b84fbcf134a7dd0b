import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  isMeshworkError,
  isToolError,
  KitError,
  MeshworkError,
  messageOf,
  ToolError,
} from '../src/errors.js';

/**
 * A second, independent copy of the module, as when npm installs the package twice: the built
 * file copied elsewhere (it imports nothing, so it loads on its own).
 */
async function loadSecondCopy(): Promise<typeof import('../src/errors.js')> {
  const directory = mkdtempSync(join(tmpdir(), 'kit-errors-'));
  const copy = join(directory, 'errors.mjs');
  copyFileSync(fileURLToPath(new URL('../dist/errors.js', import.meta.url)), copy);
  return (await import(/* @vite-ignore */ pathToFileURL(copy).href)) as typeof import('../src/errors.js');
}

describe('MeshworkError', () => {
  it('has a code, a cause and the name of the class that was thrown', () => {
    const cause = new Error('root');
    class ShellError extends MeshworkError<'E_PARSE'> {}
    const error = new ShellError('E_PARSE', 'Cannot parse; quote the argument.', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ name: 'ShellError', code: 'E_PARSE', cause });
    expect(error.message).toBe('Cannot parse; quote the argument.');
    expect('cause' in new MeshworkError('E_X', 'x')).toBe(false);
  });

  it('isMeshworkError recognises one from another copy of the package, and nothing else', async () => {
    const copy = await loadSecondCopy();
    expect(copy.MeshworkError).not.toBe(MeshworkError);
    const foreign = new copy.KitError('E_USAGE', 'x');
    expect(foreign).not.toBeInstanceOf(MeshworkError);
    expect(isMeshworkError(foreign)).toBe(true);
    expect(isMeshworkError(foreign, 'E_USAGE')).toBe(true);
    expect(isMeshworkError(foreign, 'E_LISTEN')).toBe(false);
    expect(isMeshworkError(Object.assign(new Error('x'), { code: 'E_USAGE', name: 'KitError' }))).toBe(false);
    expect(isMeshworkError({ code: 'E_USAGE', message: 'x' })).toBe(false);
    expect(isMeshworkError(undefined)).toBe(false);
  });
});

describe('ToolError', () => {
  it('is a MeshworkError, and a subclass keeps its own name', () => {
    class FilesystemError extends ToolError<'E_NOT_FOUND'> {}
    const error = new FilesystemError('E_NOT_FOUND', 'No such file; list the directory first.');
    expect(error).toBeInstanceOf(MeshworkError);
    expect(error.name).toBe('FilesystemError');
    expect(isToolError(error)).toBe(true);
  });

  it('isToolError recognises a ToolError from another copy, and not other errors', async () => {
    const copy = await loadSecondCopy();
    expect(isToolError(new copy.ToolError('E_FOREIGN', 'x'))).toBe(true);
    expect(isToolError(new ToolError('E', 'x'))).toBe(true);
    expect(isToolError(new KitError('E_USAGE', 'x'))).toBe(false);
    expect(isToolError(Object.assign(new Error('x'), { name: 'ToolError', code: 'E' }))).toBe(false);
    expect(isToolError({ name: 'ToolError', code: 'E', message: 'x' })).toBe(false);
  });
});

describe('messageOf', () => {
  it('is the message of an error and the string of anything else', () => {
    expect(messageOf(new Error('boom'))).toBe('boom');
    expect(messageOf('plain')).toBe('plain');
    expect(messageOf(42)).toBe('42');
  });
});
