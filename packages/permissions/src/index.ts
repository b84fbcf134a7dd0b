export { resolveAsk } from './ask.js';
export { createPermissionChecker } from './checker.js';
export {
  type ClaudeToolMapping,
  type ClaudeToolMappingOptions,
  mapClaudeTools,
  splitClaudeToolList,
} from './claude-tools.js';
export { type CommandLineSplit, splitCommandLine } from './command-line.js';
export {
  type CommandMatcher,
  compileCommandPattern,
  compileTextPattern,
} from './command-match.js';
export { PERMISSIONS_ERROR_CODES, PermissionsError, type PermissionsErrorCode } from './errors.js';
export {
  applyFilesystemLimits,
  applyShellLimits,
  FILESYSTEM_LIMIT_OPTIONS,
  FILESYSTEM_LIMIT_USAGE,
  type FilesystemLaunch,
  LAUNCH_LIMIT_FLAGS,
  type LaunchLimitValues,
  renderLaunchFlags,
  SHELL_LIMIT_OPTIONS,
  SHELL_LIMIT_USAGE,
  type ShellLaunch,
  unreachableReason,
} from './launch-flags.js';
export {
  coversCommandPattern,
  type DeriveLaunchLimitsOptions,
  deriveLaunchLimits,
  intersectCommandPatterns,
  intersectLaunchLimits,
  intersectRoots,
} from './launch-limits.js';
export {
  MEMORY_LIMIT_FLAG,
  MEMORY_LIMIT_OPTIONS,
  MEMORY_LIMIT_USAGE,
  memoryLaunchLimits,
  transcriptScopeOf,
} from './memory-limits.js';
export {
  deriveSandboxView,
  HOME_SECRET_PATHS,
  HOST_SOCKET_PATHS,
  literalPathPrefix,
  type SandboxGrants,
  type SandboxView,
  type SandboxViewOptions,
  type SandboxWritable,
} from './os-sandbox.js';
export { renderBubblewrapArgs, type SandboxMask, type SandboxMounts } from './os-sandbox-render.js';
export {
  compilePathDenyList,
  compilePathPattern,
  type PathDenyList,
  type PathMatcher,
  type PathSubject,
  readPathSubject,
} from './path-match.js';
export {
  type Profile,
  type ProfileLimits,
  parseProfile,
  profileSchema,
} from './profile.js';
export { compileNameGlob, formatRule, isValidRule, parseRule } from './rule.js';
export {
  isServerKind,
  SERVER_KIND_CONTRACTS,
  SERVER_KINDS,
  type ServerKind,
  type ServerKindContract,
} from './server-kinds.js';
export { inferSubjectKind } from './subject-kind.js';
export type {
  AskQuestion,
  Decision,
  Effect,
  FilesystemLaunchLimits,
  LaunchLimits,
  MemoryLaunchLimits,
  NoLaunchLimits,
  PermissionChecker,
  PermissionCheckerOptions,
  ResolveAskOptions,
  Rule,
  ShellLaunchLimits,
  SubjectKind,
  ToolCall,
} from './types.js';
