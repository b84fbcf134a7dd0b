#!/usr/bin/env node
// The `meshwork` bin: parses the command name, wires the process (stdio, signals, a prompt on a
// terminal) into a CliIo and is the only file that exits the process.
import { createInterface } from 'node:readline/promises';
import { readPackageVersion } from '@meshwork/kit';
import { agentsCommand } from './commands/agents.js';
import { daemonCommand } from './commands/daemon.js';
import { demoCommand } from './commands/demo.js';
import { dreamCommand } from './commands/dream.js';
import { initCommand } from './commands/init.js';
import { type CliIo, type CommandHandler, EXIT, printError } from './commands/io.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serveCommand } from './commands/serve.js';
import { serversCommand } from './commands/servers.js';
import { submitCommand } from './commands/submit.js';
import { tasksCommand } from './commands/tasks.js';

const USAGE = `Usage: meshwork <command> [options]

  run "<task>"            a lead agent delegates to the project's agents; prints the merged report
  run --plan plan.json    fixed fan-out of {agent, task} items, no lead model
  demo                    the main job: three agents on the bundled sample project (offline without a key)
  runs list | show <id>   past runs
  agents list             the agents and their profiles
  servers                 start every configured server and report status, tools and latency
  init                    write a starter meshwork.json, three agents and docs
  --version               print the version of meshwork

  daemon [start|stop|status]    run the worker (foreground, or in the background)
  submit "<task>"               add a task to the durable queue
  tasks list|show|cancel|logs   inspect and cancel queued tasks
  dream [--dry-run] | dream log | dream undo <id>
  serve [--stdio|--http]        expose the mesh as an MCP server

Run \`meshwork <command> --help\` for a command's options.`;

const COMMANDS: Record<string, CommandHandler> = {
  run: runCommand,
  demo: demoCommand,
  runs: runsCommand,
  agents: agentsCommand,
  servers: serversCommand,
  init: initCommand,
  daemon: daemonCommand,
  submit: submitCommand,
  tasks: tasksCommand,
  dream: dreamCommand,
  serve: serveCommand,
};

/**
 * Commands whose agents a first SIGINT/SIGTERM cancels (the partial report is still written); the
 * others stop in their own way (a worker drains, a server shuts down) or at once.
 */
const CANCELLABLE_RUNS = new Set(['run', 'demo']);

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  if (command === '--version' || command === '-v' || command === 'version') {
    process.stdout.write(`${readPackageVersion(new URL('../package.json', import.meta.url))}\n`);
    return EXIT.ok;
  }
  const handler = COMMANDS[command];
  if (!handler) {
    process.stderr.write(`meshwork: unknown command ${JSON.stringify(command)}\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  const controller = new AbortController();
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
  };
  if (CANCELLABLE_RUNS.has(command)) {
    io.signal = controller.signal;
    let interrupts = 0;
    const onSignal = (signal: NodeJS.Signals) => {
      interrupts += 1;
      if (interrupts === 1) {
        process.stderr.write(
          `\nmeshwork: ${signal}: cancelling every agent; the partial report is being written (press again to quit now)\n`,
        );
        controller.abort(new Error(`interrupted by ${signal}`));
      } else process.exit(EXIT.cancelled);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  if (process.stdin.isTTY) {
    io.ask = async (question) => {
      const readline = createInterface({ input: process.stdin, output: process.stderr });
      try {
        return await readline.question(question);
      } finally {
        readline.close();
      }
    };
  }
  return handler(rest, io);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => process.exit(printError(error, { ...process, cwd: process.cwd(), env: process.env })),
);
