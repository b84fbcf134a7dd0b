import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isPublishablePath, listPackedFiles } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));

describe('published package', () => {
  it('ships only the built code, its declarations, README, LICENSE and package.json', async () => {
    const packed = await listPackedFiles(packageDir);
    expect(packed.name).toBe('@meshwork/coordinator');
    expect(packed.files.filter((path) => !isPublishablePath(path))).toEqual([]);
    expect(packed.files).toEqual(
      expect.arrayContaining(['README.md', 'LICENSE', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
    );
  });

  it('is a library: no bin, and a user installs no SQLite, no cron parser and no execa with it', () => {
    const manifest = JSON.parse(readFileSync(`${packageDir}/package.json`, 'utf8')) as {
      bin?: unknown;
      dependencies?: Record<string, string>;
      peerDependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    expect(manifest.bin).toBeUndefined();
    const installed = Object.keys({
      ...manifest.dependencies,
      ...manifest.peerDependencies,
      ...manifest.optionalDependencies,
    });
    for (const name of ['better-sqlite3', 'cron-parser', 'execa']) expect(installed).not.toContain(name);
  });
});
