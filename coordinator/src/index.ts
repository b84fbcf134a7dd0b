export { type LoadAgentsOptions, loadAgents, parseAgentDefinition } from './config/agents.js';
export { DEFAULT_MODEL, DEFAULT_PRICES, type LoadConfigOptions, loadConfig } from './config/load-config.js';
export type {
  AgentDefinition,
  Budgets,
  JsonSchema,
  LeadSettings,
  MeshworkConfig,
  ModelSettings,
  ServerConfig,
  ServerKind,
} from './config/types.js';
export {
  type CallToolOptions,
  type Coordinator,
  type CoordinatorOptions,
  createCoordinator,
  type PlanItem,
  type RunRequest,
} from './coordinator.js';
export {
  COORDINATOR_ERROR_CODES,
  ConfigError,
  CoordinatorError,
  type CoordinatorErrorCode,
  isCoordinatorError,
} from './errors.js';
export { type AccessPolicy, createAccessPolicy } from './gate/access-policy.js';
export { createGate, type Gate, type GateCall, type GateVerdict } from './gate/gate.js';
export { type BoundTool, buildToolView, type ToolView, toolNameFor } from './gate/tool-view.js';
export { createWriteLeases, type LeaseConflict, type WriteLeases } from './gate/write-leases.js';
export {
  createModelClient,
  type ModelAccess,
  type ModelClient,
  type ModelClientOptions,
  type ModelFetch,
} from './model/model-client.js';
export { loadOfflineScript, type OfflineScript } from './model/offline-script.js';
export { costOf, type TokenUsage } from './model/pricing.js';
export { createLiveProgress, type LiveProgress, type ProgressSink } from './report/live-progress.js';
export { mergeRunReport, runStatusOf } from './report/merge.js';
export { renderReportText } from './report/render-text.js';
export { parseFinalAnswer, validateJson } from './report/structured-output.js';
export type {
  AgentReport,
  AgentStatus,
  DeniedCall,
  FileTouched,
  RunReport,
  RunStatus,
  RunTotals,
  SummaryLine,
} from './report/types.js';
export { type BudgetPool, createBudgetPool } from './runtime/budget.js';
export type { RunEvent, RunEventListener } from './runtime/events.js';
export { modelFor, type ResolvedAccess, resolveAccess } from './runtime/resolve-agent.js';
export type { LocalTool, RunContext } from './runtime/run-context.js';
export { runSubagent, type SubagentRequest } from './runtime/subagent.js';
export {
  createServerConnection,
  type LaunchSpec,
  type ServerConnection,
  type ServerConnectionOptions,
  type ToolCallOutcome,
} from './servers/server-connection.js';
export {
  createServerPool,
  launchSpecOf,
  type PooledServer,
  type ServerPool,
  type ServerPoolOptions,
} from './servers/server-pool.js';
