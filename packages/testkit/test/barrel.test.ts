import { describe, expect, it } from 'vitest';

/**
 * The API of @meshwork/testkit, name by name (types are erased and not listed). The testkit is
 * private, but every package's tests build on it: a new export must be added here on purpose.
 */
const PUBLIC_NAMES = [
  'assertProtocolOnly',
  'collectStdioFrames',
  'connectHttpClient',
  'countAssistantMessages',
  'countInputTokens',
  'createScriptedModelServer',
  'createTempDir',
  'estimateTokens',
  'getSystemText',
  'getToolNames',
  'getToolResultText',
  'getToolResults',
  'isPublishablePath',
  'listPackedFiles',
  'pickEnvironment',
  'spawnStdioServer',
  'startHttpServer',
  'toolDeclarationProblems',
  'within',
];

describe('public barrel', () => {
  it('@meshwork/testkit exports exactly the public names', async () => {
    const barrel = await import('@meshwork/testkit');
    expect(Object.keys(barrel).sort()).toEqual([...PUBLIC_NAMES].sort());
  });
});
