export { createDenyMatcher, type DenyMatcher } from './confinement/deny.js';
export {
  DEFAULT_MAX_READ_BYTES,
  PathConfinement,
  type PathConfinementOptions,
  type ResolvedEntry,
  type ResolvedPath,
} from './confinement/path-confinement.js';
export { type ResolvedRoots, type Root, resolveOperatorRoots } from './confinement/roots.js';
export { FILESYSTEM_ERROR_CODES, FilesystemError, type FilesystemErrorCode } from './errors.js';
export { createFilesystemServer, type FilesystemServer, type FilesystemServerOptions } from './server.js';
export { DEFAULT_TOOL_LIMITS, type ToolLimits } from './tools/context.js';
