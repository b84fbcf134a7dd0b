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
export type { ModelAccess, ModelFetch } from './model/model-client.js';
export { costOf, type TokenUsage } from './model/pricing.js';
export { createLiveProgress, type LiveProgress, type ProgressSink } from './report/live-progress.js';
export { runStatusOf } from './report/merge.js';
export { renderReportText } from './report/render-text.js';
export type {
  AgentReport,
  AgentStatus,
  DelegationOutcome,
  DelegationRecord,
  DeniedCall,
  FileTouched,
  RunReport,
  RunStatus,
  RunTotals,
  ServerFailure,
  SummaryLine,
  ToolCallRecord,
  ToolCallStatus,
  UnavailableServer,
} from './report/types.js';
export type { RunEvent, RunEventListener } from './runtime/events.js';
export { modelFor, type ResolvedAccess, resolveAccess } from './runtime/resolve-agent.js';
export {
  createServerConnection,
  type LaunchSpec,
  type ServerConnection,
  type ServerConnectionOptions,
  type ToolCallOutcome,
} from './servers/server-connection.js';
export { launchSpecOf, type ServerPool } from './servers/server-pool.js';
