export {
  type CliIo,
  type CommandHandler,
  EXIT,
} from './commands/io.js';
export { createCoordinatorRunner, reportToOutcome } from './daemon/coordinator-runner.js';
export { type BudgetState, evaluateBudget } from './daemon/daily-budget.js';
export { type DaemonPaths, resolveDaemonPaths } from './daemon/paths.js';
export {
  type DaemonSettings,
  DaemonSettingsSchema,
  type DreamSettings,
  DreamSettingsSchema,
  loadDaemonSettings,
} from './daemon/settings.js';
export type {
  TaskOutcome,
  TaskProgress,
  TaskRunContext,
  TaskRunner,
  TaskRunnerFactory,
  TaskRunnerFactoryOptions,
  TaskRunnerHandle,
} from './daemon/task-runner.js';
export { notifyWorker } from './daemon/wake.js';
export {
  createDaemon,
  type Daemon,
  type DaemonOptions,
  type DaemonStats,
  type DreamTriggerCheck,
} from './daemon/worker.js';
export {
  type DreamingContext,
  type DreamingFactory,
  type DreamWiring,
  type StartWorkerResult,
  startWorkerHost,
  type WorkerHost,
  type WorkerHostOptions,
} from './daemon/worker-host.js';
export type { DreamAgent, DreamAgentRequest, DreamAgentResult } from './dream/dream-agent.js';
export { type DreamRecord, readDreamLog } from './dream/dream-log.js';
export { createDreamMemory, type DreamMemory } from './dream/dream-memory.js';
export {
  createCoordinatorDreamAgent,
  createDreamCoordinator,
  DREAM_HIDDEN_ROLES,
  type DreamCoordinatorOptions,
} from './dream/dreamer.js';
export { createBuiltInDreaming, createDreamRunner, type DreamRunnerOptions } from './dream/dreaming.js';
export { type DreamChange, type DreamReport, type RunDreamOptions, runDream } from './dream/run-dream.js';
export { CLI_ERROR_CODES, CliError, type CliErrorCode, isCliError } from './errors.js';
export {
  type CancelOutcome,
  type ListOptions,
  openTaskQueue,
  type RecoveryReport,
  type SubmitOptions,
  type TaskQueue,
  type TaskQueueOptions,
} from './queue/task-queue.js';
export {
  FINAL_STATUSES,
  type LeaseOwner,
  type ScheduleRecord,
  TASK_STATUSES,
  type TaskEvent,
  type TaskKind,
  type TaskPayload,
  type TaskRecord,
  type TaskResult,
  type TaskStatus,
  type TaskUsage,
} from './queue/types.js';
export type { AgentSummary, MeshServerContext } from './serve/context.js';
export { createMeshServer, MESH_SERVER_NAME } from './serve/server.js';
