import { readToolMeta, type ToolMeta } from '@meshwork/kit';
import { SERVER_KIND_CONTRACTS } from '@meshwork/permissions';
import {
  createTempDir,
  type SpawnedStdioServer,
  spawnStdioServer,
  type TempDir,
  toolDeclarationProblems,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MEMORY_BIN } from '../support.js';

/** What every tool must declare: the coordinator and the daemon find and record tools from this alone. */
const DECLARED: Record<string, ToolMeta> = {
  append_transcript: { subject: 'session', writes: { roots: true }, role: 'memory/append-transcript' },
  begin_dream: { writes: { roots: true }, role: 'memory/begin-dream' },
  delete_topic: { subject: 'slug', writes: { topics: ['slug'] } },
  end_dream: { writes: { roots: true }, role: 'memory/end-dream' },
  list_sessions: { writes: false, role: 'memory/list-sessions' },
  maintain_memory: { writes: { roots: true }, role: 'memory/maintain' },
  memory_stats: { writes: false, role: 'memory/stats' },
  read_index: { writes: false, role: 'memory/read-index' },
  read_topic: { subject: 'slug', writes: false },
  read_transcript: { subject: 'session', writes: false },
  restore_dream: { subject: 'dream_id', writes: { roots: true }, role: 'memory/restore-dream' },
  search_memory: { subject: 'query', writes: false },
  write_topic: { subject: 'slug', writes: { topics: ['slug'] } },
};

describe('memory tool declarations', () => {
  let directory: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    directory = await createTempDir('meshwork-memory-meta-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await directory.remove();
  });

  it('declares every tool subject, writes and role in _meta, listed through a real client', async () => {
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', directory.path] });
    const { tools } = await server.client.listTools();
    expect(toolDeclarationProblems(tools, DECLARED)).toEqual([]);
  });

  it('writes no file paths and runs no commands, as the launch contract of its kind says', async () => {
    server = await spawnStdioServer({ bin: MEMORY_BIN, args: ['--dir', directory.path] });
    const { tools } = await server.client.listTools();
    const pathWriters = tools.filter((tool) => {
      const writes = readToolMeta(tool._meta).writes;
      return writes !== undefined && writes !== false && 'paths' in writes;
    });
    expect(pathWriters.map((tool) => tool.name)).toEqual([...SERVER_KIND_CONTRACTS.memory.writeTools]);
    expect(SERVER_KIND_CONTRACTS.memory.runTools).toEqual([]);
  });
});
