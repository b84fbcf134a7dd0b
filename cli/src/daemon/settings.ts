import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { CliError } from '../errors.js';

/** Dream triggers and options; all configurable, checked cheapest first. */
export const DreamSettingsSchema = z.object({
  /** Let the daemon dream on its own when the triggers fire. */
  enabled: z.boolean().default(true),
  /** Trigger 1: no task submitted, started or finished for this long. */
  idleMinutes: z.number().min(0).default(30),
  /** Trigger 2: at least this many hours since the last dream. */
  minHours: z.number().min(0).default(24),
  /** Trigger 3: at least this many sessions (transcripts) since the last dream. */
  minSessions: z.number().int().min(0).default(5),
  /** How often an idle daemon looks at the triggers. */
  checkEveryMinutes: z.number().positive().default(5),
  /** Name of the memory server in `mcpServers`; default meshwork.json `memory.server`, then "memory". */
  server: z.string().optional(),
  /** Agent that runs the dream; default: the built-in memory-only dreamer. */
  agent: z.string().optional(),
  /** Model of the dreaming subagent; default: meshwork.json `model`, then the coordinator's default model. */
  model: z.string().optional(),
  /** Turn limit for the dreaming subagent. */
  maxTurns: z.number().int().positive().default(40),
});

/** The `daemon` section of meshwork.json. */
export const DaemonSettingsSchema = z.object({
  /** Tasks run at the same time. */
  concurrency: z.number().int().min(1).max(64).default(2),
  /** How many times an interrupted task is retried after a crash or a lost lease. */
  retries: z.number().int().min(0).max(10).default(1),
  /** A running task whose owner has not renewed its lease for this long is interrupted. */
  leaseSeconds: z.number().positive().default(60),
  /** How often a worker renews the leases of its running tasks. */
  heartbeatSeconds: z.number().positive().default(5),
  /** Fallback poll when the wake file cannot be watched, and the clock for housekeeping. */
  pollSeconds: z.number().positive().default(30),
  /** Daily limits, counted from 00:00 UTC; when spent, tasks wait with status waiting_budget. */
  budget: z
    .object({
      dailyTokens: z.number().int().positive().optional(),
      dailyCostUsd: z.number().positive().optional(),
    })
    .default({}),
  /**
   * A module exporting `createTaskRunner(options)`, used instead of the coordinator to run tasks
   * (relative to the project directory).
   */
  runner: z.string().optional(),
  dream: DreamSettingsSchema.default(DreamSettingsSchema.parse({})),
});

/** Parsed daemon settings. */
export type DaemonSettings = z.infer<typeof DaemonSettingsSchema>;
/** Parsed dream settings. */
export type DreamSettings = z.infer<typeof DreamSettingsSchema>;

/** The defaults, as if meshwork.json had no `daemon` section. */
export function defaultDaemonSettings(): DaemonSettings {
  return DaemonSettingsSchema.parse({});
}

/**
 * Reads the `daemon` section of `meshwork.json` (or `configPath`) under `cwd`. A missing file gives
 * the defaults; a malformed section is an error that names the field.
 */
export async function loadDaemonSettings(cwd: string, configPath?: string): Promise<DaemonSettings> {
  const path = resolve(cwd, configPath ?? 'meshwork.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && configPath === undefined)
      return defaultDaemonSettings();
    throw new CliError('E_CONFIG', `Cannot read ${path}.`, { cause: error });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CliError('E_CONFIG', `${path} is not valid JSON.`, { cause: error });
  }
  const section =
    typeof json === 'object' && json !== null ? (json as { daemon?: unknown }).daemon : undefined;
  const parsed = DaemonSettingsSchema.safeParse(section ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      'E_CONFIG',
      `${path}: daemon.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}.`,
    );
  }
  return parsed.data;
}
