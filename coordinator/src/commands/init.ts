import { access, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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

/** `meshwork init`. */
export async function initCommand(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseCommand(argv, { force: { type: 'boolean' } }, io, INIT_USAGE);
  if (parsed === null) return EXIT.ok;
  if (parsed === undefined) return EXIT.usage;
  const force = parsed.values.force === true;
  const files: Array<[string, string]> = [
    ['meshwork.json', `${JSON.stringify(STARTER_CONFIG, null, 2)}\n`],
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
