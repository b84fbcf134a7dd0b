import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('published package', () => {
  it('contains only the built code, its types, the README, the LICENSE and package.json', async () => {
    const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: packageDir,
      maxBuffer: 16 * 1024 * 1024,
    });
    const [report] = JSON.parse(stdout) as Array<{ name: string; files: Array<{ path: string }> }>;
    expect(report?.name).toBe('@meshwork/memory-server');
    const paths = report!.files.map((file) => file.path).sort();
    const allowed = /^(?:dist\/.+\.js|dist\/.+\.d\.ts|README\.md|LICENSE|package\.json)$/;
    expect(paths.filter((path) => !allowed.test(path))).toEqual([]);
    for (const required of [
      'dist/cli.js',
      'dist/index.js',
      'dist/index.d.ts',
      'dist/server.js',
      'README.md',
      'LICENSE',
      'package.json',
    ]) {
      expect(paths).toContain(required);
    }
  });
});
