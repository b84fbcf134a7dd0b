import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { nanoid } from 'nanoid';
import type { Logger } from 'pino';
import { openTaskQueue, type TaskQueue } from '../queue/task-queue.js';
import type { LeaseOwner } from '../queue/types.js';
import { createCoordinatorRunner } from './coordinator-runner.js';
import { type DaemonPaths, resolveDaemonPaths } from './paths.js';
import { openProjectCoordinator, type ProjectCoordinator } from './project-coordinator.js';
import { loadRunnerModule } from './runner-loader.js';
import { type DaemonSettings, loadDaemonSettings } from './settings.js';
import type { TaskRunnerHandle } from './task-runner.js';
import { createDaemon, type Daemon, type DreamTriggerCheck } from './worker.js';
import { openWorkerLock, type WorkerLockHolder } from './worker-lock.js';

/** Idle-time dreaming wired into a worker: how to run a dream and when. */
export interface DreamWiring {
  runner: TaskRunnerHandle;
  trigger?: DreamTriggerCheck | undefined;
}

/** What a dreaming factory gets. */
export interface DreamingContext {
  cwd: string;
  configPath: string | undefined;
  settings: DaemonSettings;
  queue: TaskQueue;
  logger: Logger;
  /** The project's coordinator, made on first use and shared with the task runner. */
  project(): Promise<ProjectCoordinator>;
}

/** Builds the idle-time dreaming of a worker once it holds the worker role; no dreaming without it. */
export type DreamingFactory = (context: DreamingContext) => Promise<DreamWiring | undefined>;

/** Options for {@link startWorkerHost}. */
export interface WorkerHostOptions {
  cwd: string;
  configPath?: string | undefined;
  /** `daemon` for `meshwork daemon`, `serve` for a `meshwork serve` that runs tasks itself. */
  role: 'daemon' | 'serve';
  logger: Logger;
  /** Settings; read from meshwork.json when absent. */
  settings?: DaemonSettings | undefined;
  /** Runner module overriding the coordinator (`--runner`). */
  runnerModule?: string | undefined;
  /** Builds the dream runner and trigger once the worker role is held; no dreaming without it. */
  createDreaming?: DreamingFactory | undefined;
}

/** A process holding the worker role: queue, lock, pid file and the running loop. */
export interface WorkerHost {
  daemon: Daemon;
  queue: TaskQueue;
  paths: DaemonPaths;
  settings: DaemonSettings;
  owner: LeaseOwner;
  /** Stops the loop (running tasks go back to the queue), releases the role and closes everything. */
  close(options?: { graceMs?: number }): Promise<void>;
}

/** Either the host, or who already holds the worker role. */
export type StartWorkerResult =
  | { started: true; host: WorkerHost }
  | { started: false; holder: WorkerLockHolder };

/**
 * Takes the project's worker role and starts the loop. Only one live process holds the role, so the
 * concurrency limit is global; others (CLI submissions, extra `meshwork serve` processes) only
 * enqueue.
 */
export async function startWorkerHost(options: WorkerHostOptions): Promise<StartWorkerResult> {
  const { cwd, logger } = options;
  const settings = options.settings ?? (await loadDaemonSettings(cwd, options.configPath));
  const paths = resolveDaemonPaths(cwd);
  const queue = openTaskQueue({ path: paths.database });
  const lock = openWorkerLock(paths.database);
  const owner: LeaseOwner = { id: nanoid(12), pid: process.pid };
  const { acquired, holder } = lock.acquire(owner, options.role);
  if (!acquired) {
    lock.close();
    queue.close();
    return { started: false, holder };
  }
  writeFileSync(paths.pidFile, `${process.pid}\n`);
  const releaseRole = () => {
    lock.release(owner);
    lock.close();
    removePidFileIfOurs(paths.pidFile);
  };

  let project: Promise<ProjectCoordinator> | undefined;
  const openProject = () => {
    project ??= openProjectCoordinator({ cwd, configPath: options.configPath, logger });
    return project;
  };
  const closeProject = async () => {
    const opened = await project?.catch(() => undefined);
    await opened?.coordinator.close();
  };
  let runner: TaskRunnerHandle;
  let dreaming: DreamWiring | undefined;
  try {
    // A runner module (`--runner`, `daemon.runner`) replaces the coordinator for tasks.
    const runnerModule = options.runnerModule ?? settings.runner;
    runner =
      runnerModule === undefined
        ? createCoordinatorRunner((await openProject()).coordinator, cwd)
        : await loadRunnerModule(runnerModule, { cwd, settings, logger, configPath: options.configPath });
    dreaming = await options.createDreaming?.({
      cwd,
      configPath: options.configPath,
      settings,
      queue,
      logger,
      project: openProject,
    });
  } catch (error) {
    await closeProject();
    releaseRole();
    queue.close();
    throw error;
  }
  const daemon = createDaemon({
    queue,
    paths,
    settings,
    cwd,
    logger,
    owner,
    runTask: runner.run,
    runDream: dreaming?.runner.run,
    dreamTrigger: dreaming?.trigger,
  });
  daemon.start();
  let closing: Promise<void> | undefined;
  return {
    started: true,
    host: {
      daemon,
      queue,
      paths,
      settings,
      owner,
      close(closeOptions) {
        closing ??= (async () => {
          await daemon.stop(closeOptions);
          for (const handle of [runner, dreaming?.runner]) {
            try {
              await handle?.close?.();
            } catch (error) {
              logger.warn({ err: error }, 'error while closing a runner');
            }
          }
          // Last: the runners above may share its server pool.
          await closeProject();
          releaseRole();
          queue.close();
        })();
        return closing;
      },
    },
  };
}

function removePidFileIfOurs(pidFile: string): void {
  try {
    if (readFileSync(pidFile, 'utf8').trim() === String(process.pid)) rmSync(pidFile, { force: true });
  } catch {
    // Already gone.
  }
}
