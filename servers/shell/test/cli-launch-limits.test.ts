import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, serverArgs } from './helpers.js';

interface CallResult {
  isError?: boolean;
  structuredContent?: Record<string, unknown>;
}

describe('meshwork-shell launch limits (--limit-*)', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    root = await createTempDir('meshwork-shell-limits-');
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  const run = async (command: string) =>
    (await server!.client.callTool({ name: 'run_command', arguments: { command } })) as CallResult;

  it('--limit-allow keeps only what the configured policy also allows; --limit-deny adds denials', async () => {
    server = await spawnStdioServer({
      bin: BIN,
      args: serverArgs(
        root.path,
        ['echo *', 'printf *'],
        ['--limit-allow=echo *', '--limit-deny=echo secret*'],
      ),
    });
    expect((await run('echo ok')).structuredContent?.stdout).toBe('ok\n');
    expect((await run('printf x')).isError).toBe(true);
    expect((await run('echo secret')).isError).toBe(true);
  });

  it('narrows the rules of a --policy file too', async () => {
    const policy = join(root.path, 'policy.json');
    await writeFile(policy, JSON.stringify({ allow: ['echo *', 'printf *'] }));
    server = await spawnStdioServer({
      bin: BIN,
      args: [
        '--policy',
        policy,
        '--root',
        root.path,
        '--output-dir',
        join(root.path, 'out'),
        '--limit-allow=printf *',
      ],
    });
    expect((await run('printf y')).structuredContent?.stdout).toBe('y');
    expect((await run('echo no')).isError).toBe(true);
  });

  it('refuses to start when the limits leave no configured command or root', () => {
    const noCommand = spawnSync(
      process.execPath,
      [BIN, ...serverArgs(root.path, ['ls *']), '--limit-allow=rm *'],
      {
        encoding: 'utf8',
        input: '',
      },
    );
    expect(noCommand.status).not.toBe(0);
    expect(noCommand.stderr).toMatch(/no configured command pattern is within a --limit-allow/);
    const noRoot = spawnSync(process.execPath, [BIN, '--root', root.path, '--limit-root=/nowhere-else'], {
      encoding: 'utf8',
      input: '',
    });
    expect(noRoot.status).not.toBe(0);
    expect(noRoot.stderr).toMatch(/no root/);
  });
});
