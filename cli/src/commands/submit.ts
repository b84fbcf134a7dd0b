import { resolve } from 'node:path';
import { budgetDayStart, evaluateBudget } from '../daemon/daily-budget.js';
import { resolveDaemonPaths } from '../daemon/paths.js';
import { loadDaemonSettings } from '../daemon/settings.js';
import { notifyWorker } from '../daemon/wake.js';
import { openWorkerLock } from '../daemon/worker-lock.js';
import { readPlan } from '../plan-file.js';
import { parseAtTime } from '../queue/schedule.js';
import { openTaskQueue } from '../queue/task-queue.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError, writeJson } from './io.js';
import { checkAgentNames, loadProjectConfig } from './project-config.js';
import { formatTime } from './task-format.js';

/** Help for `meshwork submit`. */
export const SUBMIT_USAGE = `Usage: meshwork submit "<task>" [options]
       meshwork submit --plan plan.json [options]

Adds a task to the project's durable queue (.meshwork/daemon/queue.db). It is accepted at once,
whether or not the daemon runs; the daemon starts it when a slot and the budget allow.

Options:
  --agent <name>      agent to run it (default: the lead); checked now against the project's agents
  --plan <file>       plan file to follow (checked now; a task text is then only its label)
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
  const typed = positionals.join(' ').trim();
  if (typed.length === 0 && values.plan === undefined) {
    return printUsageError(`say what to do: meshwork submit "<task>" (or --plan <file>)`, io, SUBMIT_USAGE);
  }
  if (values.plan !== undefined && values.agent !== undefined) {
    return printUsageError('--plan and --agent do not go together: a plan names an agent per item', io);
  }
  // With a plan, the text only labels the task (the plan's items say what to do).
  const text = typed || `plan ${values.plan}`;
  if (values.every !== undefined && values.at !== undefined) {
    return printUsageError('pass either --every or --at, not both', io);
  }
  try {
    const settings = await loadDaemonSettings(io.cwd, values.config);
    const retries = values.retries === undefined ? settings.retries : Number(values.retries);
    if (!Number.isInteger(retries) || retries < 0 || retries > 10) {
      return printUsageError(`--retries takes a whole number from 0 to 10; got ${values.retries}`, io);
    }
    // Refuse at once what the daemon would refuse later, as the MCP delegate_task does: an
    // unknown agent, or a plan file that does not parse.
    if (values.agent !== undefined || values.plan !== undefined) {
      const config = await loadProjectConfig(io, { configPath: values.config });
      if (values.plan !== undefined) {
        const plan = await readPlan(resolve(io.cwd, values.plan));
        checkAgentNames(
          config,
          plan.map((item) => item.agent),
          (index) => `${values.plan}: [${index}].agent`,
        );
      }
      if (values.agent !== undefined) checkAgentNames(config, [values.agent], () => '--agent');
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
