import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { loadConfig } from '@meshwork/coordinator';
import { parse as parseYaml } from 'yaml';
import type { AgentSummary } from './context.js';

/**
 * The project's agents for `list_agents`. The coordinator's config loader is the source of truth;
 * when the config does not load (a broken or missing file), the `agents` of meshwork.json and the Markdown agent files
 * under `.claude/agents/` and `.meshwork/agents/` are read directly.
 */
export async function loadAgentSummaries(cwd: string, configPath?: string): Promise<AgentSummary[]> {
  try {
    const config = await loadConfig({ cwd, ...(configPath === undefined ? {} : { configPath }) });
    const fromConfig = summariesOf(config.agents);
    if (fromConfig.length > 0) return fromConfig;
  } catch {
    // A broken config: the agent files below still name the agents.
  }
  const found = new Map<string, AgentSummary>();
  try {
    const json = JSON.parse(await readFile(resolve(cwd, configPath ?? 'meshwork.json'), 'utf8')) as {
      agents?: unknown;
    };
    for (const agent of summariesOf(json.agents)) found.set(agent.name, agent);
  } catch {
    // No config file, or not JSON: nothing to add.
  }
  for (const directory of ['.claude/agents', '.meshwork/agents']) {
    let names: string[] = [];
    try {
      names = (await readdir(join(cwd, directory))).filter((name) => name.endsWith('.md')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const agent = await readAgentFile(join(cwd, directory, name), name.slice(0, -3));
      if (agent && !found.has(agent.name)) found.set(agent.name, agent);
    }
  }
  return [...found.values()].sort((left, right) => left.name.localeCompare(right.name));
}

function summariesOf(agents: unknown): AgentSummary[] {
  const entries: Array<[string, unknown]> = Array.isArray(agents)
    ? agents.map((agent) => [String((agent as { name?: unknown })?.name ?? ''), agent])
    : agents instanceof Map
      ? [...agents.entries()].map(([name, agent]) => [String(name), agent])
      : typeof agents === 'object' && agents !== null
        ? Object.entries(agents)
        : [];
  return entries
    .filter(([name]) => name.length > 0)
    .map(([name, agent]) => ({
      name,
      description: String((agent as { description?: unknown } | undefined)?.description ?? '').trim(),
    }));
}

async function readAgentFile(path: string, fallbackName: string): Promise<AgentSummary | undefined> {
  try {
    const text = await readFile(path, 'utf8');
    const match = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text);
    const front = (match ? parseYaml(match[1]!) : {}) as { name?: unknown; description?: unknown };
    return {
      name: typeof front.name === 'string' && front.name.length > 0 ? front.name : fallbackName,
      description: typeof front.description === 'string' ? front.description.trim() : '',
    };
  } catch {
    return undefined;
  }
}
