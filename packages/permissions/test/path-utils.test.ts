import { describe, expect, it } from 'vitest';
import { formatPath, isWithin, normalizePath, normalizePathText } from '../src/path-utils.js';

const cases: [string, string | undefined, boolean?][] = [
  ['a/b', 'a/b'],
  ['./a/b', 'a/b'],
  ['a//b/', 'a/b'],
  ['a/./b/.', 'a/b'],
  ['a/../b', 'b'],
  ['a/b/../../c', 'c'],
  ['a/../../b', '../b', true],
  ['..', '..', true],
  ['../..', '../..', true],
  ['.', '.'],
  ['./', '.'],
  ['a/..', '.'],
  ['/', '/'],
  ['/..', '/'],
  ['/../etc', '/etc'],
  ['/a/../../b', '/b'],
  ['//a//b', '/a/b'],
  ['/a/b/', '/a/b'],
  ['.env', '.env'],
  ['..env', '..env'],
  ['a/..b', 'a/..b'],
  ['...', '...'],
  ['', undefined],
  ['a\\b', undefined],
  ['..\\..\\etc', undefined],
  ['~/x', undefined],
  ['~', undefined],
  ['a\0b', undefined],
  ['a/~b', 'a/~b'],
];

describe('normalizePath', () => {
  it.each(cases)('%j -> %j', (input, expected, escapes = false) => {
    expect(normalizePathText(input)).toBe(expected);
    const normalized = normalizePath(input);
    if (expected !== undefined) {
      expect(normalized?.escapes).toBe(escapes);
      expect(formatPath(normalized!)).toBe(expected);
    }
  });
});

describe('isWithin', () => {
  it.each([
    [['a'], ['a', 'b'], true],
    [['a'], ['a'], true],
    [['a', 'b'], ['a'], false],
    [['a'], ['ab'], false],
    [[], ['x'], true],
  ] as [string[], string[], boolean][])('%j contains %j: %s', (parent, child, expected) => {
    expect(isWithin(parent, child)).toBe(expected);
  });
});
