import { describe, expect, it } from 'vitest';

describe('the testkit re-exports the scripted model', () => {
  it('offers the same functions as @meshwork/scripted-model, so tests import either', async () => {
    const testkit: Record<string, unknown> = await import('../../src/index.js');
    const scriptedModel: Record<string, unknown> = await import('@meshwork/scripted-model');
    const names = [
      'countAssistantMessages',
      'countInputTokens',
      'createScriptedModelServer',
      'estimateTokens',
      'getSystemText',
      'getToolNames',
      'getToolResultText',
      'getToolResults',
    ];
    for (const name of names) {
      expect(testkit[name], name).toBeTypeOf('function');
      expect(testkit[name], name).toBe(scriptedModel[name]);
    }
  });
});
