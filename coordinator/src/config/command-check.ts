import { existsSync } from 'node:fs';
import { ConfigError } from '../errors.js';

/**
 * Refuses `"command": "node /path/cli.js"`: the command is started as one program name, so the
 * spawn fails with a bare ENOENT. A command with spaces that is not itself a file (a path such as
 * `/opt/My Tools/server` is) is taken for a command line, and the error shows the entry as it
 * should be written. A command holding `${VAR}` is left alone (its value is known only at spawn).
 */
export function checkCommand(file: string, server: string, command: string, args: readonly string[]): void {
  if (!/\s/.test(command.trim()) || command.includes('${') || existsSync(command)) return;
  const [program, ...rest] = command.trim().split(/\s+/);
  const fixed = { command: program, args: [...rest, ...args] };
  throw new ConfigError(
    file,
    `mcpServers.${server}.command`,
    `expected a program name, got a command line ${JSON.stringify(command)}; put the arguments in args: ${JSON.stringify(fixed).replace(/^\{|\}$/g, '')}`,
  );
}
