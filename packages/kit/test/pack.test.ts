import { fileURLToPath } from 'node:url';
import { isPublishablePath, listPackedFiles } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
/** Every module the entry point re-exports must ship with its declarations. */
const modules = [
  'index',
  'cli-options',
  'define-tool',
  'errors',
  'find-executable',
  'http-guards',
  'logger',
  'run-server',
  'serve-http',
  'token',
  'tool-meta',
  'package-version',
];

describe('published package', () => {
  it('ships only the built code, its declarations, README, LICENSE and package.json', async () => {
    const packed = await listPackedFiles(packageDir);
    expect(packed.name).toBe('@meshwork/kit');
    expect(packed.files.filter((path) => !isPublishablePath(path))).toEqual([]);
    expect(packed.files).toEqual(
      expect.arrayContaining([
        'README.md',
        'LICENSE',
        'package.json',
        ...modules.flatMap((module) => [`dist/${module}.js`, `dist/${module}.d.ts`]),
      ]),
    );
  });
});
