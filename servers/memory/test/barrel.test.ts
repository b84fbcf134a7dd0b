import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/memory-server, name by name (types are erased and not listed). A
 * new export must be added here on purpose: a name that leaks into the barrel is one we must keep.
 */
const PUBLIC_NAMES = [
  'DEFAULT_BOUNDS',
  'MEMORY_ERROR_CODES',
  'MemoryError',
  'TOPIC_TYPES',
  'createMemoryServer',
  'createMemoryTools',
  'openMemoryStore',
];

describe('public barrel', () => {
  it('@meshwork/memory-server exports exactly the public names', async () => {
    const barrel = await import('@meshwork/memory-server');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
