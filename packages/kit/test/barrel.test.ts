import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/kit, name by name. A new export must be added here on purpose: the
 * barrel is a contract, and a name that leaks into it by accident is a name we must keep.
 */
const PUBLIC_NAMES = [
  'DEFAULT_MAX_BODY_BYTES',
  'ERROR_CODE_META_KEY',
  'KIT_ERROR_CODES',
  'KitError',
  'LOG_LEVELS',
  'LOOPBACK_HOSTNAMES',
  'MeshworkError',
  'REDACTED_PATHS',
  'ROLE_META_KEY',
  'SERVE_CLI_OPTIONS',
  'SERVE_CLI_USAGE',
  'SUBJECT_META_KEY',
  'TOOL_ROLES',
  'ToolError',
  'WRITES_META_KEY',
  'allowedHostnamesFor',
  'checkRequestOrigin',
  'createLogger',
  'defineTool',
  'findExecutable',
  'hostnameOfHostHeader',
  'isLogLevel',
  'isLoopbackHost',
  'isMeshworkError',
  'isTokenMatch',
  'isToolError',
  'loadToken',
  'messageOf',
  'normalizeHostname',
  'readPackageVersion',
  'readToolMeta',
  'readServeSettings',
  'registerTools',
  'runServer',
  'serveHttp',
  'toolErrorResult',
  'toolMeta',
];

const ERRORS_NAMES = [
  'KIT_ERROR_CODES',
  'KitError',
  'MeshworkError',
  'ToolError',
  'isMeshworkError',
  'isToolError',
  'messageOf',
];

describe('public barrels', () => {
  it('@meshwork/kit exports exactly the public names', async () => {
    const barrel = await import('@meshwork/kit');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });

  it('@meshwork/kit/errors exports only the error base, and imports nothing', async () => {
    const barrel = await import('@meshwork/kit/errors');
    expect(Object.keys(barrel).sort()).toEqual([...ERRORS_NAMES].sort());
  });
});
