import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCoordinator, type MeshworkConfig } from '@meshwork/coordinator';
import { createLogger, isLogLevel } from '@meshwork/kit';
import type { Logger } from 'pino';
import { openProjectCoordinator, type ProjectCoordinator } from '../daemon/project-coordinator.js';
import { type DaemonSettings, loadDaemonSettings } from '../daemon/settings.js';
import { formatDreamRecord, readDreamLog, undoneChange } from '../dream/dream-log.js';
import { createDreamMemory } from '../dream/dream-memory.js';
import { createCoordinatorDreamAgent, createDreamCoordinator } from '../dream/dreamer.js';
import { dreamServerOf } from '../dream/dreaming.js';
import { type DreamReport, runDream } from '../dream/run-dream.js';
import { CliError } from '../errors.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError, writeJson } from './io.js';

/** Help for `meshwork dream`. */
export const DREAM_USAGE = `Usage:
  meshwork dream [--dry-run] [--focus <text>]   consolidate memory now (orient, gather, consolidate, prune)
  meshwork dream log [--limit <n>] [--diff]      what each dream changed, newest first
  meshwork dream undo <dream-id>                 put topics and index back as they were before that dream

--dry-run runs the dream on a scratch copy of the memory and prints the diff; nothing is written.
The memory server is mcpServers.<daemon.dream.server> of meshwork.json (default: memory.server, then
the first memory server, then "memory").

Options:
  --config <file>       project config (default meshwork.json)
  --json                machine-readable output
  --log-level <level>   fatal|error|warn|info|debug|trace|silent`;

const OPTIONS = {
  'dry-run': { type: 'boolean' },
  focus: { type: 'string' },
  limit: { type: 'string' },
  diff: { type: 'boolean' },
  config: { type: 'string' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
} as const;

/** `meshwork dream [--dry-run] | dream log | dream undo <id>`. */
export async function dreamCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, OPTIONS, io, DREAM_USAGE);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const [subcommand = 'run', dreamId] = positionals;
  if (!['run', 'log', 'undo'].includes(subcommand)) {
    return printUsageError(`unknown dream subcommand ${JSON.stringify(subcommand)}`, io, DREAM_USAGE);
  }
  if (subcommand === 'undo' && dreamId === undefined) {
    return printUsageError('dream undo needs a dream id (see `meshwork dream log`)', io);
  }
  const level = values['log-level'] ?? io.env.MESHWORK_LOG_LEVEL;
  const logger = createLogger({ name: 'meshwork-dream', level: isLogLevel(level) ? level : 'warn' });
  let project: ProjectCoordinator | undefined;
  try {
    const settings = await loadDaemonSettings(io.cwd, values.config);
    project = await openProjectCoordinator({ cwd: io.cwd, configPath: values.config, logger });
    const server = dreamServerOf(project.config, settings.dream);
    const memory = createDreamMemory(project.coordinator, server);
    if (subcommand === 'log') {
      const { dir } = await memory.call<{ dir: string }>('memory/stats');
      const limit = values.limit === undefined ? 20 : Math.max(1, Number(values.limit) || 20);
      const records = (await readDreamLog(dir)).reverse().slice(0, limit);
      if (values.json) writeJson(io, records);
      else if (records.length === 0) io.stdout.write(`No dreams recorded in ${dir}.\n`);
      else
        io.stdout.write(records.map((record) => formatDreamRecord(record, values.diff === true)).join('\n'));
      return EXIT.ok;
    }
    if (subcommand === 'undo') {
      const restored = await memory.call<{
        restored: boolean;
        changes: Array<{ path: string; change: string }>;
      }>('memory/restore-dream', { dream_id: dreamId });
      if (values.json) writeJson(io, restored);
      else {
        io.stdout.write(`restored the memory as it was before ${dreamId}\n`);
        for (const change of restored.changes)
          io.stdout.write(`  ${undoneChange(change.change).padEnd(8)} ${change.path}\n`);
      }
      return EXIT.ok;
    }
    return await dreamNow({
      project,
      server,
      settings,
      dryRun: values['dry-run'] === true,
      focus: values.focus,
      json: values.json === true,
      io,
      logger,
    });
  } catch (error) {
    return printError(error, io);
  } finally {
    await project?.coordinator.close();
  }
}

/** The project's config with the memory server pointed at `directory` (its later `--dir` wins). */
function withMemoryDirectory(config: MeshworkConfig, server: string, directory: string): MeshworkConfig {
  const entry = config.servers[server];
  if (entry?.transport !== 'stdio') {
    throw new CliError(
      'E_USAGE',
      `dream --dry-run needs a stdio memory server; mcpServers.${server} is not one.`,
    );
  }
  return {
    ...config,
    servers: {
      ...config.servers,
      [server]: {
        ...entry,
        args: [...entry.args, '--dir', directory],
        env: { ...entry.env, MESHWORK_MEMORY_DIR: directory },
        // The scratch copy is the one place the dry run's memory server writes.
        sandbox:
          entry.sandbox === 'none'
            ? 'none'
            : { ...entry.sandbox, write: [...(entry.sandbox?.write ?? []), directory] },
      },
    },
  };
}

/**
 * One dream now, on the project's memory or (dry run) on a scratch copy of it served by its own
 * memory server process; prints the outcome and the record.
 */
async function dreamNow(options: {
  project: ProjectCoordinator;
  server: string;
  settings: DaemonSettings;
  dryRun: boolean;
  focus: string | undefined;
  json: boolean;
  io: CliIo;
  logger: Logger;
}): Promise<number> {
  const { project, server, dryRun, io, logger } = options;
  const { dir } = await createDreamMemory(project.coordinator, server).call<{ dir: string }>('memory/stats');
  let target = project;
  let scratch: string | undefined;
  let directory = dir;
  if (dryRun) {
    scratch = mkdtempSync(join(tmpdir(), 'meshwork-dream-dry-'));
    directory = join(scratch, 'memory');
    if (existsSync(dir)) cpSync(dir, directory, { recursive: true });
    const config = withMemoryDirectory(project.config, server, directory);
    target = { config, coordinator: createCoordinator({ config, logger }) };
  }
  const controller = new AbortController();
  const onSignal = () => controller.abort('interrupted');
  process.once('SIGINT', onSignal);
  try {
    const dreamCoordinator = await createDreamCoordinator({
      config: target.config,
      server,
      settings: options.settings.dream,
      base: target.coordinator,
      logger,
    });
    let report: DreamReport;
    try {
      report = await runDream({
        memory: createDreamMemory(target.coordinator, server),
        agent: createCoordinatorDreamAgent(dreamCoordinator),
        signal: controller.signal,
        focus: options.focus,
        progress: (message) => logger.info(message),
      });
    } finally {
      await dreamCoordinator.close();
    }
    const record = (await readDreamLog(directory))
      .reverse()
      .find((entry) => entry.dream_id === report.dreamId && entry.kind === 'dream');
    if (options.json) writeJson(io, { dryRun, ...report, record: record ?? null });
    else {
      io.stdout.write(
        `${dryRun ? '[dry run: nothing was written] ' : ''}${report.outcome}: ${report.summary}\n`,
      );
      if (report.index) {
        io.stdout.write(
          `index: ${report.index.lines} lines, ${report.index.bytes} bytes${report.index.withinBounds ? ' (within bounds)' : ' (over bounds)'}\n`,
        );
      }
      if (record && report.outcome === 'completed') io.stdout.write(formatDreamRecord(record, true));
      if (!dryRun && report.dreamId && report.outcome === 'completed') {
        io.stdout.write(`undo with: meshwork dream undo ${report.dreamId}\n`);
      }
    }
    return report.outcome === 'failed' ? EXIT.failed : EXIT.ok;
  } finally {
    process.off('SIGINT', onSignal);
    if (target !== project) await target.coordinator.close();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  }
}
