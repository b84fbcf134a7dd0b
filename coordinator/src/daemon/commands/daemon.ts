import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, isLogLevel } from '@meshwork/kit';
import { budgetDayStart, evaluateBudget } from '../budget.js';
import { resolveDaemonPaths } from '../paths.js';
import { isProcessAlive } from '../process-alive.js';
import { openTaskQueue } from '../queue/task-queue.js';
import { loadDaemonSettings } from '../settings.js';
import { startWorkerHost, type WorkerHostOptions } from '../worker-host.js';
import { openWorkerLock } from '../worker-lock.js';
import { type CommandIo, EXIT_USAGE, parseCommandArgs, reportError, writeJson } from './command-io.js';
import { formatTime } from './format.js';

/** Help for `meshwork daemon`. */
export const DAEMON_USAGE = `Usage:
  meshwork daemon [options]          run the worker in the foreground (for systemd); Ctrl-C stops it
  meshwork daemon start [options]    run it in the background (pid file + log under .meshwork/daemon/)
  meshwork daemon stop [--timeout <s>]
  meshwork daemon status [--json]

Options:
  --config <file>       project config (default meshwork.json)
  --concurrency <n>     tasks at the same time (overrides daemon.concurrency)
  --runner <module>     run tasks with this module's createTaskRunner() instead of the coordinator
  --no-dream            never dream when idle
  --log-level <level>   fatal|error|warn|info|debug|trace|silent`;

const OPTIONS = {
  config: { type: 'string' },
  concurrency: { type: 'string' },
  runner: { type: 'string' },
  'no-dream': { type: 'boolean' },
  'log-level': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/**
 * Builds the idle-time dreaming of a worker; injected by the CLI wiring so that this command does
 * not depend on the memory client directly (see `createDreamingFromConfig`).
 */
export type DreamingFactory = NonNullable<WorkerHostOptions['createDreaming']>;

/** `meshwork daemon [start|stop|status]`. */
export async function daemonCommand(
  argv: string[],
  io: CommandIo,
  dreaming?: DreamingFactory,
): Promise<number> {
  const subcommand = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = subcommand === 'run' ? argv : argv.slice(1);
  const parsed = parseCommandArgs(rest, OPTIONS, io, DAEMON_USAGE);
  if (!parsed) return EXIT_USAGE;
  if (parsed.values.help) {
    io.stdout.write(`${DAEMON_USAGE}\n`);
    return 0;
  }
  try {
    switch (subcommand) {
      case 'run':
        return await runForeground(parsed.values, io, dreaming);
      case 'start':
        return await startBackground(rest, io);
      case 'stop':
        return await stopDaemon(parsed.values, io);
      case 'status':
        return await showStatus(parsed.values, io);
      default:
        io.stderr.write(`Unknown daemon subcommand ${JSON.stringify(subcommand)}.\n\n${DAEMON_USAGE}\n`);
        return EXIT_USAGE;
    }
  } catch (error) {
    return reportError(error, io, 'meshwork daemon');
  }
}

type Values = { [K in keyof typeof OPTIONS]?: string | boolean | undefined };

async function runForeground(
  values: Values,
  io: CommandIo,
  dreaming: DreamingFactory | undefined,
): Promise<number> {
  const logLevel = values['log-level'] ?? io.env.MESHWORK_LOG_LEVEL;
  const logger = createLogger({ name: 'meshwork-daemon', level: isLogLevel(logLevel) ? logLevel : 'info' });
  const configPath = typeof values.config === 'string' ? values.config : undefined;
  const settings = await loadDaemonSettings(io.cwd, configPath);
  if (typeof values.concurrency === 'string') {
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      io.stderr.write(`--concurrency takes a whole number of at least 1; got ${values.concurrency}.\n`);
      return EXIT_USAGE;
    }
    settings.concurrency = concurrency;
  }
  if (values['no-dream']) settings.dream.enabled = false;
  const started = await startWorkerHost({
    cwd: io.cwd,
    configPath,
    role: 'daemon',
    logger,
    settings,
    runnerModule: typeof values.runner === 'string' ? values.runner : undefined,
    createDreaming: settings.dream.enabled ? dreaming : undefined,
  });
  if (!started.started) {
    io.stderr.write(
      `meshwork daemon: already running for this project (pid ${started.holder.pid}, ${started.holder.role}); stop it with \`meshwork daemon stop\`.\n`,
    );
    return 1;
  }
  const { host } = started;
  // The readiness line: scripts and tests wait for it instead of sleeping.
  io.stderr.write(
    `meshwork daemon: ready (pid ${process.pid}, concurrency ${settings.concurrency}, queue ${host.paths.database})\n`,
  );
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  logger.info({ signal }, 'stopping');
  await host.close({ graceMs: 10_000 });
  io.stderr.write(`meshwork daemon: stopped (${signal})\n`);
  return 0;
}

async function startBackground(forwarded: string[], io: CommandIo): Promise<number> {
  const paths = resolveDaemonPaths(io.cwd);
  mkdirSync(paths.directory, { recursive: true });
  const running = readHolder(io.cwd);
  if (running?.alive) {
    io.stderr.write(`meshwork daemon: already running (pid ${running.pid}).\n`);
    return 1;
  }
  const log = openSync(paths.logFile, 'a');
  const main = fileURLToPath(new URL('../main.js', import.meta.url));
  const child = spawn(process.execPath, [main, 'daemon', ...forwarded], {
    cwd: io.cwd,
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, ...io.env } as NodeJS.ProcessEnv,
  });
  closeSync(log);
  const pid = child.pid;
  let exitCode: number | null = null;
  child.once('exit', (code) => {
    exitCode = code ?? 1;
  });
  child.unref();
  // Wait until the child holds the worker role (or exits); bounded, not a readiness sleep.
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (exitCode !== null) {
      io.stderr.write(`meshwork daemon: exited at start with code ${exitCode}; see ${paths.logFile}\n`);
      return 1;
    }
    const holder = readHolder(io.cwd);
    if (holder && holder.pid === pid && holder.alive) {
      io.stdout.write(`meshwork daemon: started (pid ${pid}); log ${paths.logFile}\n`);
      return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  io.stderr.write(`meshwork daemon: did not report ready within 15 s; see ${paths.logFile}\n`);
  return 1;
}

async function stopDaemon(values: Values, io: CommandIo): Promise<number> {
  const holder = readHolder(io.cwd);
  if (!holder?.alive) {
    io.stdout.write('meshwork daemon: not running.\n');
    return 0;
  }
  if (holder.role !== 'daemon') {
    io.stderr.write(
      `meshwork daemon: the worker role is held by \`meshwork ${holder.role}\` (pid ${holder.pid}); not stopping it.\n`,
    );
    return 1;
  }
  const timeoutSeconds = typeof values.timeout === 'string' ? Number(values.timeout) : 20;
  process.kill(holder.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (!isProcessAlive(holder.pid)) {
      io.stdout.write(`meshwork daemon: stopped (pid ${holder.pid}).\n`);
      return 0;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  io.stderr.write(`meshwork daemon: pid ${holder.pid} still running after ${timeoutSeconds} s.\n`);
  return 1;
}

async function showStatus(values: Values, io: CommandIo): Promise<number> {
  const paths = resolveDaemonPaths(io.cwd);
  const settings = await loadDaemonSettings(
    io.cwd,
    typeof values.config === 'string' ? values.config : undefined,
  );
  const queue = openTaskQueue({ path: paths.database });
  try {
    const holder = readHolder(io.cwd);
    const counts = queue.counts();
    const budget = evaluateBudget(settings.budget, queue.usageSince(budgetDayStart(Date.now())), Date.now());
    const status = {
      running: holder?.alive === true,
      pid: holder?.alive ? holder.pid : null,
      role: holder?.alive ? holder.role : null,
      since: holder?.alive ? holder.startedAt : null,
      queue: paths.database,
      log: paths.logFile,
      tasks: counts,
      budget: {
        usage: budget.usage,
        exceeded: budget.exceeded,
        reason: budget.reason ?? null,
        limits: settings.budget,
      },
    };
    if (values.json) {
      writeJson(io, status);
    } else {
      io.stdout.write(
        `${status.running ? `running: pid ${status.pid} (${status.role}) since ${formatTime(status.since)}` : 'not running'}\n` +
          `queue:   ${paths.database}\n` +
          `log:     ${paths.logFile}\n` +
          `tasks:   ${Object.entries(counts)
            .map(([name, count]) => `${name} ${count}`)
            .join(', ')}\n` +
          `today:   ${budget.usage.inputTokens + budget.usage.outputTokens} tokens, $${budget.usage.costUsd.toFixed(4)}` +
          `${budget.exceeded ? ` (budget spent: ${budget.reason})` : ''}\n`,
      );
    }
    return 0;
  } finally {
    queue.close();
  }
}

function readHolder(cwd: string) {
  const paths = resolveDaemonPaths(cwd);
  openTaskQueue({ path: paths.database }).close();
  const lock = openWorkerLock(paths.database);
  try {
    return lock.holder();
  } finally {
    lock.close();
  }
}
