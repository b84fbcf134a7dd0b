import { resolve } from 'node:path';
import {
  type Budgets,
  type CoordinatorOptions,
  createCoordinator,
  createLiveProgress,
  type MeshworkConfig,
  type RunReport,
  renderReportText,
} from '@meshwork/coordinator';
import { readPlan } from '../plan-file.js';
import { type CliIo, EXIT, parseCommand, printError, printUsageError, readPositive } from './io.js';
import { checkAgentNames, loadProjectConfig } from './project-config.js';

/** Help of `meshwork run`. */
export const RUN_USAGE = `Usage: meshwork run "<task>" [options]
       meshwork run --plan plan.json [options]

Runs a lead agent that delegates the task to the project's agents (or a fixed plan, or one agent),
and prints the merged report.

Options:
  --config <file>       meshwork.json (default: ./meshwork.json)
  --project <dir>       project directory (default: the config file's directory)
  --plan <file>         JSON [{"agent": "...", "task": "..."}, ...]: fixed fan-out, no lead model
  --agent <name>        run one agent directly on the task
  --concurrency <n>     subagents running at once (default: config, else 4)
  --max-turns <n>       run-wide turn budget
  --max-tokens <n>      run-wide token budget
  --max-cost <usd>      run-wide cost budget
  --max-seconds <n>     run-wide wall-time budget
  --interactive         ask the user about "ask" rules (needs a terminal); otherwise ask = deny
  --json                print the report as JSON on stdout (no live progress)
  --run-id <id>         use this run id

Model: ANTHROPIC_API_KEY (and ANTHROPIC_BASE_URL for any compatible endpoint). Without either, the
config's offline.script is served on loopback and no model is called.

Exit codes: 0 succeeded, 3 partial (some agents did not succeed), 1 failed, 2 usage or config
error, 130 interrupted (the partial report is still written).`;

/** Exit code for a report. */
export function exitCodeOf(report: RunReport): number {
  if (report.status === 'succeeded') return EXIT.ok;
  if (report.status === 'partial') return EXIT.partial;
  if (report.status === 'cancelled') return EXIT.cancelled;
  return EXIT.failed;
}

/**
 * Shared by `run` and `demo`: runs and prints. The config, the plan and the agents were checked
 * before (a usage error wins over a missing model); model access is resolved last.
 */
export async function runAndPrint(
  io: CliIo,
  settings: {
    config: MeshworkConfig;
    json: boolean;
    interactive: boolean;
    request: Parameters<ReturnType<typeof createCoordinator>['run']>[0];
  },
): Promise<number> {
  const { config } = settings;
  const options: CoordinatorOptions = {
    config,
    env: io.env,
    interactive: settings.interactive && io.ask !== undefined,
  };
  if (options.interactive && io.ask) {
    const ask = io.ask;
    options.prompt = async (question) => /^y(es)?$/i.test((await ask(`${question.message} [y/N] `)).trim());
  }
  const coordinator = createCoordinator(options);
  const progress = settings.json ? undefined : createLiveProgress(io.stderr);
  try {
    const access = await coordinator.modelAccess();
    if (access.offline && settings.json)
      io.stderr.write('offline: using the bundled script, no model was called\n');
    const report = await coordinator.run({
      ...settings.request,
      ...(io.signal ? { signal: io.signal } : {}),
      onEvent: (event) => progress?.onEvent(event),
    });
    progress?.stop();
    io.stdout.write(settings.json ? `${JSON.stringify(report, null, 2)}\n` : renderReportText(report));
    return exitCodeOf(report);
  } finally {
    progress?.stop();
    await coordinator.close();
  }
}

/** `meshwork run`. */
export async function runCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      config: { type: 'string' },
      project: { type: 'string' },
      plan: { type: 'string' },
      agent: { type: 'string' },
      concurrency: { type: 'string' },
      'max-turns': { type: 'string' },
      'max-tokens': { type: 'string' },
      'max-cost': { type: 'string' },
      'max-seconds': { type: 'string' },
      interactive: { type: 'boolean' },
      json: { type: 'boolean' },
      'run-id': { type: 'string' },
    },
    io,
    RUN_USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  try {
    const budgets: Partial<Budgets> = {};
    const maxTurns = readPositive(values['max-turns'] as string | undefined, '--max-turns');
    const maxTokens = readPositive(values['max-tokens'] as string | undefined, '--max-tokens');
    const maxCost = readPositive(values['max-cost'] as string | undefined, '--max-cost', false);
    const maxSeconds = readPositive(values['max-seconds'] as string | undefined, '--max-seconds', false);
    const concurrency = readPositive(values.concurrency as string | undefined, '--concurrency');
    if (maxTurns !== undefined) budgets.maxTurns = maxTurns;
    if (maxTokens !== undefined) budgets.maxTokens = maxTokens;
    if (maxCost !== undefined) budgets.maxCostUsd = maxCost;
    if (maxSeconds !== undefined) budgets.maxSeconds = maxSeconds;
    const text = positionals.join(' ').trim();
    if (values.plan !== undefined && text !== '') {
      return printUsageError(
        `--plan and a task text do not go together: a plan's tasks are in the file. Use \`meshwork run --plan ${values.plan as string}\` alone, or \`meshwork run "<task>"\` for a lead to plan the task.`,
        io,
      );
    }
    if (values.plan !== undefined && values.agent !== undefined) {
      return printUsageError('--plan and --agent do not go together: a plan names an agent per item', io);
    }
    if (values.plan === undefined && text === '') {
      return printUsageError('give a task or --plan', io, RUN_USAGE);
    }
    const config = await loadProjectConfig(io, {
      configPath: values.config as string | undefined,
      projectDir: values.project as string | undefined,
    });
    const plan =
      values.plan === undefined ? undefined : await readPlan(resolve(io.cwd, values.plan as string));
    if (plan)
      checkAgentNames(
        config,
        plan.map((item) => item.agent),
        (index) => `${values.plan as string}: [${index}].agent`,
      );
    if (values.agent !== undefined) checkAgentNames(config, [values.agent as string], () => '--agent');
    const task = text || `plan ${values.plan as string}`;
    return await runAndPrint(io, {
      config,
      json: values.json === true,
      interactive: values.interactive === true,
      request: {
        task,
        budgets,
        ...(plan ? { plan } : {}),
        ...(values.agent ? { agent: values.agent as string } : {}),
        ...(concurrency ? { concurrency } : {}),
        ...(values['run-id'] ? { runId: values['run-id'] as string } : {}),
      },
    });
  } catch (error) {
    return printError(error, io);
  }
}
