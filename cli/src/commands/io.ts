import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError } from '../errors.js';

/** Where a command writes, and what it runs in. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** The project directory. */
  cwd: string;
  env: Record<string, string | undefined>;
  /** Aborted on the first SIGINT/SIGTERM for `run` and `demo`, which then cancel their agents. */
  signal?: AbortSignal;
  /** Reads one line from the user (interactive `ask` prompts); absent when there is no terminal. */
  ask?: (question: string) => Promise<string>;
}

/** A command: `(argv after the command name, io) => exit code`. */
export type CommandHandler = (argv: string[], io: CliIo) => Promise<number>;

/**
 * Exit codes of `meshwork`. `notRunning` is `daemon status`'s answer when no daemon runs (3, as
 * an LSB init script's status says "not running"); it shares its number with `partial`, which
 * only runs return.
 */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, notRunning: 3, cancelled: 130 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** What {@link parseCommand} returns when the command should go on. */
export interface ParsedCommand<T extends Options> {
  values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; args: string[] }>>['values'];
  positionals: string[];
}

/**
 * parseArgs with positionals and `--help`. Returns the parsed arguments, or an exit code when the
 * command is done: {@link EXIT}.ok after printing the usage for `--help`, {@link EXIT}.usage after
 * printing the problem and the usage.
 */
export function parseCommand<T extends Options>(
  argv: string[],
  options: T,
  io: CliIo,
  usage: string,
): ParsedCommand<T> | number {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if ((parsed.values as { help?: boolean }).help) {
      io.stdout.write(`${usage}\n`);
      return EXIT.ok;
    }
    return parsed as unknown as ParsedCommand<T>;
  } catch (error) {
    io.stderr.write(`meshwork: ${(error as Error).message}\n\n${usage}\n`);
    return EXIT.usage;
  }
}

/** Prints a usage problem as every command does and returns {@link EXIT}.usage. */
export function printUsageError(message: string, io: CliIo, usage?: string): number {
  io.stderr.write(`meshwork: ${message}\n${usage === undefined ? '' : `\n${usage}\n`}`);
  return EXIT.usage;
}

/**
 * Codes of a usage or configuration problem (exit 2): the command cannot start until the user
 * changes the command line, meshwork.json, a plan file or the model settings.
 */
const USAGE_CODES: ReadonlySet<string> = new Set([
  'E_USAGE',
  'E_CONFIG',
  'E_CONFIG_VARIABLE',
  'E_PLAN',
  'E_UNKNOWN_AGENT',
  'E_NO_AGENTS',
  'E_NO_MODEL',
]);

function codeOf(error: unknown): string | undefined {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^E_[A-Z0-9_]+$/.test(code) ? code : undefined;
}

/**
 * Prints an error the one way every command does and returns the exit code. A meshwork error (any
 * package's: it has an `E_…` code) prints as `meshwork: <code>: <message>` plus its cause, and
 * exits 2 for a usage or config problem (a bad flag, meshwork.json, plan file, agent name or model
 * setting), else 1; anything else is a bug and prints its stack.
 */
export function printError(error: unknown, io: CliIo): number {
  const code = codeOf(error);
  if (code !== undefined) {
    io.stderr.write(`meshwork: ${code}: ${(error as Error).message}\n`);
    const cause = (error as Error).cause;
    if (cause instanceof Error) io.stderr.write(`  caused by: ${cause.message}\n`);
    return USAGE_CODES.has(code) ? EXIT.usage : EXIT.failed;
  }
  io.stderr.write(`meshwork: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failed;
}

/** Writes a value as pretty JSON. */
export function writeJson(io: CliIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** A positive number flag value (whole unless `integer` is false); a bad value throws `E_USAGE`. */
export function readPositive(value: string | undefined, flag: string, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new CliError('E_USAGE', `${flag} takes a positive ${integer ? 'whole ' : ''}number; got ${value}`);
  }
  return number;
}
