// The library API: build a runtime once (policy, process table, environment), then a server per
// connection with createShellServer. The cli (src/cli.ts) is the reference use.
export { SHELL_ERROR_CODES, ShellError, type ShellErrorCode } from './errors.js';
export { scrubEnvironment } from './policy/environment.js';
export {
  type CommandExplanation,
  createPolicy,
  type Decision,
  type Explanation,
  explainCommand,
  type Policy,
  type PolicyOptions,
} from './policy/policy.js';
export { type BubblewrapConfig, createBubblewrapConfig } from './process/bubblewrap.js';
export type { SpawnSettings } from './process/spawn-command.js';
export { createProcessTable, type ProcessTable, type ProcessTableOptions } from './runs/process-table.js';
export { createSpillDirectory, type SpillDirectory } from './runs/spill-directory.js';
export type { ShellRuntime } from './runtime.js';
export { createShellServer, type ShellServer, type ShellServerOptions } from './server.js';
