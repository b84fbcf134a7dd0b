import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScriptedTurn } from '@meshwork/testkit';

/** Calls one memory tool by name over a test's own MCP client (seeding goes around the CLI). */
export type SeedCall = (name: string, args: Record<string, unknown>) => Promise<void>;

/** Index bound used by the seeded memory: 5 lines, so the 7 seeded topics are over it. */
export const INDEX_MAX_LINES = 5;

/** Every content file of a memory directory (index and topics), for exact comparisons. */
export function snapshotMemoryFiles(directory: string): Record<string, string> {
  const files: Record<string, string> = {};
  if (existsSync(join(directory, 'MEMORY.md')))
    files['MEMORY.md'] = readFileSync(join(directory, 'MEMORY.md'), 'utf8');
  const topics = join(directory, 'topics');
  if (existsSync(topics)) {
    for (const name of readdirSync(topics).sort())
      files[`topics/${name}`] = readFileSync(join(topics, name), 'utf8');
  }
  return files;
}

/**
 * Seeds a memory that needs a dream: two duplicate deploy topics, a relative date, a fact the
 * latest transcript contradicts, and an index over its 5-line bound.
 */
export async function seedMemory(call: SeedCall): Promise<void> {
  const topics: Array<{ slug: string; title: string; hook: string; type: string; body: string }> = [
    {
      slug: 'deploy-process',
      title: 'Deploy process',
      hook: 'how to deploy',
      type: 'project',
      body: 'Run `make deploy` from main.\n',
    },
    {
      slug: 'deploy-steps',
      title: 'Deploy steps',
      hook: 'deploying (duplicate)',
      type: 'project',
      body: 'Deploy with make deploy on the main branch.\n',
    },
    {
      slug: 'release-date',
      title: 'Release date',
      hook: 'when we ship',
      type: 'project',
      body: 'The release is next Friday.\n',
    },
    { slug: 'database', title: 'Database', hook: 'which database', type: 'project', body: 'We use MySQL.\n' },
    {
      slug: 'editor',
      title: 'Editor',
      hook: 'user editor',
      type: 'user',
      body: 'The user edits with Helix.\n',
    },
    {
      slug: 'old-ci',
      title: 'Old CI',
      hook: 'legacy CI notes',
      type: 'reference',
      body: 'Jenkins job names.\n',
    },
    {
      slug: 'old-vpn',
      title: 'Old VPN',
      hook: 'legacy VPN notes',
      type: 'reference',
      body: 'VPN config for 2019.\n',
    },
  ];
  for (const topic of topics) await call('write_topic', { ...topic, mode: 'create' });
  await call('append_transcript', {
    session: 'session-2026-03-06',
    entries: [
      {
        role: 'user',
        content: 'We switched the database from MySQL to Postgres today.',
        ts: '2026-03-06T10:00:00Z',
      },
      { role: 'user', content: 'The release is next Friday, 2026-03-13.', ts: '2026-03-06T10:05:00Z' },
    ],
  });
}

/** What a good model does with the seeded memory, as scripted turns of the dreaming agent. */
export const CONSOLIDATION_TURNS: ScriptedTurn[] = [
  { text: 'Orienting.', content: [{ type: 'tool_use', name: 'mcp__memory__read_index', input: {} }] },
  {
    text: 'Gathering.',
    content: [
      {
        type: 'tool_use',
        name: 'mcp__memory__search_memory',
        input: { query: 'database', scope: 'transcripts' },
      },
    ],
  },
  {
    text: 'Consolidating and pruning.',
    content: [
      {
        type: 'tool_use',
        name: 'mcp__memory__write_topic',
        input: {
          slug: 'deploy-process',
          body: 'Run `make deploy` from the main branch.\n',
          mode: 'replace',
          hook: 'how to deploy (merged)',
        },
      },
      { type: 'tool_use', name: 'mcp__memory__delete_topic', input: { slug: 'deploy-steps' } },
      {
        type: 'tool_use',
        name: 'mcp__memory__write_topic',
        input: { slug: 'release-date', body: 'The release is on 2026-03-13.\n', mode: 'replace' },
      },
      {
        type: 'tool_use',
        name: 'mcp__memory__write_topic',
        input: {
          slug: 'database',
          body: 'We use Postgres (switched from MySQL on 2026-03-06).\n',
          mode: 'replace',
        },
      },
      { type: 'tool_use', name: 'mcp__memory__delete_topic', input: { slug: 'old-vpn' } },
    ],
  },
  { text: 'Merged the deploy topics, dated the release, Postgres replaces MySQL, pruned old-vpn.' },
];
