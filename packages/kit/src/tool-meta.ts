/**
 * The contract between a server and the coordinator, carried in each tool's `_meta`. A server
 * declares here what the coordinator must know to guard and record a call, so the coordinator
 * never guesses from tool names or command lines. A third-party server that declares nothing is
 * guarded by its `meshwork.json` entry instead.
 */

/** `_meta` key naming the argument that permission rules match (`path`, `command`, `slug`, …). */
export const SUBJECT_META_KEY = 'meshwork/subject';
/** `_meta` key saying whether and where a tool writes; see {@link ToolWrites}. */
export const WRITES_META_KEY = 'meshwork/writes';
/** `_meta` key naming the part a tool plays for the coordinator; see {@link TOOL_ROLES}. */
export const ROLE_META_KEY = 'meshwork/role';

/**
 * Whether and where a tool writes.
 * - `false`: it changes nothing on disk.
 * - `{ paths: [...] }`: it writes the files named by these arguments; write leases apply to them.
 * - `{ topics: [...] }`: it writes the memory topics named by these arguments.
 * - `{ roots: true }`: it may write anywhere under the server's roots (a shell command); which
 *   files it changed is only known afterwards.
 */
export type ToolWrites =
  | false
  | { paths: readonly string[] }
  | { topics: readonly string[] }
  | { roots: true };

/**
 * Parts a tool can play that the coordinator or the daemon call by themselves, not on a model's
 * behalf. They find the tool by its role, never by its name.
 */
export const TOOL_ROLES = [
  // Lists the directories the server serves, as `structuredContent.directories` (absolute, the
  // first one resolving relative paths): the coordinator reads a server's roots from it.
  'server/list-roots',
  'memory/read-index',
  'memory/append-transcript',
  'memory/stats',
  'memory/list-sessions',
  'memory/maintain',
  'memory/begin-dream',
  'memory/end-dream',
  'memory/restore-dream',
] as const;
/** One of {@link TOOL_ROLES}. */
export type ToolRole = (typeof TOOL_ROLES)[number];

/** What a tool declares in its `_meta`, read back by {@link readToolMeta}. */
export interface ToolMeta {
  /** The argument permission rules match; absent when the tool has no subject. */
  subject?: string;
  /** Absent when the server did not say: the coordinator then treats the tool as writing. */
  writes?: ToolWrites;
  role?: ToolRole;
}

/** Builds a tool's `_meta` from its declaration, for `defineTool({ meta })`. */
export function toolMeta(meta: ToolMeta): Record<string, unknown> {
  return {
    ...(meta.subject === undefined ? {} : { [SUBJECT_META_KEY]: meta.subject }),
    ...(meta.writes === undefined ? {} : { [WRITES_META_KEY]: meta.writes }),
    ...(meta.role === undefined ? {} : { [ROLE_META_KEY]: meta.role }),
  };
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string');
}

function readWrites(value: unknown): ToolWrites | undefined {
  if (value === false) return false;
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length !== 1) return undefined;
  if (isStringList(record.paths)) return { paths: record.paths };
  if (isStringList(record.topics)) return { topics: record.topics };
  if (record.roots === true) return { roots: true };
  return undefined;
}

/**
 * Reads the declaration back from a listed tool's `_meta`. A value of the wrong shape is left out,
 * as if undeclared, so the caller falls back to its fail-closed default.
 */
export function readToolMeta(meta: unknown): ToolMeta {
  if (typeof meta !== 'object' || meta === null) return {};
  const record = meta as Record<string, unknown>;
  const result: ToolMeta = {};
  const subject = record[SUBJECT_META_KEY];
  if (typeof subject === 'string' && subject.length > 0) result.subject = subject;
  const writes = readWrites(record[WRITES_META_KEY]);
  if (writes !== undefined) result.writes = writes;
  const role = record[ROLE_META_KEY];
  if (typeof role === 'string' && (TOOL_ROLES as readonly string[]).includes(role)) {
    result.role = role as ToolRole;
  }
  return result;
}
