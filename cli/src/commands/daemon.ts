import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createLogger, isLogLevel } from '@meshwork/kit';
import { budgetDayStart, evaluateBudget } from '../daemon/daily-budget.js';
import { resolveDaemonPaths } from '../daemon/paths.js';
import { isProcessAlive } from '../daemon/process-alive.js';
import { loadDaemonSettings } from '../daemon/settings.js';
import { startWorkerHost } from '../daemon/worker-host.js';
import { openWorkerLock } from '../daemon/worker-lock.js';
import { createBuiltInDreaming } from '../dream/dreaming.js';
import { openTaskQueue } from '../queue/task-queue.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError, writeJson } from './io.js';
import { formatTime } from './task-format.js';

/** Help for `meshwork daemon`. */
export const DAEMON_USAGE = `Usage:
  meshwork daemon [options]          run the worker in the foreground (for systemd); Ctrl-C stops it
  meshwork daemon start [options]    run it in the background (pid file + log under .meshwork/daemon/)
  meshwork daemon stop [--timeout <s>]
  meshwork daemon status [--json]   exit 0 when a daemon runs for this project, 3 when none does

Options:
  --config <file>       project config (default meshwork.json)
  --concurrency <n>     tasks at the same time (overrides daemon.concurrency)
  --runner <module>     run tasks with this module's createTaskRunner() instead of the coordinator
  --no-dream            never dream when idle
  --log-level <level>   fatal|error|warn|info|debug|trace|silent

Model access: .meshwork/env (ANTHROPIC_API_KEY=…, ANTHROPIC_BASE_URL=…; read at start, never
logged) over the environment of the shell that starts the daemon. A task that hits a configuration
error (no model access, a broken meshwork.json) waits with the reason and keeps its attempt.

\`daemon status\` exits 0 when a daemon runs for this project, 3 when none does, and lists stale
tasks (marked running by a daemon that is gone) with what the next start does with them.`;

const OPTIONS = {
  config: { type: 'string' },
  concurrency: { type: 'string' },
  runner: { type: 'string' },
  'no-dream': { type: 'boolean' },
  'log-level': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `meshwork daemon [start|stop|status]`. */
export async function daemonCommand(argv: string[], io: CliIo): Promise<number> {
  const subcommand = argv[0] !== undefined && !argv[0].startsWith('-') ? argv[0] : 'run';
  const rest = subcommand === 'run' ? argv : argv.slice(1);
  const parsed = parseCommand(rest, OPTIONS, io, DAEMON_USAGE);
  if (typeof parsed === 'number') return parsed;
  try {
    switch (subcommand) {
      case 'run':
        return await runForeground(parsed.values, io);
      case 'start':
        return await startBackground(rest, io);
      case 'stop':
        return await stopDaemon(parsed.values, io);
      case 'status':
        return await showStatus(parsed.values, io);
      default:
        return printUsageError(`unknown daemon subcommand ${JSON.stringify(subcommand)}`, io, DAEMON_USAGE);
    }
  } catch (error) {
    return printError(error, io);
  }
}

type Values = { [K in keyof typeof OPTIONS]?: string | boolean | undefined };

async function runForeground(values: Values, io: CliIo): Promise<number> {
  const logLevel = values['log-level'] ?? io.env.MESHWORK_LOG_LEVEL;
  const logger = createLogger({ name: 'meshwork-daemon', level: isLogLevel(logLevel) ? logLevel : 'info' });
  const configPath = typeof values.config === 'string' ? values.config : undefined;
  const settings = await loadDaemonSettings(io.cwd, configPath);
  if (typeof values.concurrency === 'string') {
    const concurrency = Number(values.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1) {
      return printUsageError(
        `--concurrency takes a whole number of at least 1; got ${values.concurrency}`,
        io,
      );
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
    createDreaming: settings.dream.enabled ? createBuiltInDreaming : undefined,
  });
  if (!started.started) {
    io.stderr.write(
      `meshwork daemon: already running for this project (pid ${started.holder.pid}, ${started.holder.role}); stop it with \`meshwork daemon stop\`.\n`,
    );
    return EXIT.failed;
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
  return EXIT.ok;
}

async function startBackground(forwarded: string[], io: CliIo): Promise<number> {
  const paths = resolveDaemonPaths(io.cwd);
  mkdirSync(paths.directory, { recursive: true });
  const running = readHolder(io.cwd);
  if (running?.alive) {
    io.stderr.write(`meshwork daemon: already running (pid ${running.pid}).\n`);
    return EXIT.failed;
  }
  const log = openSync(paths.logFile, 'a');
  const bin = fileURLToPath(new URL('../cli.js', import.meta.url));
  const child = spawn(process.execPath, [bin, 'daemon', ...forwarded], {
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
      return EXIT.failed;
    }
    const holder = readHolder(io.cwd);
    if (holder && holder.pid === pid && holder.alive) {
      io.stdout.write(`meshwork daemon: started (pid ${pid}); log ${paths.logFile}\n`);
      return EXIT.ok;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  io.stderr.write(`meshwork daemon: did not report ready within 15 s; see ${paths.logFile}\n`);
  return EXIT.failed;
}

async function stopDaemon(values: Values, io: CliIo): Promise<number> {
  const holder = readHolder(io.cwd);
  if (!holder?.alive) {
    io.stdout.write('meshwork daemon: not running.\n');
    return EXIT.ok;
  }
  if (holder.role !== 'daemon') {
    io.stderr.write(
      `meshwork daemon: the worker role is held by \`meshwork ${holder.role}\` (pid ${holder.pid}); not stopping it.\n`,
    );
    return EXIT.failed;
  }
  const timeoutSeconds = typeof values.timeout === 'string' ? Number(values.timeout) : 20;
  process.kill(holder.pid, 'SIGTERM');
  const deadline = Date.now() + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (!isProcessAlive(holder.pid)) {
      io.stdout.write(`meshwork daemon: stopped (pid ${holder.pid}).\n`);
      return EXIT.ok;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  io.stderr.write(`meshwork daemon: pid ${holder.pid} still running after ${timeoutSeconds} s.\n`);
  return EXIT.failed;
}

async function showStatus(values: Values, io: CliIo): Promise<number> {
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
    // A task still marked running whose owner is gone (a crash, a kill): no daemon works on it;
    // the next daemon to start retries it, or fails it when its attempts are spent.
    const stale = queue
      .list({ status: 'running' })
      .filter((task) => task.ownerPid === null || !isProcessAlive(task.ownerPid))
      .map((task) => ({
        id: task.id,
        ownerPid: task.ownerPid,
        attempts: task.attempts,
        maxAttempts: task.maxAttempts,
        next:
          task.attempts < task.maxAttempts
            ? `the next daemon start retries it (attempt ${task.attempts + 1} of ${task.maxAttempts})`
            : `the next daemon start fails it (no attempts left: ${task.attempts} of ${task.maxAttempts})`,
      }));
    const status = {
      running: holder?.alive === true,
      pid: holder?.alive ? holder.pid : null,
      role: holder?.alive ? holder.role : null,
      since: holder?.alive ? holder.startedAt : null,
      queue: paths.database,
      log: paths.logFile,
      tasks: counts,
      stale,
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
          `${budget.exceeded ? ` (budget spent: ${budget.reason})` : ''}\n` +
          stale
            .map(
              (task) =>
                `stale:   ${task.id} is marked running, but its daemon (pid ${task.ownerPid ?? '?'}) is gone; ${task.next}\n`,
            )
            .join(''),
      );
    }
    return status.running ? EXIT.ok : EXIT.notRunning;
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
