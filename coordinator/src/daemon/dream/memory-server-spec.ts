import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { DaemonError } from '../errors.js';

/** How to start the memory server: one `mcpServers` entry of meshwork.json (the .mcp.json shape). */
export interface MemoryServerSpec {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Working directory of the server; the project directory unless the entry names one. */
  cwd: string;
}

/**
 * Reads the memory server's `mcpServers` entry from meshwork.json (or `configPath`): `requestedName`
 * when given (daemon.dream.server), else the config's `memory.server`, else "memory".
 */
export async function loadMemoryServerSpec(
  cwd: string,
  requestedName: string | undefined,
  configPath?: string,
): Promise<MemoryServerSpec> {
  const path = resolve(cwd, configPath ?? 'meshwork.json');
  let json: { mcpServers?: Record<string, unknown>; memory?: { server?: unknown } };
  try {
    json = JSON.parse(await readFile(path, 'utf8')) as typeof json;
  } catch (error) {
    throw new DaemonError(
      'E_NO_MEMORY_SERVER',
      `Dreaming needs the memory server in ${path} under mcpServers; that file cannot be read.`,
      { cause: error },
    );
  }
  const name =
    requestedName ?? (typeof json.memory?.server === 'string' ? json.memory.server : undefined) ?? 'memory';
  const entry = json.mcpServers?.[name] as
    | { command?: unknown; args?: unknown; env?: unknown; cwd?: unknown; type?: unknown }
    | undefined;
  if (!entry || typeof entry.command !== 'string') {
    throw new DaemonError(
      'E_NO_MEMORY_SERVER',
      `meshwork.json has no stdio server mcpServers.${name} with a "command"; add the memory server (for example {"command": "meshwork-memory", "args": ["--dir", ".meshwork/memory"]}) or set daemon.dream.server.`,
    );
  }
  return {
    name,
    command: entry.command,
    args: Array.isArray(entry.args) ? entry.args.map(String) : [],
    env:
      typeof entry.env === 'object' && entry.env !== null
        ? Object.fromEntries(Object.entries(entry.env).map(([key, value]) => [key, String(value)]))
        : {},
    cwd: typeof entry.cwd === 'string' ? resolve(cwd, entry.cwd) : resolve(cwd),
  };
}

/**
 * The memory directory a spec serves: its last `--dir`, else MESHWORK_MEMORY_DIR from its env or
 * ours, else the memory server's default `./.meshwork/memory` (relative to the server's cwd).
 */
export function memoryDirectoryOf(spec: MemoryServerSpec): string {
  let directory: string | undefined;
  for (let index = 0; index < spec.args.length; index += 1) {
    const arg = spec.args[index]!;
    if (arg === '--dir' && index + 1 < spec.args.length) directory = spec.args[index + 1];
    else if (arg.startsWith('--dir=')) directory = arg.slice('--dir='.length);
  }
  directory ??= spec.env.MESHWORK_MEMORY_DIR ?? process.env.MESHWORK_MEMORY_DIR ?? '.meshwork/memory';
  return isAbsolute(directory) ? directory : resolve(spec.cwd, directory);
}

/** The same server pointed at another directory (the later `--dir` wins). */
export function withMemoryDirectory(spec: MemoryServerSpec, directory: string): MemoryServerSpec {
  return {
    ...spec,
    args: [...spec.args, '--dir', directory],
    env: { ...spec.env, MESHWORK_MEMORY_DIR: directory },
  };
}
