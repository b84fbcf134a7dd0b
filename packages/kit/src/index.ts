export { readServeSettings, SERVE_CLI_OPTIONS, SERVE_CLI_USAGE, type ServeSettings } from './cli-options.js';
export {
  defineTool,
  ERROR_CODE_META_KEY,
  registerTools,
  type ToolContext,
  type ToolDefinition,
  type ToolHints,
  toolErrorResult,
} from './define-tool.js';
export {
  isMeshworkError,
  isToolError,
  KIT_ERROR_CODES,
  KitError,
  type KitErrorCode,
  MeshworkError,
  type MeshworkErrorOptions,
  messageOf,
  ToolError,
} from './errors.js';
export { findExecutable } from './find-executable.js';
export {
  allowedHostnamesFor,
  checkRequestOrigin,
  hostnameOfHostHeader,
  isLoopbackHost,
  LOOPBACK_HOSTNAMES,
  normalizeHostname,
} from './http-guards.js';
export {
  createLogger,
  isLogLevel,
  LOG_LEVELS,
  type Logger,
  type LoggerOptions,
  type LogLevel,
  REDACTED_PATHS,
} from './logger.js';
export { readPackageVersion } from './package-version.js';
export { type RunningServer, type RunServerOptions, runServer } from './run-server.js';
export {
  DEFAULT_MAX_BODY_BYTES,
  type HttpServerHandle,
  type ServeHttpOptions,
  serveHttp,
} from './serve-http.js';
export { isTokenMatch, loadToken } from './token.js';
export {
  ROLE_META_KEY,
  readToolMeta,
  SUBJECT_META_KEY,
  TOOL_ROLES,
  type ToolMeta,
  type ToolRole,
  type ToolWrites,
  toolMeta,
  WRITES_META_KEY,
} from './tool-meta.js';
