import { describe, expect, it } from 'vitest';
import { isServerKind, SERVER_KIND_CONTRACTS, SERVER_KINDS } from '../src/index.js';

describe('server kinds', () => {
  it('has one contract per kind', () => {
    expect(Object.keys(SERVER_KIND_CONTRACTS).sort()).toEqual([...SERVER_KINDS].sort());
    expect(isServerKind('shell')).toBe(true);
    expect(isServerKind('other')).toBe(false);
    expect(isServerKind(undefined)).toBe(false);
  });
});
