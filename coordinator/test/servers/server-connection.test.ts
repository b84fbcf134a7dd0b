import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createServerConnection,
  nodeServerArgs,
  SERVER_NODE_FLAGS,
  type ServerConnection,
} from '../../src/servers/server-connection.js';
import { ECHO_BIN } from '../helpers/project.js';

/** The command line of a live process (Linux), split into its arguments. */
const commandLineOf = (pid: number): string[] =>
  readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);

describe('node server arguments', () => {
  it('puts the V8 flags before the script and leaves the server arguments alone', () => {
    expect(SERVER_NODE_FLAGS).toEqual(['--max-semi-space-size=1']);
    expect(nodeServerArgs(['server.js', '--root', '.'])).toEqual([
      '--max-semi-space-size=1',
      'server.js',
      '--root',
      '.',
    ]);
    expect(nodeServerArgs(['--enable-source-maps', 'server.js'])).toEqual([
      '--max-semi-space-size=1',
      '--enable-source-maps',
      'server.js',
    ]);
  });

  it('keeps a semi-space size the configuration already gives node', () => {
    expect(nodeServerArgs(['--max-semi-space-size=8', 'server.js'])).toEqual([
      '--max-semi-space-size=8',
      'server.js',
    ]);
    expect(nodeServerArgs(['--max-semi-space-size', '8', 'server.js'])).toEqual([
      '--max-semi-space-size',
      '8',
      'server.js',
    ]);
    // The same flag after the script is the server's own argument, not node's.
    expect(nodeServerArgs(['server.js', '--max-semi-space-size=8'])).toEqual([
      '--max-semi-space-size=1',
      'server.js',
      '--max-semi-space-size=8',
    ]);
  });
});

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

  it('is started with a bounded young generation and still serves calls', async () => {
    connection = start([ECHO_BIN]);
    const outcome = await connection.call('echo_text', { text: 'hello' });
    expect(outcome).toMatchObject({ isError: false, text: expect.stringContaining('hello') });
    const commandLine = commandLineOf(connection.pid() as number);
    expect(commandLine.slice(1)).toEqual(['--max-semi-space-size=1', ECHO_BIN]);
  });

  it('keeps the semi-space size of its configuration', async () => {
    connection = start(['--max-semi-space-size=4', ECHO_BIN]);
    await connection.tools();
    expect(commandLineOf(connection.pid() as number).slice(1)).toEqual(['--max-semi-space-size=4', ECHO_BIN]);
  });
});
