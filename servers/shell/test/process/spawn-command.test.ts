import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, serverArgs, structured } from '../helpers.js';

const RULES = ['sh -c *', 'no-such-program *', './data.txt', './no-shebang.sh', 'grep *'];

describe.runIf(process.platform === 'linux')('spawning a command', () => {
  let root: TempDir;
  let server: SpawnedStdioServer;
  const run = async (command: string) =>
    structured(await server.client.callTool({ name: 'run_command', arguments: { command } }));

  beforeEach(async () => {
    root = await createTempDir();
    server = await spawnStdioServer({
      bin: BIN,
      args: serverArgs(root.path, RULES, ['--kill-grace-ms', '500']),
      cwd: root.path,
    });
  });
  afterEach(async () => {
    await server.close();
    await root.remove();
  });

  it('starts each command from the server itself, as the leader of a new session and process group', async () => {
    const result = await run("sh -c 'echo $PPID; ps -o pgid=,sid= -p $$'");
    const [parent, group, session] = String(result.stdout).trim().split(/\s+/).map(Number);
    expect(parent).toBe(server.pid);
    expect(group).toBe(result.pid);
    expect(session).toBe(result.pid);
  });

  it('gives the command every signal unblocked and at its default, though Node ignores SIGPIPE itself', async () => {
    // Read by the spawned process about itself: a shell reading its own masks would be racy.
    expect((await run("grep -E '^Sig(Blk|Ign)' /proc/self/status")).stdout).toBe(
      'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n',
    );
  });

  it('reports a program that cannot be started as exit 127 or 126, with the reason', async () => {
    writeFileSync(join(root.path, 'data.txt'), 'not a program\n');
    expect(await run('no-such-program x')).toMatchObject({
      exit_code: 127,
      pid: null,
      stderr: 'no-such-program: command not found\n',
    });
    const notExecutable = await run('./data.txt');
    expect(notExecutable.exit_code).toBe(126);
    expect(notExecutable.stderr).toMatch(/EACCES/);
  });

  it('runs a file without a #! line with /bin/sh, as execvp does', async () => {
    writeFileSync(join(root.path, 'no-shebang.sh'), 'echo "run by $0"\n');
    chmodSync(join(root.path, 'no-shebang.sh'), 0o755);
    expect(await run('./no-shebang.sh')).toMatchObject({ exit_code: 0, stdout: 'run by ./no-shebang.sh\n' });
  });
});
