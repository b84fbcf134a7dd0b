import { createHash } from 'node:crypto';
import type { Profile } from './profile.js';
import type { MemoryLaunchLimits } from './types.js';

/** The flag that carries a profile's transcript scope to the memory server. */
export const MEMORY_LIMIT_FLAG = 'limit-transcript-profile';

/** `node:util` parseArgs options of the memory server's launch limits. */
export const MEMORY_LIMIT_OPTIONS = {
  [MEMORY_LIMIT_FLAG]: { type: 'string' },
} as const;

/** Help text of {@link MEMORY_LIMIT_OPTIONS}. */
export const MEMORY_LIMIT_USAGE = `Launch limits (added by the coordinator from a permission profile):
  --limit-transcript-profile <tag>  tag appended transcript entries with <tag>, and show only
                                    entries tagged with it (search_memory, read_transcript, list_sessions)`;

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonical(item)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The transcript scope of a profile: a fingerprint of everything that decides what it may reach
 * (`servers`, `allow`, `ask`, `deny`, `launch`; not its description or budgets). Two profiles with
 * the same scope can read exactly the same things, so showing one the other's tool results leaks
 * nothing; a profile whose rules change gets a new scope and no longer sees what it recorded under
 * the old rules (which may have granted more).
 */
export function transcriptScopeOf(profile: Profile): string {
  const reach = {
    servers: profile.servers,
    allow: profile.allow,
    ask: profile.ask,
    deny: profile.deny,
    launch: profile.launch,
  };
  return `p-${createHash('sha256').update(canonical(reach)).digest('hex').slice(0, 24)}`;
}

/**
 * The launch limits of a memory server for `profile`: its transcript scope, unless the profile
 * says `launch.memory.transcripts: "all"` (the dream profile does).
 */
export function memoryLaunchLimits(profile: Profile): MemoryLaunchLimits {
  if (profile.launch?.memory?.transcripts === 'all') return { kind: 'memory' };
  return { kind: 'memory', transcriptProfile: transcriptScopeOf(profile) };
}
