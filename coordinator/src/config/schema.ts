import { SERVER_KINDS } from '@meshwork/permissions';
import { z } from 'zod';

const argumentName = z.string().min(1, 'expected an argument name of the tool');
const argumentNames = z.array(argumentName).min(1, 'expected at least one argument name');

/**
 * `writes` of a declared tool, as in a tool's `_meta["meshwork/writes"]`: `false`, or the arguments
 * naming the files (`paths`) or memory topics (`topics`) it writes, or `{"roots": true}` when it may
 * write anywhere under the server's roots.
 */
export const toolWritesSchema = z.union([
  z.literal(false),
  z.strictObject({ paths: argumentNames }),
  z.strictObject({ topics: argumentNames }),
  z.strictObject({ roots: z.literal(true) }),
]);

/** What a `meshwork.json` entry declares for one tool of a server that declares nothing itself. */
export const toolDeclarationSchema = z.strictObject({
  /** The argument permission rules match. */
  subject: argumentName.optional(),
  writes: toolWritesSchema.optional(),
});

/** The meshwork-only fields of a server entry (other MCP clients ignore them). */
const meshworkFields = {
  /** The meshwork server this entry launches; absent = a third-party server. */
  kind: z.enum(SERVER_KINDS).optional(),
  /** Declarations of tools, by tool name; they take precedence over the server's own `_meta`. */
  tools: z.record(z.string().min(1), toolDeclarationSchema).optional(),
};

const stringRecord = z.record(z.string(), z.string());

const WHOLE = 'expected a positive whole number';
/** A count or limit; its messages say what to write (zod's own say "Invalid input"). */
const positiveWhole = () => z.number({ error: WHOLE }).int(WHOLE).positive(WHOLE);

const sandboxPaths = z.array(z.string().min(1, 'expected a non-empty path'));

/**
 * `sandbox` of a stdio entry: `"none"` (explicit opt-out), or what the server needs beyond the
 * default sandbox: paths it reads (kept visible even where the sandbox masks), paths it writes,
 * and network access. Paths are absolute or relative to the project.
 */
export const sandboxSchema = z.union([
  z.literal('none'),
  z.strictObject({
    read: sandboxPaths.optional(),
    write: sandboxPaths.optional(),
    network: z.boolean().optional(),
  }),
]);

/** A stdio server entry, as in `.mcp.json`. */
export const stdioServerSchema = z.object({
  type: z.literal('stdio').optional(),
  command: z.string().min(1, 'expected a non-empty command'),
  args: z
    .array(z.string(), { error: 'expected an array of strings, one per argument, e.g. ["--root", "."]' })
    .optional(),
  env: stringRecord.optional(),
  cwd: z.string().optional(),
  sandbox: sandboxSchema.optional(),
  ...meshworkFields,
});

/** A Streamable HTTP server entry, as in `.mcp.json`. */
export const httpServerSchema = z.object({
  type: z.enum(['http', 'streamable-http', 'sse']).optional(),
  url: z.string().url('expected an http(s) URL'),
  headers: stringRecord.optional(),
  ...meshworkFields,
});

/** One `mcpServers` entry: stdio (`command`) or HTTP (`url`). */
export const serverEntrySchema = z.union([stdioServerSchema, httpServerSchema]);

/** USD per million tokens. */
export const priceSchema = z.strictObject({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cacheRead: z.number().nonnegative().optional(),
  cacheWrite: z.number().nonnegative().optional(),
});

/** `model` as an object: defaults plus a price table. */
const modelObjectSchema = z.strictObject({
  name: z.string().min(1).optional(),
  maxTokens: positiveWhole().optional(),
  prices: z.record(z.string(), priceSchema).optional(),
  maxRetries: z.number().int().min(0).max(10).optional(),
});

/** `model`: a model name, or defaults plus a price table. */
export const modelSchema = z.union([z.string().min(1), modelObjectSchema]);

/** Run-wide limits; a subagent draws from what its parent has left. */
export const budgetsSchema = z.strictObject({
  maxTurns: positiveWhole().optional(),
  maxTokens: positiveWhole().optional(),
  maxCostUsd: z.number().nonnegative().optional(),
  maxSeconds: z.number().positive().optional(),
  maxToolCalls: positiveWhole().optional(),
});

/** `lead`: the agent behind `meshwork run "<task>"`. */
export const leadSchema = z.strictObject({
  model: z.string().min(1).optional(),
  profile: z.string().min(1).optional(),
  maxTurns: positiveWhole().optional(),
  maxDepth: z.number().int().min(1).max(8).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  prompt: z.string().optional(),
});

/** The whole meshwork.json (unknown top-level sections such as `daemon` belong to other readers). */
export const meshworkFileSchema = z.object({
  $schema: z.string().optional(),
  mcpServers: z
    .record(
      z.string().regex(/^[A-Za-z0-9_-]+$/, 'expected a server name of letters, digits, _ and -'),
      z.unknown(),
    )
    .optional(),
  profiles: z.record(z.string().min(1), z.unknown()).optional(),
  agents: z.array(z.string().min(1)).optional(),
  model: modelSchema.optional(),
  budgets: budgetsSchema.optional(),
  lead: leadSchema.optional(),
  memory: z.strictObject({ server: z.string().min(1).optional() }).optional(),
  runsDir: z.string().min(1).optional(),
  toolResultMaxChars: z.number().int().min(200).optional(),
  concurrency: z.number().int().min(1).max(64).optional(),
  offline: z.strictObject({ script: z.string().min(1) }).optional(),
  /** How long a server may take to start and answer initialize, ms. */
  connectTimeoutMs: positiveWhole().optional(),
});

/**
 * Top-level sections that other readers own (the daemon's settings); they are not warned about as
 * unknown keys.
 */
export const OTHER_READERS_KEYS = ['daemon'] as const;

/** The keys of each strict section of the file, by field, for "did you mean" hints. */
export const SECTION_KEYS: Readonly<Record<string, readonly string[]>> = {
  model: Object.keys(modelObjectSchema.shape),
  budgets: Object.keys(budgetsSchema.shape),
  lead: Object.keys(leadSchema.shape),
  memory: ['server'],
  offline: ['script'],
};

/** A raw server entry after validation. */
export type ServerEntry = z.infer<typeof serverEntrySchema>;
/** Price of a model, USD per million tokens. */
export type ModelPrice = z.infer<typeof priceSchema>;
/** Run budgets as configured. */
export type BudgetsConfig = z.infer<typeof budgetsSchema>;
