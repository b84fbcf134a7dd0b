import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDirectory = fileURLToPath(new URL('..', import.meta.url));

describe('published package contents', () => {
  it('holds only dist JavaScript and declarations, README.md, LICENSE and package.json', () => {
    const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: packageDirectory,
      encoding: 'utf8',
      env: { ...process.env, npm_config_loglevel: 'silent' },
    });
    const [pack] = JSON.parse(output) as Array<{ files: Array<{ path: string }> }>;
    const paths = (pack?.files ?? []).map((file) => file.path).sort();
    expect(paths).toContain('dist/cli.js');
    expect(paths).toContain('dist/index.d.ts');
    expect(paths).toContain('README.md');
    expect(paths).toContain('LICENSE');
    expect(paths).toContain('package.json');
    const unexpected = paths.filter(
      (path) =>
        !(/^dist\/.+\.(js|d\.ts)$/.test(path) || ['README.md', 'LICENSE', 'package.json'].includes(path)),
    );
    expect(unexpected).toEqual([]);
    expect(
      paths.some(
        (path) =>
          path.endsWith('.map') ||
          path.endsWith('.tsbuildinfo') ||
          path.startsWith('src/') ||
          path.startsWith('test/'),
      ),
    ).toBe(false);
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
