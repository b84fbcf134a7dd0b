export { isShellError, ShellError } from './errors.js';
export { DEFAULT_ALLOW, DEFAULT_DENY } from './policy/defaults.js';
export { ENVIRONMENT_ALLOWLIST, SECRET_NAME, scrubEnvironment } from './policy/environment.js';
export {
  type CommandExplanation,
  type CommandPlan,
  createPolicy,
  type Decision,
  type Explanation,
  explainCommand,
  type Policy,
  type PolicyOptions,
  planCommand,
} from './policy/policy.js';
export { createProcessTable, type ProcessTable, type ProcessTableOptions } from './process/process-table.js';
export { createSandboxConfig, type SandboxConfig } from './process/sandbox.js';
export { createSpillDirectory, type SpillDirectory } from './process/spill-directory.js';
export type { ShellRuntime } from './runtime.js';
export { createShellServer, type ShellServer, type ShellServerOptions } from './server.js';
