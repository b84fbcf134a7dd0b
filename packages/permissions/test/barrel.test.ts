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
  'MEMORY_LIMIT_FLAG',
  'MEMORY_LIMIT_OPTIONS',
  'MEMORY_LIMIT_USAGE',
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
  'compilePathDenyList',
  'compilePathPattern',
  'compileTextPattern',
  'coversCommandPattern',
  'createPermissionChecker',
  'deriveLaunchLimits',
  'deriveSandboxView',
  'formatRule',
  'inferSubjectKind',
  'intersectCommandPatterns',
  'intersectLaunchLimits',
  'intersectRoots',
  'isServerKind',
  'isValidRule',
  'literalPathPrefix',
  'mapClaudeTools',
  'memoryLaunchLimits',
  'parseProfile',
  'parseRule',
  'profileSchema',
  'readPathSubject',
  'renderBubblewrapArgs',
  'renderLaunchFlags',
  'resolveAsk',
  'splitClaudeToolList',
  'splitCommandLine',
  'transcriptScopeOf',
  'unreachableReason',
];

describe('public barrel', () => {
  it('@meshwork/permissions exports exactly the public names', async () => {
    const barrel = await import('@meshwork/permissions');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
