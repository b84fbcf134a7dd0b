import { type ParseArgsConfig, parseArgs } from 'node:util';
import { isDaemonError } from '../errors.js';

/** Where a command writes and which project it acts on. */
export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
  /** Project directory. */
  cwd: string;
  env: Record<string, string | undefined>;
}

/** A CLI command: `(argv after the command name, io) => exit code`. */
export type CommandHandler = (argv: string[], io: CommandIo) => Promise<number>;

/** Exit code for bad usage. */
export const EXIT_USAGE = 2;

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with positionals allowed; a usage error is reported and returned as `undefined`. */
export function parseCommandArgs<T extends Options>(
  argv: string[],
  options: T,
  io: CommandIo,
  usage: string,
):
  | {
      values: ReturnType<typeof parseArgs<{ options: T; allowPositionals: true; args: string[] }>>['values'];
      positionals: string[];
    }
  | undefined {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    io.stderr.write(`${(error as Error).message}\n\n${usage}\n`);
    return undefined;
  }
}

/** Prints a known error (a DaemonError or anything with a code) and returns exit code 1. */
export function reportError(error: unknown, io: CommandIo, prefix = 'meshwork'): number {
  if (
    isDaemonError(error) ||
    (error instanceof Error && typeof (error as { code?: unknown }).code === 'string')
  ) {
    const code = (error as unknown as { code: string }).code;
    io.stderr.write(`${prefix}: ${code}: ${(error as Error).message}\n`);
    const cause = (error as Error).cause;
    if (cause instanceof Error) io.stderr.write(`  caused by: ${cause.message}\n`);
    return 1;
  }
  throw error;
}

/** Writes a value as pretty JSON. */
export function writeJson(io: CommandIo, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
