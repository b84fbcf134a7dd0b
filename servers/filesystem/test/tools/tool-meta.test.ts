import { readToolMeta, type ToolMeta } from '@meshwork/kit';
import { SERVER_KIND_CONTRACTS } from '@meshwork/permissions';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import type { Tool } from '@modelcontextprotocol/client';
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

function argumentsOf(tool: Tool): string[] {
  return Object.keys((tool.inputSchema as { properties?: Record<string, unknown> }).properties ?? {});
}

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
    expect(tools.map((tool) => tool.name).sort()).toEqual(Object.keys(DECLARED).sort());
    for (const tool of tools) {
      const meta = readToolMeta(tool._meta);
      expect({ tool: tool.name, meta }).toEqual({ tool: tool.name, meta: DECLARED[tool.name] });
      // Honest annotations: a tool that writes nothing says it is read-only, and only such a tool.
      expect({ tool: tool.name, readOnly: tool.annotations?.readOnlyHint === true }).toEqual({
        tool: tool.name,
        readOnly: meta.writes === false,
      });
      const names = argumentsOf(tool);
      for (const argument of [
        ...(meta.subject === undefined ? [] : [meta.subject]),
        ...(meta.writes && 'paths' in meta.writes ? meta.writes.paths : []),
      ]) {
        expect({ tool: tool.name, argument, present: names.includes(argument) }).toMatchObject({
          present: true,
        });
      }
    }
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
