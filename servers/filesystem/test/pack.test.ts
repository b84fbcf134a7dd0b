import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isPublishablePath, listPackedFiles } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

describe('published package contents', () => {
  it('holds only dist JavaScript and declarations, README.md, LICENSE and package.json', async () => {
    const packed = await listPackedFiles(packageDirectory);
    expect(packed.name).toBe('@meshwork/filesystem-server');
    expect(packed.files.filter((path) => !isPublishablePath(path))).toEqual([]);
    expect(packed.files).toEqual(
      expect.arrayContaining(['dist/cli.js', 'dist/index.d.ts', 'README.md', 'LICENSE', 'package.json']),
    );
  });

  it('ships the bin with its shebang', () => {
    const packageJson = JSON.parse(
      execFileSync('cat', ['package.json'], { cwd: packageDirectory, encoding: 'utf8' }),
    ) as { bin: Record<string, string> };
    expect(packageJson.bin).toEqual({ 'meshwork-fs': './dist/cli.js' });
    const head = execFileSync('head', ['-1', 'dist/cli.js'], { cwd: packageDirectory, encoding: 'utf8' });
    expect(head.trim()).toBe('#!/usr/bin/env node');
  });
});
