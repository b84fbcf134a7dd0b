import { resolveDaemonPaths } from '../paths.js';
import { openTaskQueue, type TaskQueue } from '../queue/task-queue.js';
import { FINAL_STATUSES, TASK_STATUSES, type TaskStatus } from '../queue/types.js';
import { notifyWorker } from '../wake.js';
import { type CommandIo, EXIT_USAGE, parseCommandArgs, reportError, writeJson } from './command-io.js';
import { formatEvents, formatSchedules, formatTaskDetail, formatTaskTable } from './format.js';

/** Help for `meshwork tasks`. */
export const TASKS_USAGE = `Usage:
  meshwork tasks list [--status <s>] [--limit <n>] [--json]   newest first, then the schedules
  meshwork tasks show <id> [--json]                           one task with its result
  meshwork tasks cancel <id>                                  a task (queued or running) or a schedule (s-…)
  meshwork tasks logs <id> [--follow] [--json]                the task's progress log

Ids may be shortened to any unique prefix. Statuses: ${TASK_STATUSES.join(', ')}.`;

const OPTIONS = {
  status: { type: 'string', multiple: true },
  limit: { type: 'string' },
  json: { type: 'boolean' },
  follow: { type: 'boolean', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `meshwork tasks list|show|cancel|logs`. */
export async function tasksCommand(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(argv, OPTIONS, io, TASKS_USAGE);
  if (!parsed) return EXIT_USAGE;
  const { values, positionals } = parsed;
  const [subcommand = 'list', id] = positionals;
  if (values.help) {
    io.stdout.write(`${TASKS_USAGE}\n`);
    return 0;
  }
  if (subcommand !== 'list' && id === undefined) {
    io.stderr.write(`meshwork tasks ${subcommand} needs a task id.\n\n${TASKS_USAGE}\n`);
    return EXIT_USAGE;
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
          io.stderr.write(`Unknown status ${unknown.join(', ')}; use one of ${TASK_STATUSES.join(', ')}.\n`);
          return EXIT_USAGE;
        }
        const tasks = queue.list({
          ...(statuses.length > 0 ? { status: statuses as TaskStatus[] } : {}),
          limit: values.limit === undefined ? 50 : Number(values.limit) || 50,
        });
        const schedules = queue.listSchedules();
        if (values.json) writeJson(io, { tasks, schedules });
        else io.stdout.write(formatTaskTable(tasks) + formatSchedules(schedules));
        return 0;
      }
      case 'show': {
        const task = queue.resolve(id!);
        if (values.json) writeJson(io, task);
        else io.stdout.write(formatTaskDetail(task));
        return 0;
      }
      case 'cancel': {
        if (id!.startsWith('s-')) {
          const disabled = queue.disableSchedule(id!);
          io.stdout.write(disabled ? `schedule ${id} cancelled\n` : `no active schedule ${id}\n`);
          return disabled ? 0 : 1;
        }
        const { outcome, task } = queue.requestCancel(id!, 'cancelled from the CLI');
        notifyWorker(paths.wakeFile);
        const messages = {
          cancelled: `${task.id} cancelled`,
          cancel_requested: `${task.id} is running; the daemon is stopping it`,
          already_finished: `${task.id} already ${task.status}; nothing to cancel`,
        };
        io.stdout.write(`${messages[outcome]}\n`);
        return outcome === 'already_finished' ? 1 : 0;
      }
      case 'logs':
        return await showLogs(queue, id!, values.follow === true, values.json === true, io);
      default:
        io.stderr.write(`Unknown tasks subcommand ${JSON.stringify(subcommand)}.\n\n${TASKS_USAGE}\n`);
        return EXIT_USAGE;
    }
  } catch (error) {
    return reportError(error, io, 'meshwork tasks');
  } finally {
    queue?.close();
  }
}

async function showLogs(
  queue: TaskQueue,
  id: string,
  follow: boolean,
  json: boolean,
  io: CommandIo,
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
    if (!follow || FINAL_STATUSES.includes(current.status)) return 0;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
