import { readToolMeta, type ToolMeta } from '@meshwork/kit';
import { SERVER_KIND_CONTRACTS } from '@meshwork/permissions';
import {
  createTempDir,
  type SpawnedStdioServer,
  type TempDir,
  toolDeclarationProblems,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnFs } from '../helpers.js';

/** What every tool must declare: the coordinator guards and records calls from this alone. */
const DECLARED: Record<string, ToolMeta> = {
  create_directory: { subject: 'path', writes: { paths: ['path'] } },
  directory_tree: { subject: 'path', writes: false },
  edit_file: { subject: 'path', writes: { paths: ['path'] } },
  get_file_info: { subject: 'path', writes: false },
  grep: { subject: 'path', writes: false },
  list_allowed_directories: { writes: false, role: 'server/list-roots' },
  list_directory: { subject: 'path', writes: false },
  list_directory_with_sizes: { subject: 'path', writes: false },
  move_file: { subject: 'source', writes: { paths: ['source', 'destination'] } },
  read_file: { subject: 'path', writes: false },
  read_media_file: { subject: 'path', writes: false },
  read_multiple_files: { subject: 'paths', writes: false },
  read_text_file: { subject: 'path', writes: false },
  search_files: { subject: 'path', writes: false },
  write_file: { subject: 'path', writes: { paths: ['path'] } },
};

describe('filesystem tool declarations', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    root = await createTempDir('meshwork-fs-meta-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  it('declares every tool subject, writes and role in _meta, listed through a real client', async () => {
    server = await spawnFs([root.path]);
    const { tools } = await server.client.listTools();
    expect(toolDeclarationProblems(tools, DECLARED)).toEqual([]);
  });

  it('writes exactly with the tools the launch contract of its kind lists', async () => {
    server = await spawnFs([root.path]);
    const { tools } = await server.client.listTools();
    const writing = tools
      .filter((tool) => readToolMeta(tool._meta).writes !== false)
      .map((tool) => tool.name);
    expect(writing.sort()).toEqual([...SERVER_KIND_CONTRACTS.filesystem.writeTools].sort());
  });
});
