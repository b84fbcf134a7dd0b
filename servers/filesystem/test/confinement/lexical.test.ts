import { describe, expect, it } from 'vitest';
import { checkRequestedPath, isWithin } from '../../src/confinement/lexical.js';
import { FilesystemError } from '../../src/errors.js';

const roots = ['/srv/root'];

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(FilesystemError);
    return (error as FilesystemError).code;
  }
}

describe('checkRequestedPath', () => {
  it('normalizes an absolute path', () => {
    expect(checkRequestedPath('/srv/root//a/./b/', roots)).toBe('/srv/root/a/b');
  });

  it.each([
    ['', 'E_INVALID_PATH'],
    ['/srv/root/a\0b', 'E_INVALID_PATH'],
    ['~', 'E_INVALID_PATH'],
    ['~/file', 'E_INVALID_PATH'],
    ['~root/file', 'E_INVALID_PATH'],
    ['relative/file', 'E_RELATIVE_PATH'],
    ['./file', 'E_RELATIVE_PATH'],
    ['/srv/root/../etc', 'E_INVALID_PATH'],
    ['/srv/root/a/..', 'E_INVALID_PATH'],
    ['C:\\Users\\x', 'E_INVALID_PATH'],
    [`/srv/root/${'a/'.repeat(2100)}`, 'E_PATH_TOO_LONG'],
    [`/srv/root/${'n'.repeat(256)}`, 'E_PATH_TOO_LONG'],
  ])('refuses %j with %s', (raw, code) => {
    expect(codeOf(() => checkRequestedPath(raw, roots))).toBe(code);
  });

  it('keeps ".." inside a name, which is not a segment', () => {
    expect(checkRequestedPath('/srv/root/a..b/..c', roots)).toBe('/srv/root/a..b/..c');
  });

  it('names the allowed roots in its messages', () => {
    expect(() => checkRequestedPath('x', roots)).toThrow(/inside one of: \/srv\/root\./);
  });
});

describe('isWithin', () => {
  it('rejects a prefix sibling', () => {
    expect(isWithin('/srv/root_evil/x', '/srv/root')).toBe(false);
    expect(isWithin('/srv/rootx', '/srv/root')).toBe(false);
  });
  it('accepts the root and its descendants', () => {
    expect(isWithin('/srv/root', '/srv/root')).toBe(true);
    expect(isWithin('/srv/root/a/b', '/srv/root')).toBe(true);
    expect(isWithin('/anything', '/')).toBe(true);
  });
});
