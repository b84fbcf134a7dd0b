import {
  createLogger,
  readPackageVersion,
  readServeSettings,
  runServer,
  SERVE_CLI_OPTIONS,
  SERVE_CLI_USAGE,
} from '@meshwork/kit';
import { resolveDaemonPaths } from '../daemon/paths.js';
import { loadDaemonSettings } from '../daemon/settings.js';
import { notifyWorker } from '../daemon/wake.js';
import { startWorkerHost, type WorkerHost } from '../daemon/worker-host.js';
import { openWorkerLock } from '../daemon/worker-lock.js';
import { createBuiltInDreaming } from '../dream/dreaming.js';
import { openTaskQueue } from '../queue/task-queue.js';
import { loadAgentSummaries } from '../serve/agent-summaries.js';
import { createMeshServer } from '../serve/server.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError } from './io.js';

/** Help for `meshwork serve`. */
export const SERVE_USAGE = `Usage: meshwork serve [--stdio|--http] [options]

Serves the mesh as an MCP server: delegate_task, task_status, task_result, list_agents, cancel_task.
Tasks go into the project's durable queue. When a meshwork daemon runs for the project, it runs
them; otherwise this process takes the worker role and runs them itself (--no-worker: never).

Mesh:
  --config <file>         project config (default meshwork.json)
  --runner <module>       run tasks with this module's createTaskRunner() instead of the coordinator
  --no-worker             only enqueue; leave running tasks to \`meshwork daemon\`
  --max-wait <seconds>    longest delegate_task/task_result wait (default 600)

${SERVE_CLI_USAGE}`;

const OPTIONS = {
  ...SERVE_CLI_OPTIONS,
  config: { type: 'string' },
  runner: { type: 'string' },
  'no-worker': { type: 'boolean' },
  'max-wait': { type: 'string' },
} as const;

/** `meshwork serve [--stdio|--http]`; resolves with the exit code once the server shut down. */
export async function serveCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, io, SERVE_USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  if (values.version) {
    io.stdout.write(`${readPackageVersion(new URL('../../package.json', import.meta.url))}\n`);
    return EXIT.ok;
  }
  try {
    const settings = readServeSettings(values);
    const logger = createLogger({ name: 'meshwork-serve', level: settings.logLevel });
    const configPath = values.config;
    const daemonSettings = await loadDaemonSettings(io.cwd, configPath);
    const maxWaitSeconds = values['max-wait'] === undefined ? 600 : Number(values['max-wait']);
    if (!Number.isFinite(maxWaitSeconds) || maxWaitSeconds < 0) {
      return printUsageError(`--max-wait takes a number of seconds; got ${values['max-wait']}`, io);
    }
    const paths = resolveDaemonPaths(io.cwd);
    const queue = openTaskQueue({ path: paths.database });
    let worker: WorkerHost | undefined;
    let workerStarting: Promise<void> | undefined;

    // Run tasks in this process only when nobody else holds the worker role (a daemon, another
    // serve). Checked again before each delegation, so a serve takes over if the daemon stops.
    const ensureWorker = async (): Promise<void> => {
      if (values['no-worker'] || worker) return;
      workerStarting ??= (async () => {
        const lock = openWorkerLock(paths.database);
        const holder = lock.holder();
        lock.close();
        if (holder?.alive) return;
        const started = await startWorkerHost({
          cwd: io.cwd,
          configPath,
          role: 'serve',
          logger,
          settings: daemonSettings,
          runnerModule: values.runner,
          createDreaming: daemonSettings.dream.enabled ? createBuiltInDreaming : undefined,
        });
        if (started.started) {
          worker = started.host;
          // The logger's base fields already carry the pid.
          logger.info('running tasks in this process (no daemon was running)');
        } else {
          logger.info({ holder: started.holder }, 'a daemon runs the tasks; this server only enqueues');
        }
      })().finally(() => {
        workerStarting = undefined;
      });
      await workerStarting;
    };
    // A worker that cannot start (a broken runner, a bad config) must not take the server down:
    // tasks still queue, and the reason is in the log.
    const tryEnsureWorker = async (): Promise<void> => {
      try {
        await ensureWorker();
      } catch (error) {
        logger.error({ err: error }, 'cannot run tasks in this process; they wait in the queue for a daemon');
      }
    };
    await tryEnsureWorker();

    const context = {
      queue,
      notifyWorker: () => {
        worker?.daemon.wake();
        notifyWorker(paths.wakeFile);
      },
      listAgents: () => loadAgentSummaries(io.cwd, configPath),
      beforeDelegate: tryEnsureWorker,
      maxWaitSeconds,
      retries: daemonSettings.retries,
    };
    const version = readPackageVersion(new URL('../../package.json', import.meta.url));
    const running = await runServer({
      settings,
      logger,
      factory: () => createMeshServer(context, version),
      announce: (line) => io.stderr.write(`${line}\n`),
      onShutdown: async () => {
        await workerStarting;
        await worker?.close({ graceMs: 5000 });
        queue.close();
      },
    });
    await running.closed;
    return EXIT.ok;
  } catch (error) {
    return printError(error, io);
  }
}
