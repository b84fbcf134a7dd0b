export { askQuestionFor, resolveAsk } from './ask.js';
export { createPermissionChecker } from './checker.js';
export {
  CLAUDE_TOOL_MAP,
  type ClaudeToolMapping,
  type ClaudeToolMappingOptions,
  claudeToolToRules,
  mapClaudeTools,
  mcpToolNameToRule,
  splitClaudeToolList,
} from './claude-tools.js';
export { type CommandLineSplit, splitCommandLine } from './command-line.js';
export {
  type CommandMatcher,
  commandVariants,
  compileCommandPattern,
  compileTextPattern,
  isOpaqueCommand,
  normalizeCommandText,
} from './command-match.js';
export { isPermissionsError, PermissionsError } from './errors.js';
export {
  compilePathPattern,
  normalizePathPattern,
  type PathMatcher,
  type PathSubject,
  readPathSubject,
} from './path-match.js';
export { normalizePathText } from './path-utils.js';
export {
  filesystemSandboxSchema,
  limitsSchema,
  type Profile,
  type ProfileLimits,
  parseProfile,
  profileSchema,
  shellSandboxSchema,
} from './profile.js';
export { compileNameGlob, formatRule, isValidRule, parseRule } from './rule.js';
export {
  coversCommandPattern,
  type DeriveSandboxOptions,
  deriveSandbox,
  FILESYSTEM_WRITE_TOOLS,
  inferSandboxKind,
  intersectCommandPatterns,
  intersectRoots,
  intersectSandbox,
  SHELL_RUN_TOOLS,
} from './sandbox.js';
export { inferSubjectKind } from './subject-kind.js';
export type {
  AskQuestion,
  Decision,
  Effect,
  FilesystemSandbox,
  NoSandbox,
  PermissionChecker,
  PermissionCheckerOptions,
  ResolveAskOptions,
  Rule,
  Sandbox,
  ShellSandbox,
  SubjectKind,
  ToolCall,
} from './types.js';
