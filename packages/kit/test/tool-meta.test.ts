import { describe, expect, it } from 'vitest';
import {
  ROLE_META_KEY,
  readToolMeta,
  SUBJECT_META_KEY,
  toolMeta,
  WRITES_META_KEY,
} from '../src/tool-meta.js';

describe('tool metadata contract', () => {
  it('round-trips every declaration through _meta', () => {
    const declarations = [
      { subject: 'path', writes: { paths: ['path'] } },
      { subject: 'source', writes: { paths: ['source', 'destination'] } },
      { subject: 'slug', writes: { topics: ['slug'] } },
      { subject: 'command', writes: { roots: true } },
      { writes: false, role: 'memory/read-index' },
      {},
    ] as const;
    for (const declaration of declarations) {
      expect(readToolMeta(JSON.parse(JSON.stringify(toolMeta(declaration))))).toEqual(declaration);
    }
  });

  it('writes the documented keys', () => {
    expect(toolMeta({ subject: 'path', writes: false, role: 'memory/stats' })).toEqual({
      [SUBJECT_META_KEY]: 'path',
      [WRITES_META_KEY]: false,
      [ROLE_META_KEY]: 'memory/stats',
    });
    expect(SUBJECT_META_KEY).toBe('meshwork/subject');
  });

  it('leaves out what has the wrong shape, so the caller falls back to its fail-closed default', () => {
    expect(readToolMeta(undefined)).toEqual({});
    expect(readToolMeta({ [SUBJECT_META_KEY]: '' })).toEqual({});
    expect(readToolMeta({ [WRITES_META_KEY]: true })).toEqual({});
    expect(readToolMeta({ [WRITES_META_KEY]: { paths: [] } })).toEqual({});
    expect(readToolMeta({ [WRITES_META_KEY]: { paths: ['a'], roots: true } })).toEqual({});
    expect(readToolMeta({ [WRITES_META_KEY]: { roots: 'yes' } })).toEqual({});
    expect(readToolMeta({ [ROLE_META_KEY]: 'memory/launch-missiles' })).toEqual({});
  });
});
