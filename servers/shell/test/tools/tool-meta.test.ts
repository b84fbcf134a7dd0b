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
import { BIN, serverArgs } from '../helpers.js';

/** What every tool must declare: the coordinator guards and records calls from this alone. */
const DECLARED: Record<string, ToolMeta> = {
  explain_command: { subject: 'command', writes: false },
  process_status: { writes: false },
  read_process_output: { writes: false },
  run_command: { subject: 'command', writes: { roots: true } },
  start_process: { subject: 'command', writes: { roots: true } },
  stop_process: { writes: { roots: true } },
};

describe('shell tool declarations', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    root = await createTempDir('meshwork-shell-meta-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  it('declares every tool subject and writes in _meta, listed through a real client', async () => {
    server = await spawnStdioServer({ bin: BIN, args: serverArgs(root.path, ['echo *']) });
    const { tools } = await server.client.listTools();
    expect(toolDeclarationProblems(tools, DECLARED)).toEqual([]);
  });

  it('runs command lines with exactly the tools the launch contract of its kind lists', async () => {
    server = await spawnStdioServer({ bin: BIN, args: serverArgs(root.path, ['echo *']) });
    const { tools } = await server.client.listTools();
    const running = tools
      .filter((tool) => {
        const meta = readToolMeta(tool._meta);
        return meta.subject === 'command' && meta.writes !== false;
      })
      .map((tool) => tool.name);
    expect(running.sort()).toEqual([...SERVER_KIND_CONTRACTS.shell.runTools].sort());
    expect(SERVER_KIND_CONTRACTS.shell.writeTools).toEqual([]);
  });
});
