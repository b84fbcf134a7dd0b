import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createServerConnection, type ServerConnection } from '../../src/servers/server-connection.js';
import { ECHO_BIN } from '../helpers/project.js';

/** The command line of a live process (Linux), split into its arguments. */
const commandLineOf = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe.runIf(process.platform === 'linux')('a server the pool runs with node', () => {
  let connection: ServerConnection | undefined;
  afterEach(async () => {
    await connection?.close();
    connection = undefined;
  });

  const start = (args: string[]) =>
    createServerConnection({
      key: 'echo',
      spec: { server: 'echo', transport: 'stdio', command: 'node', args, env: {}, headers: {} },
    });

  it('runs on this node binary with exactly the configured arguments, no flags of ours', async () => {
    connection = start([ECHO_BIN]);
    const outcome = await connection.call('echo_text', { text: 'hello' });
    expect(outcome).toMatchObject({ isError: false, text: expect.stringContaining('hello') });
    const commandLine = commandLineOf(connection.pid() as number);
    expect(commandLine).toEqual([process.execPath, ECHO_BIN]);
  });

  it('passes node options of its configuration through unchanged', async () => {
    connection = start(['--max-semi-space-size=4', ECHO_BIN]);
    await connection.tools();
    expect(commandLineOf(connection.pid() as number)).toEqual([
      process.execPath,
      '--max-semi-space-size=4',
      ECHO_BIN,
    ]);
  });
});
