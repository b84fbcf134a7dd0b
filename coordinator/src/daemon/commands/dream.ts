import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, isLogLevel } from '@meshwork/kit';
import { formatDreamRecord, readDreamLog } from '../dream/dream-log.js';
import { createProjectDreamAgent } from '../dream/dreaming.js';
import { openMemoryClient } from '../dream/memory-client.js';
import { loadMemoryServerSpec, memoryDirectoryOf, withMemoryDirectory } from '../dream/memory-server-spec.js';
import { runDream } from '../dream/run-dream.js';
import { loadDaemonSettings } from '../settings.js';
import { type CommandIo, EXIT_USAGE, parseCommandArgs, reportError, writeJson } from './command-io.js';

/** Help for `meshwork dream`. */
export const DREAM_USAGE = `Usage:
  meshwork dream [--dry-run] [--focus <text>]   consolidate memory now (orient, gather, consolidate, prune)
  meshwork dream log [--limit <n>] [--diff]      what each dream changed, newest first
  meshwork dream undo <dream-id>                 put topics and index back as they were before that dream

--dry-run runs the dream on a scratch copy of the memory and prints the diff; nothing is written.
The memory server is mcpServers.<daemon.dream.server> (default "memory") of meshwork.json.

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
  help: { type: 'boolean', short: 'h' },
} as const;

/** `meshwork dream [--dry-run] | dream log | dream undo <id>`. */
export async function dreamCommand(argv: string[], io: CommandIo): Promise<number> {
  const parsed = parseCommandArgs(argv, OPTIONS, io, DREAM_USAGE);
  if (!parsed) return EXIT_USAGE;
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout.write(`${DREAM_USAGE}\n`);
    return 0;
  }
  const [subcommand = 'run', dreamId] = positionals;
  const level = values['log-level'] ?? io.env.MESHWORK_LOG_LEVEL;
  const logger = createLogger({ name: 'meshwork-dream', level: isLogLevel(level) ? level : 'warn' });
  try {
    const settings = await loadDaemonSettings(io.cwd, values.config);
    const spec = await loadMemoryServerSpec(io.cwd, settings.dream.server, values.config);
    const memoryDirectory = memoryDirectoryOf(spec);
    switch (subcommand) {
      case 'log': {
        const limit = values.limit === undefined ? 20 : Math.max(1, Number(values.limit) || 20);
        const records = (await readDreamLog(memoryDirectory)).reverse().slice(0, limit);
        if (values.json) writeJson(io, records);
        else if (records.length === 0) io.stdout.write(`No dreams recorded in ${memoryDirectory}.\n`);
        else
          io.stdout.write(
            records.map((record) => formatDreamRecord(record, values.diff === true)).join('\n'),
          );
        return 0;
      }
      case 'undo': {
        if (dreamId === undefined) {
          io.stderr.write(`meshwork dream undo needs a dream id (see \`meshwork dream log\`).\n`);
          return EXIT_USAGE;
        }
        const memory = await openMemoryClient(spec, logger);
        try {
          const restored = await memory.call<{
            restored: boolean;
            changes: Array<{ path: string; change: string }>;
          }>('restore_dream', { dream_id: dreamId });
          if (values.json) writeJson(io, restored);
          else {
            io.stdout.write(`restored the memory as it was before ${dreamId}\n`);
            for (const change of restored.changes)
              io.stdout.write(`  ${change.change.padEnd(8)} ${change.path}\n`);
          }
          return 0;
        } finally {
          await memory.close();
        }
      }
      case 'run': {
        const dryRun = values['dry-run'] === true;
        let scratch: string | undefined;
        let target = spec;
        let copy: string | undefined;
        if (dryRun) {
          scratch = mkdtempSync(join(tmpdir(), 'meshwork-dream-dry-'));
          copy = join(scratch, 'memory');
          if (existsSync(memoryDirectory)) cpSync(memoryDirectory, copy, { recursive: true });
          target = withMemoryDirectory(spec, copy);
        }
        try {
          const agent = await createProjectDreamAgent(io.cwd, settings, {
            configPath: values.config,
            memoryServer: spec.name,
            logger,
            memoryDirectory: copy,
          });
          const memory = await openMemoryClient(target, logger);
          const controller = new AbortController();
          const onSignal = () => controller.abort('interrupted');
          process.once('SIGINT', onSignal);
          let report: Awaited<ReturnType<typeof runDream>>;
          try {
            report = await runDream({
              memory,
              agent,
              server: spec.name,
              signal: controller.signal,
              focus: values.focus,
              progress: (message) => logger.info(message),
            });
          } finally {
            process.off('SIGINT', onSignal);
            await memory.close();
          }
          const record = (await readDreamLog(memoryDirectoryOf(target)))
            .reverse()
            .find((entry) => entry.dream_id === report.dreamId && entry.kind === 'dream');
          if (values.json) writeJson(io, { dryRun, ...report, record: record ?? null });
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
          return report.outcome === 'failed' ? 1 : 0;
        } finally {
          if (scratch) rmSync(scratch, { recursive: true, force: true });
        }
      }
      default:
        io.stderr.write(`Unknown dream subcommand ${JSON.stringify(subcommand)}.\n\n${DREAM_USAGE}\n`);
        return EXIT_USAGE;
    }
  } catch (error) {
    return reportError(error, io, 'meshwork dream');
  }
}
