import { isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CliError } from '../errors.js';
import { isTaskRunnerHandle, type TaskRunnerFactoryOptions, type TaskRunnerHandle } from './task-runner.js';

/**
 * Loads a task runner module named by `--runner` / `daemon.runner` (relative to `cwd`): it exports
 * `createTaskRunner(options)`, or a default factory, returning `{ run(payload, context), close?() }`.
 */
export async function loadRunnerModule(
  modulePath: string,
  options: TaskRunnerFactoryOptions,
): Promise<TaskRunnerHandle> {
  const href = pathToFileURL(isAbsolute(modulePath) ? modulePath : resolve(options.cwd, modulePath)).href;
  let loaded: { createTaskRunner?: unknown; default?: unknown };
  try {
    loaded = (await import(href)) as typeof loaded;
  } catch (error) {
    throw new CliError('E_RUNNER', `Cannot load the task runner module ${modulePath}.`, { cause: error });
  }
  const factory = loaded.createTaskRunner ?? loaded.default;
  if (typeof factory !== 'function') {
    throw new CliError('E_RUNNER', `${modulePath} must export a createTaskRunner(options) function.`);
  }
  const handle: unknown = await factory(options);
  if (!isTaskRunnerHandle(handle)) {
    throw new CliError(
      'E_RUNNER',
      `createTaskRunner in ${modulePath} must return { run(payload, context), close?() }.`,
    );
  }
  return handle;
}
