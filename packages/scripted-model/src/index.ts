export {
  SCRIPTED_MODEL_ERROR_CODES,
  ScriptedModelError,
  type ScriptedModelErrorCode,
} from './errors.js';
export {
  countAssistantMessages,
  getSystemText,
  getToolNames,
  getToolResults,
  getToolResultText,
} from './request-helpers.js';
export { createScriptedModelServer, type ScriptedModelServer } from './server.js';
export { countInputTokens, estimateTokens } from './tokens.js';
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
} from './types.js';
