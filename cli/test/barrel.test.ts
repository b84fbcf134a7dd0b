import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/cli, name by name: what an embedder needs to queue tasks, run a
 * worker, dream and serve the mesh. A new export must be added here on purpose: the barrel is a
 * contract, and a name that leaks into it by accident is a name we must keep.
 */
const PUBLIC_NAMES = [
  'CLI_ERROR_CODES',
  'CliError',
  'DREAM_HIDDEN_ROLES',
  'DaemonSettingsSchema',
  'DreamSettingsSchema',
  'EXIT',
  'FINAL_STATUSES',
  'MESH_SERVER_NAME',
  'TASK_STATUSES',
  'createBuiltInDreaming',
  'createCoordinatorDreamAgent',
  'createCoordinatorRunner',
  'createDaemon',
  'createDreamCoordinator',
  'createDreamMemory',
  'createDreamRunner',
  'createMeshServer',
  'evaluateBudget',
  'isCliError',
  'loadDaemonSettings',
  'notifyWorker',
  'openTaskQueue',
  'readDreamLog',
  'reportToOutcome',
  'resolveDaemonPaths',
  'runDream',
  'startWorkerHost',
];

describe('public barrel', () => {
  it('@meshwork/cli exports exactly the public names', async () => {
    const barrel = await import('@meshwork/cli');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });

  it('its error class derives from the kit base and lists every code', async () => {
    const { CliError, CLI_ERROR_CODES } = await import('@meshwork/cli');
    const { isMeshworkError } = await import('@meshwork/kit');
    const error = new CliError('E_TASK_NOT_FOUND', 'no such task');
    expect(isMeshworkError(error, 'E_TASK_NOT_FOUND')).toBe(true);
    expect(error.name).toBe('CliError');
    expect(new Set(CLI_ERROR_CODES).size).toBe(CLI_ERROR_CODES.length);
  });
});
