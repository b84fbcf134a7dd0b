import { fileURLToPath } from 'node:url';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { createServerConnection, type ServerConnection } from '../../src/servers/server-connection.js';
import { toolWithRole } from '../../src/servers/tool-with-role.js';
import { ECHO_BIN } from '../helpers/project.js';

const FS_BIN = fileURLToPath(new URL('../../../servers/filesystem/dist/cli.js', import.meta.url));

describe('tool call outcomes and server roots', () => {
  let connection: ServerConnection | undefined;
  let temp: TempDir | undefined;
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
    await temp?.remove();
    temp = undefined;
  });

  const start = (command: string, args: string[]) =>
    createServerConnection({
      key: 'test',
      spec: { server: 'echo', transport: 'stdio', command, args, env: {}, headers: {} },
    });

  it("carries the server's error code from the result's _meta in a code field", async () => {
    connection = start('node', [ECHO_BIN]);
    const failed = await connection.call('echo_text', { text: 'x', fail: true });
    expect(failed).toMatchObject({ isError: true, code: 'E_ASKED', text: expect.stringContaining('asked') });
    const ok = await connection.call('echo_text', { text: 'x' });
    expect(ok.isError).toBe(false);
    expect(ok.code).toBeUndefined();
  });

  it('sets its own code when the server dies during a call, and says so in words', async () => {
    connection = start('node', [ECHO_BIN]);
    await connection.tools();
    const pending = connection.call('echo_text', { text: 'x', delayMs: 30_000 });
    process.kill(connection.pid() as number, 'SIGKILL');
    const outcome = await pending;
    expect(outcome).toMatchObject({ isError: true, code: 'E_SERVER_DIED' });
    expect(outcome.text).toMatch(/^The echo server stopped while running echo_text/);
  });

  it('reads the roots from the tool of role server/list-roots, and none from a server without one', async () => {
    connection = start('node', [ECHO_BIN]);
    expect(await connection.roots()).toBeUndefined();
    await connection.close();
    temp = await createTempDir('meshwork-roots-');
    connection = start('node', [FS_BIN, temp.path, '--limit-root=.']);
    expect(await connection.roots()).toEqual([temp.path]);
    expect(toolWithRole(await connection.tools(), 'server/list-roots')?.name).toBe(
      'list_allowed_directories',
    );
    expect(toolWithRole(await connection.tools(), 'memory/read-index')).toBeUndefined();
  });
});
