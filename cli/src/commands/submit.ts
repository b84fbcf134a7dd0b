import { resolve } from 'node:path';
import { budgetDayStart, evaluateBudget } from '../daemon/daily-budget.js';
import { resolveDaemonPaths } from '../daemon/paths.js';
import { loadDaemonSettings } from '../daemon/settings.js';
import { notifyWorker } from '../daemon/wake.js';
import { openWorkerLock } from '../daemon/worker-lock.js';
import { parseAtTime } from '../queue/schedule.js';
import { openTaskQueue } from '../queue/task-queue.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError, writeJson } from './io.js';
import { formatTime } from './task-format.js';

/** Help for `meshwork submit`. */
export const SUBMIT_USAGE = `Usage: meshwork submit "<task>" [options]

Adds a task to the project's durable queue (.meshwork/daemon/queue.db). It is accepted at once,
whether or not the daemon runs; the daemon starts it when a slot and the budget allow.

Options:
  --agent <name>      agent to run it (default: the lead)
  --plan <file>       plan file to follow
  --every <cron>      repeat on a cron schedule ("*/30 * * * *", "@daily"); prints the schedule id
  --at <time>         start no earlier than: 2026-05-01T09:00, 09:30 or +15m
  --retries <n>       retries after an interruption (default daemon.retries)
  --config <file>     project config (default meshwork.json)
  --json              print the record as JSON`;

const OPTIONS = {
  agent: { type: 'string' },
  plan: { type: 'string' },
  every: { type: 'string' },
  at: { type: 'string' },
  retries: { type: 'string' },
  config: { type: 'string' },
  json: { type: 'boolean' },
} as const;

/** `meshwork submit "<task>" [--agent A] [--plan F] [--every <cron> | --at <time>]`. */
export async function submitCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, io, SUBMIT_USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const text = positionals.join(' ').trim();
  if (text.length === 0) {
    return printUsageError(`say what to do: meshwork submit "<task>"`, io, SUBMIT_USAGE);
  }
  if (values.every !== undefined && values.at !== undefined) {
    return printUsageError('pass either --every or --at, not both', io);
  }
  try {
    const settings = await loadDaemonSettings(io.cwd, values.config);
    const retries = values.retries === undefined ? settings.retries : Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
      return printUsageError(`--retries takes a whole number from 0 to 10; got ${values.retries}`, io);
    }
    const payload = {
      task: text,
      ...(values.agent === undefined ? {} : { agent: values.agent }),
      ...(values.plan === undefined ? {} : { plan: resolve(io.cwd, values.plan) }),
      source: 'cli',
    };
    const paths = resolveDaemonPaths(io.cwd);
    const queue = openTaskQueue({ path: paths.database });
    try {
      if (values.every !== undefined) {
        const schedule = queue.addSchedule({ cron: values.every, payload });
        notifyWorker(paths.wakeFile);
        if (values.json) writeJson(io, schedule);
        else
          io.stdout.write(
            `${schedule.id}\nscheduled every "${schedule.cron}"; next run ${formatTime(schedule.nextRunAt)}\n`,
          );
      } else {
        const runAfter = values.at === undefined ? undefined : parseAtTime(values.at);
        const task = queue.submit({
          payload,
          maxAttempts: retries + 1,
          ...(runAfter === undefined ? {} : { runAfter }),
        });
        notifyWorker(paths.wakeFile);
        if (values.json) writeJson(io, task);
        else io.stdout.write(`${task.id}\n`);
        const budget = evaluateBudget(
          settings.budget,
          queue.usageSince(budgetDayStart(Date.now())),
          Date.now(),
        );
        if (budget.exceeded) io.stderr.write(`queued, but it waits: ${budget.reason}\n`);
      }
      const lock = openWorkerLock(paths.database);
      const holder = lock.holder();
      lock.close();
      if (!holder?.alive)
        io.stderr.write('no daemon is running for this project; start one with `meshwork daemon start`.\n');
      return EXIT.ok;
    } finally {
      queue.close();
    }
  } catch (error) {
    return printError(error, io);
  }
}
