import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isCoordinatorError } from '../errors.js';

/** Where a command writes, and what it runs in. Structurally the daemon's CommandIo plus extras. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
  /** Aborted on SIGINT/SIGTERM. */
  signal?: AbortSignal;
  /** Reads one line from the user (interactive `ask` prompts); absent when there is no terminal. */
  ask?: (question: string) => Promise<string>;
}

/** Exit codes of `meshwork`. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, cancelled: 130 } as const;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with positionals; prints the problem and the usage, and returns undefined, on a usage error. */
export function parseCommand<T extends Options>(argv: string[], options: T, io: CliIo, usage: string) {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if ((parsed.values as { help?: boolean }).help) {
      io.stdout.write(`${usage}\n`);
      return null;
    }
    return parsed as unknown as {
      values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; args: string[] }>>['values'];
      positionals: string[];
    };
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return undefined;
  }
}

/** Prints an error (a coordinator error by its message; anything else with its stack) and returns 1. */
export function printError(error: unknown, io: CliIo): number {
  if (isCoordinatorError(error)) {
    io.stderr.write(`meshwork: ${error.message}\n`);
    return error.code === 'E_CONFIG' ? EXIT.usage : EXIT.failed;
  }
  io.stderr.write(`meshwork: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return EXIT.failed;
}

/** A positive integer flag value, or an error message. */
export function readPositive(value: string | undefined, flag: string, integer = true): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) {
    throw new Error(`${flag} takes a positive ${integer ? 'whole ' : ''}number; got ${value}`);
  }
  return number;
}
