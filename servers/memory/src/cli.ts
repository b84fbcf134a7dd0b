#!/usr/bin/env node
import { parseArgs } from 'node:util';
import {
  createLogger,
  readPackageVersion,
  readServeSettings,
  runServer,
  SERVE_CLI_OPTIONS,
  SERVE_CLI_USAGE,
} from '@meshwork/kit';
import { MEMORY_LIMIT_FLAG, MEMORY_LIMIT_OPTIONS, MEMORY_LIMIT_USAGE } from '@meshwork/permissions';
import { createMemoryServer } from './server.js';
import { DEFAULT_BOUNDS, type MemoryBounds } from './store/bounds.js';
import { openMemoryStore } from './store/memory-store.js';
import { createMemoryTools } from './tools/index.js';

const USAGE = `Usage: meshwork-memory [--dir <path>] [options]

Three-layer memory MCP server: a bounded index (MEMORY.md), topic files, searchable transcripts.

Memory:
  --dir <path>                 memory directory (or MESHWORK_MEMORY_DIR; default ./.meshwork/memory)
  --index-max-lines <n>        index line bound (default ${DEFAULT_BOUNDS.indexMaxLines})
  --index-max-bytes <n>        index byte bound (default ${DEFAULT_BOUNDS.indexMaxBytes})
  --index-max-line-chars <n>   characters per index line (default ${DEFAULT_BOUNDS.indexMaxLineChars})
  --topic-max-bytes <n>        largest topic file (default ${DEFAULT_BOUNDS.topicMaxBytes})
  --source <name>              recorded as a topic's source when a write names none
                               (or MESHWORK_MEMORY_SOURCE)

${MEMORY_LIMIT_USAGE}

${SERVE_CLI_USAGE}`;

const MEMORY_OPTIONS = {
  dir: { type: 'string' },
  'index-max-lines': { type: 'string' },
  'index-max-bytes': { type: 'string' },
  'index-max-line-chars': { type: 'string' },
  'topic-max-bytes': { type: 'string' },
  source: { type: 'string' },
} as const;

function readBound(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1)
    throw new Error(`${flag} takes a positive whole number; got ${value}.`);
  return number;
}

/** The value of `--limit-transcript-profile`: a tag of 1-128 safe characters, or absent. */
function readTranscriptScope(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/.test(value))
    throw new Error(
      `--${MEMORY_LIMIT_FLAG} takes a tag of letters, digits, '.', '-' or '_'; got ${JSON.stringify(value)}.`,
    );
  return value;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { ...SERVE_CLI_OPTIONS, ...MEMORY_OPTIONS, ...MEMORY_LIMIT_OPTIONS },
    allowPositionals: false,
  });
  // Even --help and --version stay off stdout: a server bin writes nothing there but protocol
  // frames (the reference filesystem server prints its usage on stderr too).
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stderr.write(`${readPackageVersion(new URL('../package.json', import.meta.url))}\n`);
    return 0;
  }
  const settings = readServeSettings(values);
  const bounds: Partial<MemoryBounds> = {};
  const pairs = [
    ['indexMaxLines', 'index-max-lines'],
    ['indexMaxBytes', 'index-max-bytes'],
    ['indexMaxLineChars', 'index-max-line-chars'],
    ['topicMaxBytes', 'topic-max-bytes'],
  ] as const;
  for (const [key, flag] of pairs) {
    const bound = readBound(values[flag], `--${flag}`);
    if (bound !== undefined) bounds[key] = bound;
  }
  const logger = createLogger({ name: 'meshwork-memory', level: settings.logLevel });
  const dir = values.dir ?? process.env.MESHWORK_MEMORY_DIR ?? '.meshwork/memory';
  const store = await openMemoryStore({
    dir,
    bounds,
    logger,
    source: values.source ?? process.env.MESHWORK_MEMORY_SOURCE,
    transcriptProfile: readTranscriptScope(values[MEMORY_LIMIT_FLAG]),
  });
  logger.info({ dir: store.paths.root }, 'memory directory open');
  const tools = createMemoryTools({ store });
  const serverVersion = readPackageVersion(new URL('../package.json', import.meta.url));
  const running = await runServer({
    settings,
    logger,
    factory: () => createMemoryServer({ store, tools, version: serverVersion }).server,
    onShutdown: () => store.close(),
  });
  await running.closed;
  return 0;
}

try {
  process.exit(await main());
} catch (error) {
  process.stderr.write(`meshwork-memory: ${(error as Error).message}\n`);
  process.exit(1);
}
