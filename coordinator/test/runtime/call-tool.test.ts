import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { type Coordinator, createCoordinator } from '../../src/coordinator.js';
import { echoServer } from '../helpers/project.js';

const MEMORY_BIN = fileURLToPath(new URL('../../../servers/memory/dist/cli.js', import.meta.url));

describe('calls by declared role, outside a model turn', () => {
  let dir: TempDir;
  const coordinators: Coordinator[] = [];

  beforeEach(async () => {
    dir = await createTempDir('meshwork-call-tool-');
    await writeFile(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({
        mcpServers: {
          memory: {
            command: process.execPath,
            args: [MEMORY_BIN, '--dir', join(dir.path, 'memory')],
            // A third-party entry: its OS sandbox lets it write only what the entry grants.
            sandbox: { write: [join(dir.path, 'memory')] },
          },
          echo: echoServer(),
        },
      }),
    );
  });
  afterEach(async () => {
    for (const coordinator of coordinators.splice(0).reverse()) await coordinator.close();
    await dir.remove();
  });

  async function coordinatorOf(options: { pool?: Coordinator['pool'] } = {}) {
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({
      config,
      modelAccess: { baseURL: 'http://127.0.0.1:9', apiKey: 'unused' },
      ...options,
    });
    coordinators.push(coordinator);
    return coordinator;
  }

  it('finds the tool by its role and calls it over the pool; a second coordinator can share that pool', async () => {
    const first = await coordinatorOf();
    expect(await first.findToolByRole('memory', 'memory/stats')).toBe('memory_stats');
    const stats = await first.callTool('memory', 'memory/stats');
    expect(stats.isError).toBe(false);
    expect(stats.structuredContent?.dir).toBe(join(dir.path, 'memory'));

    const second = await coordinatorOf({ pool: first.pool });
    const begun = await second.callTool('memory', 'memory/begin-dream');
    expect(begun.isError, begun.text).toBe(false);
    // The same process answered both, and closing the borrower leaves the owner's pool running.
    await second.close();
    const again = await first.callTool('memory', 'memory/begin-dream');
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/^E_DREAM_RUNNING/);
    expect(first.pool.startedProcesses()).toBe(1);
  });

  it('says so when no tool of the server declares the role', async () => {
    const coordinator = await coordinatorOf();
    expect(await coordinator.findToolByRole('echo', 'memory/stats')).toBeUndefined();
    await expect(coordinator.callTool('echo', 'memory/stats')).rejects.toMatchObject({
      code: 'E_NO_TOOL_ROLE',
    });
  });
});
