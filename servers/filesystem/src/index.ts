export {
  explainSystemError,
  FILESYSTEM_ERROR_CODES,
  FilesystemError,
  type FilesystemErrorCode,
} from './errors.js';
export { createDenyMatcher, type DenyMatcher } from './sandbox/deny.js';
export { checkRequestedPath, isWithin } from './sandbox/lexical.js';
export { narrowRoots, type ResolvedRoots, type Root, resolveOperatorRoots } from './sandbox/roots.js';
export { type OpenedFile, openForRead } from './sandbox/safe-open.js';
export {
  DEFAULT_MAX_READ_BYTES,
  type ResolvedEntry,
  type ResolvedPath,
  Sandbox,
  type SandboxOptions,
} from './sandbox/sandbox.js';
export { createFilesystemServer, type FilesystemServer, type FilesystemServerOptions } from './server.js';
export { DEFAULT_TOOL_LIMITS, type ToolLimits } from './tools/context.js';
export { createFilesystemTools, WRITE_TOOL_NAMES } from './tools/index.js';
