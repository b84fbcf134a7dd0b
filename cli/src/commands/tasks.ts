import { resolveDaemonPaths } from '../daemon/paths.js';
import { notifyWorker } from '../daemon/wake.js';
import { openTaskQueue, type TaskQueue } from '../queue/task-queue.js';
import { FINAL_STATUSES, TASK_STATUSES, type TaskStatus } from '../queue/types.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError, writeJson } from './io.js';
import { formatEvents, formatSchedules, formatTaskDetail, formatTaskTable } from './task-format.js';

/** Help for `meshwork tasks`. */
export const TASKS_USAGE = `Usage:
  meshwork tasks list [--status <s>] [--limit <n>] [--json]   newest first, then the schedules
  meshwork tasks show <id> [--json]                           one task with its result
  meshwork tasks cancel <id>                                  a task (queued or running) or a schedule (s-…)
  meshwork tasks logs <id> [--follow] [--json]                the task's progress log

Task and schedule ids may be shortened to any unique prefix. Statuses: ${TASK_STATUSES.join(', ')}.`;

const OPTIONS = {
  status: { type: 'string', multiple: true },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
} as const;

/** `meshwork tasks list|show|cancel|logs`. */
export async function tasksCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, io, TASKS_USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [subcommand = 'list', id] = positionals;
  if (subcommand !== 'list' && id === undefined) {
    return printUsageError(`meshwork tasks ${subcommand} needs a task id`, io, TASKS_USAGE);
  }
  const paths = resolveDaemonPaths(io.cwd);
  let queue: TaskQueue | undefined;
  try {
    queue = openTaskQueue({ path: paths.database });
    switch (subcommand) {
      case 'list': {
        const statuses = (values.status ?? []) as string[];
        const unknown = statuses.filter((status) => !(TASK_STATUSES as readonly string[]).includes(status));
        if (unknown.length > 0) {
          return printUsageError(
            `unknown status ${unknown.join(', ')}; use one of ${TASK_STATUSES.join(', ')}`,
            io,
          );
        }
        const tasks = queue.list({
          ...(statuses.length > 0 ? { status: statuses as TaskStatus[] } : {}),
          limit: values.limit === undefined ? 50 : Number(values.limit) || 50,
        });
        const schedules = queue.listSchedules();
        if (values.json) writeJson(io, { tasks, schedules });
        else io.stdout.write(formatTaskTable(tasks) + formatSchedules(schedules));
        return EXIT.ok;
      }
      case 'show': {
        const task = queue.resolve(id!);
        if (values.json) writeJson(io, task);
        else io.stdout.write(formatTaskDetail(task));
        return EXIT.ok;
      }
      case 'cancel': {
        if (id!.startsWith('s-')) return cancelSchedule(queue, id!, io);
        const { outcome, task } = queue.requestCancel(id!, 'cancelled from the CLI');
        notifyWorker(paths.wakeFile);
        const messages = {
          cancelled: `${task.id} cancelled`,
          cancel_requested: `${task.id} is running; the daemon is stopping it`,
          already_finished: `${task.id} already ${task.status}; nothing to cancel`,
        };
        io.stdout.write(`${messages[outcome]}\n`);
        return outcome === 'already_finished' ? EXIT.failed : EXIT.ok;
      }
      case 'logs':
        return await showLogs(queue, id!, values.follow === true, values.json === true, io);
      default:
        return printUsageError(`unknown tasks subcommand ${JSON.stringify(subcommand)}`, io, TASKS_USAGE);
    }
  } catch (error) {
    return printError(error, io);
  } finally {
    queue?.close();
  }
}

/** Cancels the active schedule whose id is `id` or starts with it (a unique prefix). */
function cancelSchedule(queue: TaskQueue, id: string, io: CliIo): number {
  const active = queue.listSchedules().filter((schedule) => schedule.enabled);
  const exact = active.find((schedule) => schedule.id === id);
  const matches = exact ? [exact] : active.filter((schedule) => schedule.id.startsWith(id));
  if (matches.length > 1) {
    return printUsageError(
      `${id} matches ${matches.length} schedules (${matches.map((schedule) => schedule.id).join(', ')}); give more of the id`,
      io,
    );
  }
  const match = matches[0];
  if (match === undefined || !queue.disableSchedule(match.id)) {
    io.stderr.write(`meshwork: no active schedule ${id}; list them with \`meshwork tasks list\`\n`);
    return EXIT.usage;
  }
  io.stdout.write(`schedule ${match.id} cancelled\n`);
  return EXIT.ok;
}

async function showLogs(
  queue: TaskQueue,
  id: string,
  follow: boolean,
  json: boolean,
  io: CliIo,
): Promise<number> {
  const task = queue.resolve(id);
  let lastId = 0;
  for (;;) {
    const events = queue.events(task.id, lastId);
    if (events.length > 0) {
      lastId = events.at(-1)!.id;
      if (json) for (const event of events) io.stdout.write(`${JSON.stringify(event)}\n`);
      else io.stdout.write(formatEvents(events));
    }
    const current = queue.get(task.id)!;
    if (!follow || FINAL_STATUSES.includes(current.status)) return EXIT.ok;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
