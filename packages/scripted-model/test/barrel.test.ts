import { isMeshworkError } from '@meshwork/kit';
import { describe, expect, it } from 'vitest';

/**
 * The public API of @meshwork/scripted-model, name by name (types leave no runtime name). A new
 * export must be added here on purpose: the barrel is a contract.
 */
const PUBLIC_NAMES = [
  'SCRIPTED_MODEL_ERROR_CODES',
  'ScriptedModelError',
  'countAssistantMessages',
  'countInputTokens',
  'createScriptedModelServer',
  'estimateTokens',
  'getSystemText',
  'getToolNames',
  'getToolResultText',
  'getToolResults',
];

describe('public barrel', () => {
  it('@meshwork/scripted-model exports exactly the public names', async () => {
    const barrel = await import('@meshwork/scripted-model');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });

  it('its error derives from the one meshwork error base', async () => {
    const { ScriptedModelError } = await import('@meshwork/scripted-model');
    const error = new ScriptedModelError('E_SCRIPT', 'bad script');
    expect(isMeshworkError(error, 'E_SCRIPT')).toBe(true);
    expect(error.name).toBe('ScriptedModelError');
  });
});
