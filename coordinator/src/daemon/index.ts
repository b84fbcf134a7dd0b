export { type BudgetState, budgetDayStart, evaluateBudget } from './budget.js';
export { DAEMON_CLI_USAGE, runDaemonCli } from './cli-dispatch.js';
export { type CommandHandler, type CommandIo, EXIT_USAGE } from './commands/command-io.js';
export { DAEMON_USAGE, type DreamingFactory, daemonCommand } from './commands/daemon.js';
export { DREAM_USAGE, dreamCommand } from './commands/dream.js';
export { SUBMIT_USAGE, submitCommand } from './commands/submit.js';
export { TASKS_USAGE, tasksCommand } from './commands/tasks.js';
export {
  type CoordinatorHandle,
  type CoordinatorLibrary,
  createCoordinatorRunner,
  importCoordinatorLibrary,
  reportToOutcome,
} from './coordinator-runner.js';
export {
  createDaemon,
  type Daemon,
  type DaemonOptions,
  type DaemonStats,
  type DreamTriggerCheck,
} from './daemon.js';
export {
  type CoordinatorDreamAgentOptions,
  createCoordinatorDreamAgent,
  DREAM_PROFILE_NAME,
  DREAMER_AGENT_NAME,
} from './dream/coordinator-dream-agent.js';
export type { DreamAgent, DreamAgentRequest, DreamAgentResult } from './dream/dream-agent.js';
export { type DreamRecord, formatDreamRecord, readDreamLog } from './dream/dream-log.js';
export {
  createBuiltInDreaming,
  createDreamRunner,
  createProjectDreamAgent,
  dreamOutcome,
} from './dream/dreaming.js';
export {
  type MemoryClient,
  type MemoryTool,
  openMemoryClient,
  type ToolCallText,
} from './dream/memory-client.js';
export {
  loadMemoryServerSpec,
  type MemoryServerSpec,
  memoryDirectoryOf,
  withMemoryDirectory,
} from './dream/memory-server-spec.js';
export {
  DREAM_HIDDEN_TOOLS,
  type DreamChange,
  type DreamReport,
  type RunDreamOptions,
  runDream,
} from './dream/run-dream.js';
export { createDreamTrigger, type DreamDecision, type DreamTriggerOptions } from './dream/triggers.js';
export { DaemonError, isDaemonError } from './errors.js';
export { type DaemonPaths, resolveDaemonPaths } from './paths.js';
export { isProcessAlive } from './process-alive.js';
export { nextCronTime, parseAtTime } from './queue/schedule.js';
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
export { type LoadTaskRunnerOptions, loadTaskRunner } from './runner-loader.js';
export {
  type DaemonSettings,
  DaemonSettingsSchema,
  type DreamSettings,
  DreamSettingsSchema,
  defaultDaemonSettings,
  loadDaemonSettings,
} from './settings.js';
export {
  isTaskRunnerHandle,
  type TaskOutcome,
  type TaskProgress,
  type TaskRunContext,
  type TaskRunner,
  type TaskRunnerFactory,
  type TaskRunnerFactoryOptions,
  type TaskRunnerHandle,
} from './task-runner.js';
export { notifyWorker, type WakeWatcher, watchWakeFile } from './wake.js';
export {
  type DreamingContext,
  type DreamWiring,
  type StartWorkerResult,
  startWorkerHost,
  type WorkerHost,
  type WorkerHostOptions,
} from './worker-host.js';
export { openWorkerLock, type WorkerLock, type WorkerLockHolder } from './worker-lock.js';
