import * as scriptedModel from '@meshwork/scripted-model';
import { describe, expect, it } from 'vitest';
import * as testkit from '../../src/index.js';

describe('the testkit re-exports the scripted model', () => {
  it('offers the same functions as @meshwork/scripted-model, so tests import either', () => {
    const names = [
      'countAssistantMessages',
      'countInputTokens',
      'createScriptedModelServer',
      'estimateTokens',
      'getSystemText',
      'getToolNames',
      'getToolResultText',
      'getToolResults',
    ] as const;
    for (const name of names) {
      expect(testkit[name], name).toBeTypeOf('function');
      expect(testkit[name], name).toBe(scriptedModel[name]);
    }
  });
});
