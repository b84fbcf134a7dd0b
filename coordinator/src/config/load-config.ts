import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { isServerKind, type Profile, parseProfile, profileSchema, SERVER_KINDS } from '@meshwork/permissions';
import { ConfigError, messageOf } from '../errors.js';
import { loadAgents } from './agents.js';
import { closestKey, unknownKeyWarning } from './closest-key.js';
import { checkCommand } from './command-check.js';
import { describeIssue } from './describe-issue.js';
import { parseJsonFile } from './parse-json-file.js';
import {
  httpServerSchema,
  meshworkFileSchema,
  OTHER_READERS_KEYS,
  SECTION_KEYS,
  sandboxSchema,
  stdioServerSchema,
} from './schema.js';
import type { MeshworkConfig, ModelSettings, ServerConfig, ToolDeclaration } from './types.js';

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Where to look for meshwork.json (and the base of a relative `configPath`). */
  cwd: string;
  /** An explicit config file; it must exist. */
  configPath?: string;
  /** The project directory; default: the config file's directory. */
  projectDir?: string;
}

/** Default model when neither the config nor the agent names one. */
export const DEFAULT_MODEL = 'claude-sonnet-4-6';

/** List prices, USD per million tokens (prefix match on the model name). */
export const DEFAULT_PRICES: ModelSettings['prices'] = {
  'claude-opus-4-1': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-opus-4-5': { input: 5, output: 25, cacheRead: 0.5, cacheWrite: 6.25 },
  'claude-opus-4': { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 },
  'claude-sonnet-4': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-3-7-sonnet': { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 },
  'claude-haiku-4-5': { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 },
  'claude-3-5-haiku': { input: 0.8, output: 4, cacheRead: 0.08, cacheWrite: 1 },
};

async function exists(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** The checks with messages of their own: `kind` (and the nested form it replaced). */
function checkMeshworkFields(file: string, name: string, value: unknown): void {
  if (typeof value !== 'object' || value === null) return;
  const entry = value as Record<string, unknown>;
  const kinds = SERVER_KINDS.map((kind) => `"${kind}"`).join(', ');
  if ('meshwork' in entry) {
    throw new ConfigError(
      file,
      `mcpServers.${name}.meshwork`,
      `the nested "meshwork": {"kind": …} block is no longer read; move the kind to the entry itself, e.g. "kind": "filesystem" (one of ${kinds})`,
    );
  }
  if ('sandbox' in entry) checkSandboxField(file, name, entry);
  if ('kind' in entry && !isServerKind(entry.kind)) {
    throw new ConfigError(
      file,
      `mcpServers.${name}.kind`,
      `expected one of ${kinds} (leave it out for a third-party server); got ${JSON.stringify(entry.kind)}`,
    );
  }
}

/** `sandbox`: `"none"` or `{read?, write?, network?}`, on a stdio entry only. */
function checkSandboxField(file: string, name: string, entry: Record<string, unknown>): void {
  const field = `mcpServers.${name}.sandbox`;
  if ('url' in entry) {
    throw new ConfigError(
      file,
      field,
      'only a stdio server has an OS sandbox (meshwork does not launch HTTP servers); remove it',
    );
  }
  const value = entry.sandbox;
  if (typeof value === 'string' && value !== 'none')
    throw new ConfigError(file, field, `expected "none" (the explicit opt-out) or an object; got "${value}"`);
  if (typeof value === 'string') return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError(
      file,
      field,
      'expected "none" or {"read": [paths], "write": [paths], "network": true|false}',
    );
  }
  const parsed = sandboxSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues.find((candidate) => candidate.code !== 'invalid_union');
    const nested = (parsed.error.issues[0] as { errors?: { path: PropertyKey[]; message: string }[][] })
      .errors?.[1]?.[0];
    const path = issue?.path ?? nested?.path ?? [];
    const message = issue?.message ?? nested?.message ?? 'invalid';
    const where = path.length > 0 ? `${field}.${path.map(String).join('.')}` : field;
    throw new ConfigError(
      file,
      where,
      `${message} (expected {"read": [paths], "write": [paths], "network": true|false})`,
    );
  }
}

function toolDeclarations(
  tools: Record<string, ToolDeclaration> | undefined,
): Record<string, ToolDeclaration> {
  const result: Record<string, ToolDeclaration> = {};
  for (const [tool, declaration] of Object.entries(tools ?? {})) {
    const copy: ToolDeclaration = {};
    if (declaration.subject !== undefined) copy.subject = declaration.subject;
    if (declaration.writes !== undefined) copy.writes = declaration.writes;
    result[tool] = copy;
  }
  return result;
}

const SERVER_ENTRY_KEYS = [
  ...new Set([...Object.keys(stdioServerSchema.shape), ...Object.keys(httpServerSchema.shape)]),
];

function parseServer(file: string, name: string, value: unknown, warnings: string[]): ServerConfig {
  checkMeshworkFields(file, name, value);
  const isObject = typeof value === 'object' && value !== null && !Array.isArray(value);
  const hasCommand = isObject && 'command' in value;
  const hasUrl = isObject && 'url' in value;
  if (!hasCommand && !hasUrl) {
    throw new ConfigError(
      file,
      `mcpServers.${name}`,
      'expected {"command": "...", "args": [...]} (stdio) or {"url": "http://..."} (HTTP)',
    );
  }
  // The entry's shape is chosen by its key, so a problem is described against that shape alone.
  const parsed = (hasCommand ? stdioServerSchema : httpServerSchema).safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const described = issue ? describeIssue(issue, value) : { field: '(root)', message: 'invalid' };
    throw new ConfigError(file, `mcpServers.${name}.${described.field}`, described.message);
  }
  // Other MCP clients' fields are allowed (the entry is shared with .mcp.json), but a near miss of
  // one of ours is most likely a typo that would otherwise be ignored.
  for (const key of Object.keys(value as Record<string, unknown>)) {
    if (SERVER_ENTRY_KEYS.includes(key)) continue;
    if (closestKey(key, SERVER_ENTRY_KEYS) !== undefined)
      warnings.push(unknownKeyWarning(file, `mcpServers.${name}`, key, SERVER_ENTRY_KEYS));
  }
  const entry = parsed.data;
  if ('command' in entry) {
    const args = entry.args ?? [];
    const server: ServerConfig = {
      name,
      transport: 'stdio',
      command: entry.command,
      args,
      env: entry.env ?? {},
      headers: {},
      tools: toolDeclarations(entry.tools),
    };
    if (entry.kind !== undefined) server.kind = entry.kind;
    if (entry.cwd !== undefined) server.cwd = entry.cwd;
    checkCommand(file, name, entry.command, args);
    if (entry.sandbox !== undefined) server.sandbox = entry.sandbox;
    return server;
  }
  const server: ServerConfig = {
    name,
    transport: 'http',
    url: entry.url,
    args: [],
    env: {},
    headers: entry.headers ?? {},
    tools: toolDeclarations(entry.tools),
  };
  if (entry.kind !== undefined) server.kind = entry.kind;
  return server;
}

/**
 * Loads meshwork.json (from `configPath`, else `<cwd>/meshwork.json`, else defaults with no
 * servers) and the agents it points at. Every problem is a {@link ConfigError} naming the file,
 * the field and what was expected.
 */
export async function loadConfig(options: LoadConfigOptions): Promise<MeshworkConfig> {
  const cwd = resolve(options.cwd);
  let path: string | undefined;
  if (options.configPath !== undefined) {
    path = resolve(cwd, options.configPath);
    if (!(await exists(path)))
      throw new ConfigError(
        path,
        '(file)',
        'expected a readable meshwork.json here; the file does not exist',
      );
  } else if (await exists(join(cwd, 'meshwork.json'))) {
    path = join(cwd, 'meshwork.json');
  }
  let raw: unknown = {};
  if (path !== undefined) raw = parseJsonFile(await readFile(path, 'utf8'), path);
  const file = path ?? join(cwd, 'meshwork.json');
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(
      file,
      '(root)',
      `expected an object such as {"mcpServers": {...}, "profiles": {...}}, got ${Array.isArray(raw) ? 'an array' : JSON.stringify(raw)}`,
    );
  }
  const parsed = meshworkFileSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const described = issue
      ? describeIssue(issue, raw, [], (field) => SECTION_KEYS[field])
      : { field: '(root)', message: 'invalid' };
    throw new ConfigError(file, described.field, described.message);
  }
  const data = parsed.data;
  const warnings: string[] = [];
  const topKeys = Object.keys(meshworkFileSchema.shape);
  for (const key of Object.keys(raw)) {
    if (topKeys.includes(key) || (OTHER_READERS_KEYS as readonly string[]).includes(key)) continue;
    warnings.push(unknownKeyWarning(file, '(top level)', key, [...topKeys, ...OTHER_READERS_KEYS]));
  }
  const dir = path === undefined ? cwd : dirname(path);
  const projectDir = resolve(options.projectDir ?? dir);

  const servers: Record<string, ServerConfig> = {};
  for (const [name, value] of Object.entries(data.mcpServers ?? {}))
    servers[name] = parseServer(file, name, value, warnings);

  const profiles: Record<string, Profile> = {};
  const profileKeys = Object.keys(profileSchema.shape);
  for (const [name, value] of Object.entries(data.profiles ?? {})) {
    // A profile is strict (an ignored rule would widen or narrow access unseen): an unknown key is
    // an error, with the key it most resembles.
    for (const key of typeof value === 'object' && value !== null ? Object.keys(value) : []) {
      const suggestion = profileKeys.includes(key) ? undefined : closestKey(key, profileKeys);
      if (suggestion !== undefined)
        throw new ConfigError(
          file,
          `profiles.${name}.${key}`,
          `unknown field; did you mean "${suggestion}"? (known: ${profileKeys.join(', ')})`,
        );
    }
    try {
      profiles[name] = parseProfile(value, `${file}: profiles.${name}`);
    } catch (error) {
      throw new ConfigError(
        file,
        `profiles.${name}`,
        messageOf(error).replace(`${file}: profiles.${name}: `, ''),
        { cause: error },
      );
    }
    for (const server of profiles[name]?.servers ?? []) {
      if (!/[*?]/.test(server) && servers[server] === undefined) {
        throw new ConfigError(
          file,
          `profiles.${name}.servers`,
          `expected names from mcpServers; "${server}" is not configured`,
        );
      }
    }
  }

  const fsServer = Object.values(servers).find((server) => server.kind === 'filesystem')?.name;
  const shellServer = Object.values(servers).find((server) => server.kind === 'shell')?.name;
  const agentDirs = [...(data.agents ?? []), '.meshwork/agents', '.claude/agents'].map((entry) =>
    resolve(dir, entry),
  );
  const agents = await loadAgents({
    directories: [...new Set(agentDirs)],
    ...(fsServer ? { fsServer } : {}),
    ...(shellServer ? { shellServer } : {}),
  });
  for (const agent of Object.values(agents)) {
    if (agent.profile !== undefined && profiles[agent.profile] === undefined) {
      throw new ConfigError(
        agent.source,
        'profile',
        `expected a profile defined in ${file} profiles; "${agent.profile}" is not (known: ${Object.keys(profiles).join(', ') || 'none'})`,
      );
    }
  }

  const modelData = typeof data.model === 'string' ? { name: data.model } : (data.model ?? {});
  const model: ModelSettings = {
    name: modelData.name ?? DEFAULT_MODEL,
    maxTokens: ('maxTokens' in modelData ? modelData.maxTokens : undefined) ?? 8192,
    maxRetries: ('maxRetries' in modelData ? modelData.maxRetries : undefined) ?? 5,
    prices: { ...DEFAULT_PRICES, ...('prices' in modelData ? modelData.prices : {}) },
  };

  if (data.lead?.profile !== undefined && profiles[data.lead.profile] === undefined) {
    throw new ConfigError(
      file,
      'lead.profile',
      `expected a profile name from profiles; "${data.lead.profile}" is not defined`,
    );
  }
  const memoryServer =
    data.memory?.server ?? Object.values(servers).find((server) => server.kind === 'memory')?.name;
  if (data.memory?.server !== undefined && servers[data.memory.server] === undefined) {
    throw new ConfigError(
      file,
      'memory.server',
      `expected a name from mcpServers; "${data.memory.server}" is not configured`,
    );
  }
  // Transcript scopes and the memory directory in the sandbox hang on the kind: without it the
  // server would be launched as a third-party one and see every profile's transcripts.
  if (data.memory?.server !== undefined && servers[data.memory.server]?.kind !== 'memory') {
    throw new ConfigError(
      file,
      `mcpServers.${data.memory.server}.kind`,
      `memory.server names "${data.memory.server}", so its entry needs "kind": "memory"`,
    );
  }
  const concurrency = data.concurrency ?? data.lead?.concurrency ?? 4;
  const config: MeshworkConfig = {
    dir,
    projectDir,
    servers,
    profiles,
    agents,
    agentDirs,
    model,
    budgets: { ...data.budgets },
    lead: {
      maxTurns: data.lead?.maxTurns ?? 20,
      maxDepth: data.lead?.maxDepth ?? 2,
      concurrency,
      ...(data.lead?.model ? { model: data.lead.model } : {}),
      ...(data.lead?.profile ? { profile: data.lead.profile } : {}),
      ...(data.lead?.prompt ? { prompt: data.lead.prompt } : {}),
    },
    runsDir: resolve(projectDir, data.runsDir ?? '.meshwork/runs'),
    toolResultMaxChars: data.toolResultMaxChars ?? 20_000,
    concurrency,
  };
  if (path !== undefined) config.path = path;
  if (memoryServer !== undefined) config.memoryServer = memoryServer;
  if (data.offline?.script !== undefined) config.offlineScript = resolve(dir, data.offline.script);
  config.connectTimeoutMs = data.connectTimeoutMs ?? 10_000;
  config.warnings = warnings;
  return config;
}
