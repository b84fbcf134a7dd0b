#!/usr/bin/env node
import { createInterface } from 'node:readline/promises';
import { agentsCommand } from './commands/agents.js';
import { demoCommand } from './commands/demo.js';
import { initCommand } from './commands/init.js';
import { type CliIo, EXIT } from './commands/io.js';
import { runCommand } from './commands/run.js';
import { runsCommand } from './commands/runs.js';
import { serversCommand } from './commands/servers.js';
import { runDaemonCli } from './daemon/cli-dispatch.js';

const USAGE = `Usage: meshwork <command> [options]

  run "<task>"            a lead agent delegates to the project's agents; prints the merged report
  run --plan plan.json    fixed fan-out of {agent, task} items, no lead model
  demo                    the main job: three agents on the bundled sample project (offline without a key)
  runs list | show <id>   past runs
  agents list             the agents and their profiles
  servers                 start every configured server and report status, tools and latency
  init                    write a starter meshwork.json, three agents and docs
  daemon | submit | tasks | dream | serve   background work (see \`meshwork daemon --help\`)

Run \`meshwork <command> --help\` for a command's options.`;

const COMMANDS: Record<string, (argv: string[], io: CliIo) => Promise<number>> = {
  run: runCommand,
  demo: demoCommand,
  runs: runsCommand,
  agents: agentsCommand,
  servers: serversCommand,
  init: initCommand,
};

const DAEMON_COMMANDS = new Set(['daemon', 'submit', 'tasks', 'dream', 'serve']);

async function main(): Promise<number> {
  const [command, ...rest] = process.argv.slice(2);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  const controller = new AbortController();
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
  const io: CliIo = {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  };
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
  if (DAEMON_COMMANDS.has(command)) return runDaemonCli([command, ...rest], io);
  const handler = COMMANDS[command];
  if (!handler) {
    process.stderr.write(`Unknown command ${JSON.stringify(command)}.\n\n${USAGE}\n`);
    return EXIT.usage;
  }
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return handler(rest, io);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `meshwork: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(EXIT.failed);
  },
);
