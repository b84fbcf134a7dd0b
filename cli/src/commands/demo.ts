import { existsSync } from 'node:fs';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CliIo, EXIT, parseCommand, printError } from './io.js';
import { loadProjectConfig } from './project-config.js';
import { runAndPrint } from './run.js';
import { withInstalledServerBins } from './server-bins.js';

/** Help of `meshwork demo`. */
export const DEMO_USAGE = `Usage: meshwork demo [--keep] [--json] [--example <dir>]

The main job: copies the bundled sample project (examples/sample-project) to a temporary directory
and runs a researcher, a builder and a reviewer on it, each under its own profile, over the real
filesystem, shell and memory servers. Without ANTHROPIC_API_KEY (or ANTHROPIC_BASE_URL) the bundled
script answers and no model is called. Without --keep the copy and its run record are removed at
the end; --keep leaves them, with a meshwork.json whose servers run the installed server packages,
so meshwork works in the kept copy.`;

/** The bundled example directory (repository checkout layout: cli/dist → examples/). */
export function bundledExampleDir(): string {
  return fileURLToPath(new URL('../../../examples/sample-project', import.meta.url));
}

/** `meshwork demo`. */
export async function demoCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(
    argv,
    { keep: { type: 'boolean' }, json: { type: 'boolean' }, example: { type: 'string' } },
    io,
    DEMO_USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const example = (parsed.values.example as string | undefined) ?? bundledExampleDir();
  const configPath = join(example, 'meshwork.json');
  if (!existsSync(configPath)) {
    io.stderr.write(
      `meshwork: no sample project at ${example} (the demo runs from a repository checkout).\n`,
    );
    return EXIT.failed;
  }
  const work = await mkdtemp(join(tmpdir(), 'meshwork-demo-'));
  try {
    await cp(example, work, {
      recursive: true,
      filter: (source) =>
        !source.includes(`${join(example, '.meshwork', 'runs')}`) &&
        !source.includes(join(example, '.meshwork', 'memory')),
    });
    // The copy gets a meshwork.json of its own whose servers run the installed server packages'
    // bins: the example's entries reach them through paths relative to the example, which lead
    // nowhere from a temporary directory, so a kept copy would start nothing.
    const workConfigPath = join(work, 'meshwork.json');
    const raw = JSON.parse(await readFile(configPath, 'utf8')) as { mcpServers?: Record<string, unknown> };
    await writeFile(
      workConfigPath,
      `${JSON.stringify({ ...raw, mcpServers: withInstalledServerBins(raw.mcpServers ?? {}) }, null, 2)}\n`,
    );
    const task = (await readFile(join(example, 'TASK.md'), 'utf8')).trim();
    io.stderr.write(`demo: working on a copy of ${example} in ${work}\n`);
    const config = await loadProjectConfig(io, { configPath: workConfigPath });
    return await runAndPrint(io, {
      config,
      json: parsed.values.json === true,
      interactive: false,
      request: { task },
    });
  } catch (error) {
    return printError(error, io);
  } finally {
    if (parsed.values.keep)
      io.stderr.write(
        `demo: kept ${work} (its meshwork.json works there: cd into it and try \`meshwork runs list\` or \`meshwork servers\`)\n`,
      );
    else {
      await rm(work, { recursive: true, force: true });
      io.stderr.write(`demo: removed the copy ${work} and the run record in it; pass --keep to keep them\n`);
    }
  }
}
