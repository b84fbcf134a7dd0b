import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerKind } from '@meshwork/permissions';
import { STARTER_AGENTS, STARTER_CONFIG, STARTER_GITIGNORE, STARTER_README } from './init-templates.js';
import { type CliIo, EXIT, parseCommand } from './io.js';
import { serverBinOfKind } from './server-bins.js';

/** Help of `meshwork init`. */
export const INIT_USAGE = `Usage: meshwork init [--force]

Writes a starter meshwork.json, three example agents (.meshwork/agents/researcher.md, builder.md,
reviewer.md), .meshwork/README.md and .meshwork/.gitignore (run records, the daemon's queue and the
memory's derived files stay out of git; agents, README and memory topics stay tracked). Existing
files are kept unless --force.`;

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
          serverBinOfKind(kind),
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
    [join('.meshwork', '.gitignore'), STARTER_GITIGNORE],
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
