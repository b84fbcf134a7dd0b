export {
  connectHttpClient,
  type StartedHttpServer,
  type StartHttpServerOptions,
  startHttpServer,
} from './http-server.js';
export { isPublishablePath, listPackedFiles, type PackedPackage } from './packed-files.js';
export {
  countAssistantMessages,
  getSystemText,
  getToolNames,
  getToolResults,
  getToolResultText,
} from './scripted-model/request-helpers.js';
export { createScriptedModelServer, type ScriptedModelServer } from './scripted-model/server.js';
export { countInputTokens, estimateTokens } from './scripted-model/tokens.js';
export type {
  RecordedRequest,
  ScriptedBlock,
  ScriptedFault,
  ScriptedModelScript,
  ScriptedModelServerOptions,
  ScriptedRequestBody,
  ScriptedRequestContext,
  ScriptedRequestFault,
  ScriptedResponder,
  ScriptedRoute,
  ScriptedTextBlock,
  ScriptedToolUseBlock,
  ScriptedTurn,
  ScriptedUsage,
} from './scripted-model/types.js';
export {
  pickEnvironment,
  type SpawnedStdioServer,
  type SpawnStdioServerOptions,
  spawnStdioServer,
} from './spawn-server.js';
export {
  assertProtocolOnly,
  type CollectedStdioFrames,
  type CollectStdioFramesOptions,
  collectStdioFrames,
} from './stdout-guard.js';
export { createTempDir, type TempDir } from './temp-dir.js';
export { within } from './within.js';
