// The scripted Messages API lives in its own publishable package (the offline mode of the
// coordinator ships it); tests keep importing it from here.
export {
  countAssistantMessages,
  countInputTokens,
  createScriptedModelServer,
  estimateTokens,
  getSystemText,
  getToolNames,
  getToolResults,
  getToolResultText,
  type RecordedRequest,
  type ScriptedBlock,
  type ScriptedFault,
  type ScriptedModelScript,
  type ScriptedModelServer,
  type ScriptedModelServerOptions,
  type ScriptedRequestBody,
  type ScriptedRequestContext,
  type ScriptedRequestFault,
  type ScriptedResponder,
  type ScriptedRoute,
  type ScriptedTextBlock,
  type ScriptedToolUseBlock,
  type ScriptedTurn,
  type ScriptedUsage,
} from '@meshwork/scripted-model';
export {
  connectHttpClient,
  type StartedHttpServer,
  type StartHttpServerOptions,
  startHttpServer,
} from './http-server.js';
export { isPublishablePath, listPackedFiles, type PackedPackage } from './packed-files.js';
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
export { toolDeclarationProblems } from './tool-declarations.js';
export { within } from './within.js';
