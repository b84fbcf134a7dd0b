import { fileURLToPath } from 'node:url';
import { isPublishablePath, listPackedFiles } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('published package', () => {
  it('ships only the built code, its declarations, README, LICENSE and package.json', async () => {
    const packed = await listPackedFiles(packageDir);
    expect(packed.name).toBe('@meshwork/cli');
    expect(packed.files.filter((path) => !isPublishablePath(path))).toEqual([]);
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'README.md',
        'LICENSE',
        'package.json',
        'dist/cli.js',
        'dist/index.js',
        'dist/index.d.ts',
        'dist/commands/daemon.js',
        'dist/serve/server.js',
      ]),
    );
  });
});
