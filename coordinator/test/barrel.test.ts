import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/coordinator, name by name (types are erased and not listed). The
 * gate, the pool, the subagent loop and the model client are internals: a name that leaks into the
 * barrel is one we must keep, so a new export is added here on purpose.
 */
const PUBLIC_NAMES = [
  'COORDINATOR_ERROR_CODES',
  'ConfigError',
  'CoordinatorError',
  'DEFAULT_MODEL',
  'DEFAULT_PRICES',
  'costOf',
  'createCoordinator',
  'createLiveProgress',
  'createServerConnection',
  'isCoordinatorError',
  'launchSpecOf',
  'loadAgents',
  'loadConfig',
  'modelFor',
  'parseAgentDefinition',
  'renderReportText',
  'resolveAccess',
  'runStatusOf',
];

describe('public barrel', () => {
  it('@meshwork/coordinator exports exactly the public names', async () => {
    const barrel = await import('@meshwork/coordinator');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
