import { serveCommand } from '../mesh-server/serve-command.js';
import { type CommandIo, EXIT_USAGE } from './commands/command-io.js';
import { daemonCommand } from './commands/daemon.js';
import { dreamCommand } from './commands/dream.js';
import { submitCommand } from './commands/submit.js';
import { tasksCommand } from './commands/tasks.js';
import { createBuiltInDreaming } from './dream/dreaming.js';

/** Help listing the daemon-side commands. */
export const DAEMON_CLI_USAGE = `Usage: meshwork <command> ...

  daemon [start|stop|status]   run the worker (foreground, or in the background)
  submit "<task>"              add a task to the durable queue
  tasks list|show|cancel|logs  inspect and cancel queued tasks
  dream [--dry-run] | dream log | dream undo <id>
  serve [--stdio|--http]       expose the mesh as an MCP server

Run \`meshwork <command> --help\` for the options of one command.`;

/** Runs one daemon-side command; returns the exit code. */
export async function runDaemonCli(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  const commands: Record<string, (argv: string[], io: CommandIo) => Promise<number>> = {
    daemon: (rest, commandIo) => daemonCommand(rest, commandIo, createBuiltInDreaming),
    dream: dreamCommand,
    submit: submitCommand,
    tasks: tasksCommand,
    serve: (rest, commandIo) => serveCommand(rest, commandIo, createBuiltInDreaming),
  };
  const handler = command === undefined ? undefined : commands[command];
  if (!handler) {
    io.stderr.write(
      `${command === undefined ? '' : `Unknown command ${JSON.stringify(command)}.\n\n`}${DAEMON_CLI_USAGE}\n`,
    );
    return EXIT_USAGE;
  }
  return handler(rest, io);
}
