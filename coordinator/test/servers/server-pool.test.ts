import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { createAccessPolicy } from '../../src/gate/access-policy.js';
import { buildToolView } from '../../src/gate/tool-view.js';
import { createServerPool, type ServerPool } from '../../src/servers/server-pool.js';

const FS_BIN = fileURLToPath(new URL('../../../servers/filesystem/dist/cli.js', import.meta.url));

describe('a filesystem server launched for a profile', () => {
  let dir: TempDir;
  let pool: ServerPool | undefined;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-pool-');
    await mkdir(join(dir.path, 'docs'));
  });
  afterEach(async () => {
    await pool?.close();
    pool = undefined;
    await dir.remove();
  });

  async function viewFor(profile: Record<string, unknown>, entry: Record<string, unknown> = {}) {
    await writeFile(
      join(dir.path, 'meshwork.json'),
      JSON.stringify({
        mcpServers: { fs: { kind: 'filesystem', command: 'node', args: [FS_BIN, '.'], ...entry } },
        profiles: { p: profile },
      }),
    );
    const config = await loadConfig({ cwd: dir.path });
    pool = createServerPool({ config });
    return buildToolView(pool, config, createAccessPolicy(config.profiles.p as never));
  }

  it('is started read-only when the profile says so, with its roots read from the server', async () => {
    // fs:* would show every write tool; the server itself no longer lists them.
    const view = await viewFor({ allow: ['fs:*'], launch: { filesystem: { readOnly: true } } });
    expect(view.notes).toEqual([]);
    const names = view.tools.map((tool) => tool.tool);
    expect(names).toContain('read_text_file');
    expect(names).not.toContain('edit_file');
    const read = view.tools.find((tool) => tool.tool === 'read_text_file');
    expect(read).toMatchObject({ subjectArg: 'path', writes: false, roots: [dir.path] });
  });

  it('binds the declared writes of a writable launch', async () => {
    const view = await viewFor({ allow: ['fs:*'] });
    const move = view.tools.find((tool) => tool.tool === 'move_file');
    expect(move).toMatchObject({ subjectArg: 'source', writes: { paths: ['source', 'destination'] } });
  });

  it('narrows the roots to the profile launch roots', async () => {
    const view = await viewFor({ allow: ['fs:*'], launch: { filesystem: { roots: ['docs'] } } });
    expect(view.tools[0]?.roots).toEqual([join(dir.path, 'docs')]);
  });

  it('is left out, with a note, when the profile leaves none of its roots', async () => {
    const view = await viewFor({ allow: ['fs:*'], launch: { filesystem: { roots: ['/elsewhere'] } } });
    expect(view.tools).toEqual([]);
    expect(view.notes).toEqual([expect.stringMatching(/^fs: .*no root/)]);
  });
});
