import { readdirSync, readFileSync } from 'node:fs';
import { createServerConnection } from '@meshwork/coordinator';
import { describe, expect, it } from 'vitest';

/** Live (not zombie) processes whose command line holds `marker`. */
function processesWith(marker: string): string[] {
  return readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      return (
        stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z' &&
        readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)
      );
    } catch {
      return false;
    }
  });
}

/** The error a first use fails with (the test fails if it does not). */
async function startError(connection: ReturnType<typeof createServerConnection>): Promise<Error> {
  try {
    await connection.tools();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the start to fail');
}

describe('a server that fails at start', () => {
  it('that never answers: fails at the connect timeout, is killed, and is not waited on again by the next use', async () => {
    const marker = `meshwork-never-answers-${process.pid}`;
    const connection = createServerConnection({
      key: 'silent',
      connectTimeoutMs: 800,
      spec: {
        server: 'silent',
        transport: 'stdio',
        command: 'node',
        args: ['-e', `process.stderr.write('${marker} up\\n'); setInterval(() => {}, 1000)`],
        env: {},
        headers: {},
      },
    });
    try {
      const started = performance.now();
      const first = startError(connection);
      const error = await first;
      expect(error).toMatchObject({ code: 'E_SERVER_START' });
      expect((error as Error).message).toMatch(
        /Cannot start the silent server \(node -e .*\): .*up \(it did not answer initialize within 800 ms and was stopped\)/,
      );
      expect(performance.now() - started).toBeLessThan(5000);
      expect(processesWith(marker)).toEqual([]);

      const again = performance.now();
      await expect(connection.tools()).rejects.toBe(error);
      expect(performance.now() - again).toBeLessThan(200);
      expect(connection.starts()).toBe(1);
      expect(connection.pid()).toBeUndefined();
    } finally {
      await connection.close();
    }
  });

  it('that crashes: names the line of its stderr that says why', async () => {
    const connection = createServerConnection({
      key: 'broken',
      spec: {
        server: 'broken',
        transport: 'stdio',
        command: 'node',
        args: ['/nonexistent/meshwork/cli.js'],
        env: {},
        headers: {},
      },
    });
    try {
      const error = await startError(connection);
      expect(error.message).toMatch(
        /^Cannot start the broken server \(node \/nonexistent\/meshwork\/cli\.js\): Error: Cannot find module '\/nonexistent\/meshwork\/cli\.js' \(/,
      );
      expect(error.message).not.toMatch(/node:internal|Node\.js v/);
    } finally {
      await connection.close();
    }
  });

  it('that is not installed: says the command was not found', async () => {
    const connection = createServerConnection({
      key: 'missing',
      spec: {
        server: 'missing',
        transport: 'stdio',
        command: 'meshwork-no-such-bin',
        args: [],
        env: {},
        headers: {},
      },
    });
    try {
      await expect(connection.tools()).rejects.toThrow(
        /"meshwork-no-such-bin" was not found; install it, or give its full path/,
      );
    } finally {
      await connection.close();
    }
  });
});
