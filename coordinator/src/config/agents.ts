import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { mapClaudeTools, splitClaudeToolList } from '@meshwork/permissions';
import { z } from 'zod';
import { ConfigError, messageOf } from '../errors.js';
import { parseFrontmatter } from './frontmatter.js';
import type { AgentDefinition, JsonSchema } from './types.js';

const frontmatterSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'expected a name of letters, digits, _ and -')
    .optional(),
  description: z.string().optional(),
  tools: z.union([z.string(), z.array(z.string())]).optional(),
  model: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  max_turns: z.number().int().positive().optional(),
  maxTurns: z.number().int().positive().optional(),
  output_schema: z.record(z.string(), z.unknown()).optional(),
  delegate: z.boolean().optional(),
  color: z.string().optional(),
});

/** Options of {@link loadAgents}. */
export interface LoadAgentsOptions {
  /** Absolute directories to read; a name defined twice (in one or across them) is an error. */
  directories: readonly string[];
  /** Server names Claude's built-ins map to (Read/Write/Edit → fs server, Bash → shell server). */
  fsServer?: string;
  shellServer?: string;
}

/** Parses one agent file's text; `file` is only used in error messages and `source`. */
export function parseAgentDefinition(
  text: string,
  file: string,
  options: Pick<LoadAgentsOptions, 'fsServer' | 'shellServer'> = {},
): AgentDefinition {
  let document: ReturnType<typeof parseFrontmatter>;
  try {
    document = parseFrontmatter(text);
  } catch (error) {
    throw new ConfigError(
      file,
      'frontmatter',
      `expected YAML frontmatter between --- lines (${messageOf(error)})`,
    );
  }
  if (!document.hasFrontmatter) {
    // Without it the file would become an agent with no profile, so no servers and no tools.
    const stem = basename(file).replace(/\.md$/, '');
    throw new ConfigError(
      file,
      'frontmatter',
      `expected YAML frontmatter at the top of the file, e.g.\n---\nname: ${stem}\ndescription: What this agent does.\nprofile: <a profile in meshwork.json>\n---\nthen the system prompt`,
    );
  }
  const parsed = frontmatterSchema.safeParse(document.data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(
      file,
      issue?.path.join('.') || 'frontmatter',
      issue?.message ?? 'invalid frontmatter',
    );
  }
  const data = parsed.data;
  const name = data.name ?? basename(file).replace(/\.md$/, '');
  if (!/^[A-Za-z0-9_-]+$/.test(name)) {
    throw new ConfigError(
      file,
      'name',
      'expected a name of letters, digits, _ and - (or a file name like that)',
    );
  }
  if (document.body.length === 0) {
    throw new ConfigError(
      file,
      'body',
      'expected a system prompt in the Markdown body after the frontmatter',
    );
  }
  const definition: AgentDefinition = {
    name,
    description: (data.description ?? '').trim(),
    systemPrompt: document.body,
    unmappedTools: [],
    delegate: data.delegate === true,
    source: file,
  };
  if (data.tools !== undefined) {
    const entries = splitClaudeToolList(data.tools);
    const wantsDelegate = entries.filter((entry) => entry === 'delegate' || entry === 'Task');
    if (wantsDelegate.length > 0 && data.delegate !== false) definition.delegate = true;
    const rest = entries.filter((entry) => entry !== 'delegate' && entry !== 'Task');
    // Entries already in our rule syntax (`fs:read_*`) pass through; Claude names are mapped.
    const ours = rest.filter(
      (entry) => /^[^\s:()]+:[^\s()]+(\(.*\))?$/s.test(entry) && !entry.startsWith('mcp__'),
    );
    const claude = rest.filter((entry) => !ours.includes(entry));
    const mapped = mapClaudeTools(claude, {
      ...(options.fsServer ? { fsServer: options.fsServer } : {}),
      ...(options.shellServer ? { shellServer: options.shellServer } : {}),
    });
    definition.tools = [...ours, ...mapped.rules];
    definition.unmappedTools = mapped.unmapped;
  }
  if (data.model !== undefined) definition.model = data.model;
  if (data.profile !== undefined) definition.profile = data.profile;
  const maxTurns = data.max_turns ?? data.maxTurns;
  if (maxTurns !== undefined) definition.maxTurns = maxTurns;
  if (data.output_schema !== undefined) definition.outputSchema = data.output_schema as JsonSchema;
  return definition;
}

/**
 * Reads every `*.md` of the directories (missing directories are skipped). Two files that define
 * the same name are refused, naming both: one would otherwise shadow the other unseen.
 */
export async function loadAgents(options: LoadAgentsOptions): Promise<Record<string, AgentDefinition>> {
  const agents: Record<string, AgentDefinition> = {};
  for (const directory of options.directories) {
    let names: string[];
    try {
      names = (await readdir(directory)).filter((name) => name.endsWith('.md')).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      const file = join(directory, name);
      const definition = parseAgentDefinition(await readFile(file, 'utf8'), file, options);
      const earlier = agents[definition.name];
      if (earlier !== undefined) {
        throw new ConfigError(
          file,
          'name',
          `the agent name "${definition.name}" is also defined by ${earlier.source}; rename one of them (the name: field, else the file name) or delete one`,
        );
      }
      agents[definition.name] = definition;
    }
  }
  return agents;
}
