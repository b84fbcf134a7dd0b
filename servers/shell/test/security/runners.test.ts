import { existsSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type ShellUnderAttack, startShell } from './harness.js';

// Class 1 (policy side): an allowed test runner must not be handed code. The OS sandbox is the
// wall; the policy refuses what it can recognise, and ordinary npm test / node --test keep working.
describe('class 1: allowed runners handed code', () => {
  let root: TempDir;
  let shell: ShellUnderAttack;
  let marker: string;
  const code = () => `process.getBuiltinModule('fs').writeFileSync('${marker}','x')`;
  beforeAll(async () => {
    root = await createTempDir('meshwork-attack-runner-');
    marker = join(root.path, 'CODE-RAN');
    await mkdir(join(root.path, 'test'));
    await mkdir(join(root.path, 'scratch'));
    writeFileSync(
      join(root.path, 'package.json'),
      JSON.stringify({ name: 'victim', private: true, scripts: { test: 'node --test' } }),
    );
    writeFileSync(
      join(root.path, 'test', 'ok.test.mjs'),
      "import test from 'node:test';\ntest('ok', () => {});\n",
    );
    writeFileSync(join(root.path, 'NOTES.md'), `${code()};\n`);
    writeFileSync(
      join(root.path, 'scratch', 'package.json'),
      JSON.stringify({
        name: 'planted',
        private: true,
        scripts: { test: `node -e "${code().replaceAll("'", '\\u0027')}"` },
      }),
    );
    writeFileSync(join(root.path, 'scratch', 'evil.mjs'), `${code()};\n`);
    // Like the sample review profile: it may run the tests and write NOTES.md (and scratch/).
    shell = await startShell([
      '--root',
      root.path,
      '--allow',
      'node --test*',
      '--allow',
      'npm test*',
      '--limit-write=NOTES.md',
      '--limit-write=scratch/**',
      '--timeout-ms',
      '60000',
    ]);
  });
  beforeEach(() => {
    expect(existsSync(marker)).toBe(false);
  });
  afterAll(async () => {
    await shell.close();
    await root.remove();
  });

  it.each([
    () => `node --test --import="data:text/javascript,${code()}"`,
    () => `node --test --import "data:text/javascript,${code()}"`,
    () => `node --test --require ./scratch/evil.mjs`,
    () => `node --test -r ./scratch/evil.mjs`,
    () => `node --test --test-reporter="data:text/javascript,${code()}"`,
    () => 'node --test --test-reporter=./scratch/evil.mjs',
    () => 'node --test --experimental_loader=./scratch/evil.mjs',
    () => 'node --test --env-file=scratch/evil.mjs',
    () => 'node --test NOTES.md',
    () => 'node --test ./scratch/evil.mjs',
    () => `npm test -- --import="data:text/javascript,${code()}"`,
    () => 'npm test -- --test-reporter=./scratch/evil.mjs',
    () => 'npm test -- -r ./scratch/evil.mjs',
    () => 'npm test -- NOTES.md',
    () => `npm test --node-opt="--import=data:text/javascript,${code()}"`,
    () => `npm test --node-options="--import=data:text/javascript,${code()}"`,
    () => 'npm test --script-sh=./scratch/evil.mjs',
    () => 'npm test --prefix scratch',
    () => 'npm test --prefix=scratch',
    () => 'npm test --pref scratch',
    () => 'npm test --prefix /tmp',
  ])('%s runs no code', async (line) => {
    const result = await shell.run(line());
    expect(result.isError).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('keeps ordinary npm test and node --test working', async () => {
    for (const line of [
      'node --test',
      'node --test test/ok.test.mjs',
      'node --test --test-reporter=dot',
      'npm test',
    ]) {
      const result = await shell.run(line);
      expect(result.isError, `${line}: ${result.text}`).toBe(false);
      expect(result.text, line).toMatch(/exit 0/);
    }
    expect(existsSync(marker)).toBe(false);
  }, 60_000);
});
