import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createCoordinatorRunner } from './coordinator-runner.js';
import { DaemonError } from './errors.js';
import { isTaskRunnerHandle, type TaskRunnerFactoryOptions, type TaskRunnerHandle } from './task-runner.js';

/** Options for {@link loadTaskRunner}. */
export interface LoadTaskRunnerOptions extends TaskRunnerFactoryOptions {
  /** A runner module (overrides `settings.runner`); relative to `cwd`. */
  runnerModule?: string | undefined;
}

/**
 * The runner that executes `task` tasks: the module named by `--runner` / `daemon.runner` when
 * given (it exports `createTaskRunner(options)` or a default factory), else the coordinator.
 */
export async function loadTaskRunner(options: LoadTaskRunnerOptions): Promise<TaskRunnerHandle> {
  const modulePath = options.runnerModule ?? options.settings.runner;
  if (modulePath === undefined) return createCoordinatorRunner(options);
  const href = pathToFileURL(isAbsolute(modulePath) ? modulePath : resolve(options.cwd, modulePath)).href;
  let loaded: { createTaskRunner?: unknown; default?: unknown };
  try {
    loaded = (await import(href)) as typeof loaded;
  } catch (error) {
    throw new DaemonError('E_RUNNER', `Cannot load the task runner module ${modulePath}.`, { cause: error });
  }
  const factory = loaded.createTaskRunner ?? loaded.default;
  if (typeof factory !== 'function') {
    throw new DaemonError('E_RUNNER', `${modulePath} must export a createTaskRunner(options) function.`);
  }
  const handle: unknown = await factory(options);
  if (!isTaskRunnerHandle(handle)) {
    throw new DaemonError(
      'E_RUNNER',
      `createTaskRunner in ${modulePath} must return { run(payload, context), close?() }.`,
    );
  }
  return handle;
}
