import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/filesystem-server, name by name (types are erased and not listed).
 * A new export must be added here on purpose: a name that leaks into the barrel is one we must keep.
 */
const PUBLIC_NAMES = [
  'DEFAULT_MAX_READ_BYTES',
  'DEFAULT_TOOL_LIMITS',
  'FILESYSTEM_ERROR_CODES',
  'FilesystemError',
  'PathConfinement',
  'createDenyMatcher',
  'createFilesystemServer',
  'resolveOperatorRoots',
];

describe('public barrel', () => {
  it('@meshwork/filesystem-server exports exactly the public names', async () => {
    const barrel = await import('@meshwork/filesystem-server');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
