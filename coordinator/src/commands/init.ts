import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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

/** Package directory of each meshwork server inside a source checkout, keyed by server name. */
const CHECKOUT_SERVERS = { fs: 'filesystem', shell: 'shell', memory: 'memory' } as const;

/**
 * The starter `mcpServers`. When this coordinator runs from a built source checkout (the servers'
 * `dist/cli.js` sit beside it), the entries run those files with node, because the `npx` form
 * needs the packages published; otherwise the `npx` form is kept.
 */
async function starterServers(): Promise<typeof STARTER_CONFIG.mcpServers> {
  const servers: Record<string, { kind: string; command: string; args: string[] }> = {
    ...STARTER_CONFIG.mcpServers,
  };
  for (const [name, directory] of Object.entries(CHECKOUT_SERVERS)) {
    const bin = fileURLToPath(new URL(`../../../servers/${directory}/dist/cli.js`, import.meta.url));
    const entry = servers[name];
    if (entry && (await exists(bin)))
      servers[name] = { ...entry, command: 'node', args: [bin, ...entry.args.slice(2)] };
  }
  return servers as typeof STARTER_CONFIG.mcpServers;
}

/** `meshwork init`. */
export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, { force: { type: 'boolean' } }, io, INIT_USAGE);
  if (parsed === null) return EXIT.ok;
  if (parsed === undefined) return EXIT.usage;
  const force = parsed.values.force === true;
  const files: Array<[string, string]> = [
    [
      'meshwork.json',
      `${JSON.stringify({ ...STARTER_CONFIG, mcpServers: await starterServers() }, null, 2)}\n`,
    ],
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
