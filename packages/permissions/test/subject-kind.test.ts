import { describe, expect, it } from 'vitest';
import { inferSubjectKind, type SubjectKind } from '../src/index.js';

describe('inferSubjectKind', () => {
  it.each([
    ['path', 'path'],
    ['paths', 'path'],
    ['filePath', 'path'],
    ['file', 'path'],
    ['filename', 'path'],
    ['file_name', 'path'],
    ['pathname', 'path'],
    ['source', 'path'],
    ['destination', 'path'],
    ['directory', 'path'],
    ['root', 'path'],
    ['cwd_dir', 'path'],
    ['command', 'command'],
    ['cmd', 'command'],
    ['commandLine', 'command'],
    ['script', 'command'],
    ['topic', 'text'],
    ['query', 'text'],
    ['url', 'text'],
  ] as [string, SubjectKind][])('%s -> %s', (name, kind) => {
    expect(inferSubjectKind(name)).toBe(kind);
  });
});
