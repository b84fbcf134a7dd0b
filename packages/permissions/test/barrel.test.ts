import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/permissions, name by name. A new export must be added here on
 * purpose: the barrel is a contract, and a name that leaks into it by accident is a name we must keep.
 */
const PUBLIC_NAMES = [
  'FILESYSTEM_LIMIT_OPTIONS',
  'FILESYSTEM_LIMIT_USAGE',
  'HOME_SECRET_PATHS',
  'HOST_SOCKET_PATHS',
  'LAUNCH_LIMIT_FLAGS',
  'PERMISSIONS_ERROR_CODES',
  'PermissionsError',
  'SERVER_KINDS',
  'SERVER_KIND_CONTRACTS',
  'SHELL_LIMIT_OPTIONS',
  'SHELL_LIMIT_USAGE',
  'applyFilesystemLimits',
  'applyShellLimits',
  'compileCommandPattern',
  'compileNameGlob',
  'compilePathPattern',
  'compileTextPattern',
  'coversCommandPattern',
  'createPermissionChecker',
  'deriveLaunchLimits',
  'deriveSandboxView',
  'detectServerKind',
  'formatRule',
  'inferSubjectKind',
  'intersectCommandPatterns',
  'intersectLaunchLimits',
  'intersectRoots',
  'isServerKind',
  'isValidRule',
  'literalPathPrefix',
  'mapClaudeTools',
  'parseProfile',
  'parseRule',
  'profileSchema',
  'renderBubblewrapArgs',
  'renderLaunchFlags',
  'resolveAsk',
  'splitClaudeToolList',
  'splitCommandLine',
  'unreachableReason',
];

describe('public barrel', () => {
  it('@meshwork/permissions exports exactly the public names', async () => {
    const barrel = await import('@meshwork/permissions');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
