import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfig, type RunReport, renderReportText } from '@meshwork/coordinator';
import { type CliIo, EXIT, parseCommand, printError, printUsageError } from './io.js';

/** Help of `meshwork runs`. */
export const RUNS_USAGE = `Usage: meshwork runs list [--json] [--config <file>]
       meshwork runs show <id> [--json] [--config <file>]

Lists past runs (from .meshwork/runs/) or shows one run's report. An id prefix is enough.

Exit codes: 0 shown, 2 no run (or several) has that id, 1 the run has no report.`;

interface RunSummary {
  runId: string;
  status: string;
  mode: string;
  startedAt: string;
  task: string;
  agents?: number;
  costUsd?: number;
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Summaries of every run under `runsDir`, newest first. */
export async function listRuns(runsDir: string): Promise<RunSummary[]> {
  let names: string[];
  try {
    names = await readdir(runsDir);
  } catch {
    return [];
  }
  const runs: RunSummary[] = [];
  for (const name of names) {
    const report = await readJson<RunReport>(join(runsDir, name, 'report.json'));
    if (report) {
      runs.push({
        runId: report.runId,
        status: report.status,
        mode: report.mode,
        startedAt: report.startedAt,
        task: report.task,
        agents: report.totals.agents,
        costUsd: report.totals.costUsd,
      });
      continue;
    }
    const meta = await readJson<{ runId: string; mode: string; startedAt: string; task: string }>(
      join(runsDir, name, 'run.json'),
    );
    if (meta) runs.push({ ...meta, status: 'interrupted' });
  }
  return runs.sort((left, right) => right.startedAt.localeCompare(left.startedAt));
}

/** `meshwork runs list|show`. */
export async function runsCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(
    argv,
    { json: { type: 'boolean' }, config: { type: 'string' }, project: { type: 'string' } },
    io,
    RUNS_USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const [action = 'list', id] = parsed.positionals;
  try {
    const config = await loadConfig({
      cwd: io.cwd,
      ...(parsed.values.config ? { configPath: parsed.values.config as string } : {}),
      ...(parsed.values.project ? { projectDir: parsed.values.project as string } : {}),
    });
    const runs = await listRuns(config.runsDir);
    if (action === 'list') {
      if (parsed.values.json) io.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      else if (runs.length === 0) io.stdout.write(`No runs in ${config.runsDir}.\n`);
      else {
        for (const run of runs) {
          io.stdout.write(
            `${run.runId}  ${run.status.padEnd(11)} ${run.mode.padEnd(5)} ${run.agents ?? '-'} agent(s)  $${(run.costUsd ?? 0).toFixed(4)}  ${run.task.split('\n')[0]?.slice(0, 60)}\n`,
          );
        }
      }
      return EXIT.ok;
    }
    if (action === 'show') {
      if (!id) {
        return printUsageError('runs show needs a run id', io, RUNS_USAGE);
      }
      const matches = runs.filter((run) => run.runId.startsWith(id));
      if (matches.length !== 1) {
        io.stderr.write(
          matches.length === 0
            ? `meshwork: no run ${id} in ${config.runsDir}; list them with \`meshwork runs list\`.\n`
            : `${id} matches ${matches.length} runs; give more of the id.\n`,
        );
        return EXIT.usage;
      }
      const match = matches[0] as RunSummary;
      const report = await readJson<RunReport>(join(config.runsDir, match.runId, 'report.json'));
      if (!report) {
        io.stdout.write(
          `Run ${match.runId} has no report (it was interrupted before finishing). Events: ${join(config.runsDir, match.runId, 'events.jsonl')}\n`,
        );
        return EXIT.failed;
      }
      io.stdout.write(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
      return EXIT.ok;
    }
    return printUsageError(`unknown action ${JSON.stringify(action)}`, io, RUNS_USAGE);
  } catch (error) {
    return printError(error, io);
  }
}
