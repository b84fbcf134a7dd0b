import { isValidRule } from './rule.js';

/** Options for {@link mapClaudeTools}. */
export interface ClaudeToolMappingOptions {
  /** Name of the filesystem server; default `fs`. */
  fsServer?: string;
  /** Name of the shell server; default `shell`. */
  shellServer?: string;
}

/** Result of {@link mapClaudeTools}. */
export interface ClaudeToolMapping {
  /** meshwork rules, deduplicated, in input order. */
  rules: string[];
  /** Entries with no meshwork equivalent (for example `WebFetch`, `Task`), or malformed ones. */
  unmapped: string[];
}

/**
 * The tools each Claude Code built-in maps to, on the filesystem (`fs`) or shell (`shell`) server.
 * A path argument (`Read(src/**)`) is attached to every fs tool; `Bash(x)` maps to `run_command(x)`.
 */
export const CLAUDE_TOOL_MAP: Readonly<Record<string, { server: 'fs' | 'shell'; tools: readonly string[] }>> =
  {
    Read: { server: 'fs', tools: ['read_*', 'get_file_info', 'list_allowed_directories'] },
    NotebookRead: { server: 'fs', tools: ['read_*'] },
    LS: { server: 'fs', tools: ['list_*', 'directory_tree', 'get_file_info'] },
    Glob: { server: 'fs', tools: ['list_*', 'directory_tree', 'search_files', 'glob*'] },
    Grep: { server: 'fs', tools: ['grep*', 'search_*'] },
    Write: { server: 'fs', tools: ['write_file', 'create_directory'] },
    Edit: { server: 'fs', tools: ['edit_file', 'write_file', 'create_directory', 'move_file'] },
    MultiEdit: { server: 'fs', tools: ['edit_file', 'write_file', 'create_directory', 'move_file'] },
    NotebookEdit: { server: 'fs', tools: ['edit_file', 'write_file'] },
    Bash: { server: 'shell', tools: ['run_command'] },
  };

/**
 * `mcp__server__tool` → `server:tool`; `mcp__server` and `mcp__server__*` → `server:*`. The server
 * part ends at the first `__` after the prefix. Undefined when `name` is not an MCP tool name.
 */
export function mcpToolNameToRule(name: string): string | undefined {
  const match = /^mcp__(.+)$/.exec(name.trim());
  if (match === null) return undefined;
  const rest = match[1]!;
  const split = rest.indexOf('__');
  const server = split === -1 ? rest : rest.slice(0, split);
  const tool = split === -1 ? '*' : rest.slice(split + 2) || '*';
  const rule = `${server}:${tool}`;
  return isValidRule(rule) ? rule : undefined;
}

/** Turns a Claude Code path specifier into a meshwork path pattern; undefined when unsupported (`~`). */
function claudePath(specifier: string): string | undefined {
  const text = specifier.trim();
  if (text === '' || text.startsWith('~')) return undefined;
  if (text.startsWith('//')) return text.slice(1); // `//abs/path` is absolute in Claude Code
  if (text.startsWith('/')) return text.slice(1); // `/x` is relative to the project root
  return text.replace(/^(\.\/)+/, '');
}

/**
 * Maps one Claude Code tool entry (as in an agent's `tools:` list or a settings permission rule)
 * to meshwork rules; undefined when it has no equivalent. See {@link CLAUDE_TOOL_MAP}; also
 * `Bash` → `shell:*`, `Bash(npm test:*)` → `shell:run_command(npm test *)`, `mcp__s__t` → `s:t`.
 */
export function claudeToolToRules(
  tool: string,
  options: ClaudeToolMappingOptions = {},
): string[] | undefined {
  const text = tool.trim();
  const mcp = mcpToolNameToRule(text);
  if (mcp !== undefined) return [mcp];
  const match = /^([A-Za-z]+)(?:\((.*)\))?$/s.exec(text);
  if (match === null) return undefined;
  const name = match[1]!;
  const argument = match[2];
  const entry = CLAUDE_TOOL_MAP[name];
  if (entry === undefined) return undefined;
  const server = entry.server === 'fs' ? (options.fsServer ?? 'fs') : (options.shellServer ?? 'shell');
  if (entry.server === 'shell') {
    if (argument === undefined || argument.trim() === '' || argument.trim() === '*') return [`${server}:*`];
    const command = argument.trim().replace(/(\S):\*$/, '$1 *');
    const rule = `${server}:run_command(${command})`;
    return isValidRule(rule) ? [rule] : undefined;
  }
  if (argument === undefined || argument.trim() === '') return entry.tools.map((name) => `${server}:${name}`);
  const path = claudePath(argument);
  if (path === undefined) return undefined;
  const rules = entry.tools.map((name) => `${server}:${name}(${path})`);
  return rules.every(isValidRule) ? rules : undefined;
}

/** Splits a `tools:` value (`"Read, Grep, Bash(git log:*)"` or a list) at top-level commas. */
export function splitClaudeToolList(tools: string | readonly string[]): string[] {
  if (typeof tools !== 'string') return tools.map((tool) => tool.trim()).filter((tool) => tool !== '');
  const result: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of tools) {
    if (char === '(') depth++;
    else if (char === ')') depth = Math.max(0, depth - 1);
    if (char === ',' && depth === 0) {
      result.push(current);
      current = '';
    } else current += char;
  }
  result.push(current);
  return result.map((tool) => tool.trim()).filter((tool) => tool !== '');
}

/**
 * Maps a Claude Code `tools:` list (a comma-separated string or an array) to meshwork allow rules.
 * Entries without an equivalent are returned in `unmapped` so the caller can warn about them.
 */
export function mapClaudeTools(
  tools: string | readonly string[],
  options: ClaudeToolMappingOptions = {},
): ClaudeToolMapping {
  const rules = new Set<string>();
  const unmapped: string[] = [];
  for (const tool of splitClaudeToolList(tools)) {
    const mapped = claudeToolToRules(tool, options);
    if (mapped === undefined) unmapped.push(tool);
    else for (const rule of mapped) rules.add(rule);
  }
  return { rules: [...rules], unmapped };
}
