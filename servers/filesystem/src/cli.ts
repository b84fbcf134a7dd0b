#!/usr/bin/env node
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  createLogger,
  readPackageVersion,
  readServeSettings,
  runServer,
  SERVE_CLI_OPTIONS,
  SERVE_CLI_USAGE,
} from '@meshwork/kit';
import {
  applyFilesystemLimits,
  FILESYSTEM_LIMIT_OPTIONS,
  FILESYSTEM_LIMIT_USAGE,
} from '@meshwork/permissions';
import { createDenyMatcher } from './confinement/deny.js';
import { DEFAULT_MAX_READ_BYTES, PathConfinement } from './confinement/path-confinement.js';
import { resolveOperatorRoots } from './confinement/roots.js';
import { createFilesystemServer } from './server.js';

const USAGE = `Usage: meshwork-fs [flags] <root>...

Serves the given directories (and everything below them) over MCP. Paths outside them, and
paths matching --deny, are refused. MCP client roots can only narrow the served roots.

PathConfinement:
  --read-only             turn off write_file, edit_file, create_directory and move_file (not even listed)
  --deny <glob>           refuse matching paths (repeatable), e.g. '.env' or '.git/**'; relative to each
                          root, or absolute when it starts with /; no slash = any depth; case ignored
  --max-read-bytes <n>    largest file read whole (default ${DEFAULT_MAX_READ_BYTES})

${FILESYSTEM_LIMIT_USAGE}

${SERVE_CLI_USAGE}`;

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    options: {
      ...SERVE_CLI_OPTIONS,
      'read-only': { type: 'boolean' },
      deny: { type: 'string', multiple: true },
      'max-read-bytes': { type: 'string' },
      ...FILESYSTEM_LIMIT_OPTIONS,
    },
    allowPositionals: true,
  });
  const version = readPackageVersion(new URL('../package.json', import.meta.url));
  // Even --help and --version stay off stdout: a server bin writes nothing there but protocol
  // frames (the reference filesystem server prints its usage on stderr too).
  if (values.help) {
    process.stderr.write(`${USAGE}\n`);
    return 0;
  }
  if (values.version) {
    process.stderr.write(`${version}\n`);
    return 0;
  }
  const settings = readServeSettings(values);
  const logger = createLogger({ name: 'meshwork-fs', level: settings.logLevel });
  const maxReadBytes =
    values['max-read-bytes'] === undefined ? DEFAULT_MAX_READ_BYTES : Number(values['max-read-bytes']);
  if (!Number.isInteger(maxReadBytes) || maxReadBytes < 1) {
    throw new Error(`--max-read-bytes takes a positive whole number; got ${values['max-read-bytes']}.`);
  }
  // The configured launch, narrowed by the launch limits a coordinator appended (never widened).
  const absoluteRoot = (root: string): string =>
    root === '~' || root.startsWith('~/') ? join(homedir(), root.slice(1)) : resolve(root);
  const launch = applyFilesystemLimits(
    { roots: positionals.map(absoluteRoot), readOnly: values['read-only'] === true, deny: values.deny ?? [] },
    values,
  );
  const { roots, warnings } = await resolveOperatorRoots(launch.roots);
  for (const warning of warnings) logger.warn(warning);
  const confinement = new PathConfinement({ roots, deny: createDenyMatcher(launch.deny), maxReadBytes });
  const readOnly = launch.readOnly;
  const running = await runServer({
    settings,
    logger,
    factory: () => createFilesystemServer({ confinement, readOnly, logger, version }).server,
  });
  logger.info(
    { roots: confinement.rootPaths, readOnly, deny: confinement.deny.patterns },
    'meshwork-fs started',
  );
  await running.closed;
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`meshwork-fs: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
