import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pickEnvironment } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';
import { MEMORY_BIN } from './support.js';

const run = (args: string[]) =>
  promisify(execFile)(process.execPath, [MEMORY_BIN, ...args], { env: pickEnvironment() }).then(
    (result) => ({ code: 0, ...result }),
    (error: { code: number; stdout: string; stderr: string }) => error,
  );

describe('meshwork-memory bin', () => {
  it('prints its usage, with the memory and transport flags', async () => {
    const { code, stdout, stderr } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    for (const flag of [
      '--dir',
      '--index-max-lines',
      '--index-max-bytes',
      '--index-max-line-chars',
      '--topic-max-bytes',
      '--http',
      '--stdio',
    ]) {
      expect(stderr).toContain(flag);
    }
  });

  it('refuses bad flags with a message on stderr and exit code 1', async () => {
    const bad = await run(['--index-max-lines', 'lots']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/--index-max-lines takes a positive whole number/);
    const unknown = await run(['--no-such-flag']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
  });
});
