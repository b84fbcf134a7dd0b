import type { ToolMeta } from '@meshwork/kit';
import type { Profile, SandboxGrants, ServerKind } from '@meshwork/permissions';
import type { ModelPrice } from './schema.js';

export type { ServerKind } from '@meshwork/permissions';

/** What `meshwork.json` declares for a tool: its subject and writes (never a role). */
export type ToolDeclaration = Pick<ToolMeta, 'subject' | 'writes'>;

/** One `mcpServers` entry, resolved. Strings may still hold `${VAR}` references (expanded at spawn). */
export interface ServerConfig {
  name: string;
  transport: 'stdio' | 'http';
  command?: string;
  args: string[];
  env: Record<string, string>;
  /** Working directory for a stdio server; default: the project directory. */
  cwd?: string;
  url?: string;
  headers: Record<string, string>;
  /** The meshwork server this entry launches, as its `"kind"` says; absent = a third-party server. */
  kind?: ServerKind;
  /** Tool declarations from the entry's `"tools"`, by tool name; they win over the server's `_meta`. */
  tools: Record<string, ToolDeclaration>;
  /**
   * The OS sandbox of a stdio server: absent = the default sandbox derived from the profile;
   * grants = that plus the reads, writes and network the entry names; `"none"` = the explicit
   * opt-out (the server runs with the coordinator's access, and the report says so).
   */
  sandbox?: 'none' | SandboxGrants;
}

/** A JSON Schema (the subset the coordinator validates: type, properties, required, items, enum). */
export type JsonSchema = Record<string, unknown>;

/** An agent definition: Markdown with YAML frontmatter; the body is the system prompt. */
export interface AgentDefinition {
  name: string;
  description: string;
  systemPrompt: string;
  /** Model name; default: the config's model. */
  model?: string;
  /** Profile name in meshwork.json `profiles`. */
  profile?: string;
  /** Extra allow rules from `tools` (Claude names mapped); they narrow the profile, never widen it. */
  tools?: string[];
  /** `tools` entries with no meshwork equivalent (reported, ignored). */
  unmappedTools: string[];
  maxTurns?: number;
  /** JSON Schema of the structured output (the last fenced ```json block of the final answer). */
  outputSchema?: JsonSchema;
  /** May this agent delegate (`delegate: true`, or `delegate`/`Task` in `tools`)? */
  delegate: boolean;
  /** File it came from; `(config)` for built-ins. */
  source: string;
}

/** Model defaults and the price table. */
export interface ModelSettings {
  name: string;
  maxTokens: number;
  maxRetries: number;
  /** USD per million tokens, by model name (prefix match on the longest key). */
  prices: Record<string, ModelPrice>;
}

/** Limits of a run or a subagent; absent = unlimited at that level. */
export interface Budgets {
  maxTurns?: number;
  maxTokens?: number;
  maxCostUsd?: number;
  maxSeconds?: number;
  maxToolCalls?: number;
}

/** Settings of the lead agent. */
export interface LeadSettings {
  model?: string;
  profile?: string;
  maxTurns: number;
  maxDepth: number;
  concurrency: number;
  prompt?: string;
}

/** A loaded, validated meshwork.json plus the agents it points at. */
export interface MeshworkConfig {
  /** The config file, when there was one. */
  path?: string;
  /** Directory of the config file (or the cwd without one): base of relative paths in it. */
  dir: string;
  /** The project the agents work on; default: `dir`. */
  projectDir: string;
  servers: Record<string, ServerConfig>;
  profiles: Record<string, Profile>;
  agents: Record<string, AgentDefinition>;
  agentDirs: string[];
  model: ModelSettings;
  budgets: Budgets;
  lead: LeadSettings;
  /** Name of the memory server (transcripts, index); first `memory`-kind server by default. */
  memoryServer?: string;
  /** Absolute directory of run records. */
  runsDir: string;
  toolResultMaxChars: number;
  concurrency: number;
  /** Absolute path of the bundled offline script, if any. */
  offlineScript?: string;
  /** How long a stdio or HTTP server may take to start and answer initialize, ms; default 10000. */
  connectTimeoutMs?: number;
  /**
   * Things in the file that were accepted but look like mistakes (an unknown key that is ignored,
   * with the key it resembles); each names the file and the field.
   */
  warnings?: string[];
}
