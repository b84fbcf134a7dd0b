import { readFileSync } from 'node:fs';
import { access, mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { SERVER_KIND_CONTRACTS, type ServerKind } from '@meshwork/permissions';
import { STARTER_AGENTS, STARTER_CONFIG, STARTER_README } from './init-templates.js';
import { type CliIo, EXIT, parseCommand } from './io.js';

/** Help of `meshwork init`. */
export const INIT_USAGE = `Usage: meshwork init [--force]

Writes a starter meshwork.json, three example agents (.meshwork/agents/researcher.md, builder.md,
reviewer.md) and .meshwork/README.md. Existing files are kept unless --force.`;

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/** The kind of the server behind each starter entry; its package comes from the kind's contract. */
const STARTER_SERVERS = { fs: 'filesystem', shell: 'shell', memory: 'memory' } as const satisfies Record<
  string,
  ServerKind
>;

/**
 * The bin of an installed server package, through its package.json `bin` field (each server
 * exports `./package.json`), so the entry works wherever this CLI was installed from.
 */
function serverBin(packageName: string): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${packageName} declares no bin in ${manifestPath}`);
  return resolve(dirname(manifestPath), bin);
}

/**
 * The starter `mcpServers`: `node <bin>` of each server package this CLI depends on, with `kind`
 * set explicitly (init is the one place that knows which server is which).
 */
function starterServers(): Record<string, { command: string; args: string[]; kind: string }> {
  return Object.fromEntries(
    Object.entries(STARTER_SERVERS).map(([name, kind]) => [
      name,
      {
        command: 'node',
        args: [
          serverBin(SERVER_KIND_CONTRACTS[kind].packageName),
          ...STARTER_CONFIG.mcpServers[name as keyof typeof STARTER_SERVERS].args,
        ],
        kind,
      },
    ]),
  );
}

/** `meshwork init`. */
export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, { force: { type: 'boolean' } }, io, INIT_USAGE);
  if (typeof parsed === 'number') return parsed;
  const force = parsed.values.force === true;
  const files: Array<[string, string]> = [
    ['meshwork.json', `${JSON.stringify({ ...STARTER_CONFIG, mcpServers: starterServers() }, null, 2)}\n`],
    ...Object.entries(STARTER_AGENTS).map(([name, text]): [string, string] => [
      join('.meshwork', 'agents', name),
      text,
    ]),
    [join('.meshwork', 'README.md'), STARTER_README],
  ];
  await mkdir(join(io.cwd, '.meshwork', 'agents'), { recursive: true });
  for (const [relativePath, text] of files) {
    const path = join(io.cwd, relativePath);
    if (!force && (await exists(path))) {
      io.stdout.write(`kept     ${relativePath} (exists; --force overwrites)\n`);
      continue;
    }
    await writeFile(path, text);
    io.stdout.write(`wrote    ${relativePath}\n`);
  }
  io.stdout.write(
    '\nNext: `meshwork servers` to check the servers, `meshwork agents list`, then `meshwork run "<task>"`.\n',
  );
  return EXIT.ok;
}
