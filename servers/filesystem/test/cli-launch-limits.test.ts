import { spawnSync } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, call, spawnFs } from './helpers.js';

describe('meshwork-fs launch limits (--limit-*)', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  beforeEach(async () => {
    root = await createTempDir('meshwork-fs-limits-');
    await mkdir(join(root.path, 'docs'));
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  it('--limit-read-only turns a writable launch read-only', async () => {
    server = await spawnFs([root.path, '--limit-read-only']);
    const names = (await server.client.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('read_text_file');
    expect(names).not.toContain('write_file');
  });

  it('--limit-root narrows the roots and never widens them', async () => {
    server = await spawnFs([root.path, '--limit-root=docs']);
    const narrowed = await call(server.client, 'list_allowed_directories', {});
    expect(narrowed.structuredContent?.directories).toEqual([join(root.path, 'docs')]);
    await server.close();
    server = await spawnFs([join(root.path, 'docs'), '--limit-root=/']);
    const kept = await call(server.client, 'list_allowed_directories', {});
    expect(kept.structuredContent?.directories).toEqual([join(root.path, 'docs')]);
  });

  it('--limit-deny adds to the configured deny globs', async () => {
    server = await spawnFs([root.path, '--deny', '**/*.pem', '--limit-deny=.env']);
    const refused = await call(server.client, 'write_file', { path: join(root.path, '.env'), content: 'x' });
    expect(refused.isError).toBe(true);
    expect(JSON.stringify(refused.content)).toMatch(/denied|refused/i);
    const allowed = await call(server.client, 'write_file', { path: join(root.path, 'a.txt'), content: 'x' });
    expect(allowed.isError).not.toBe(true);
  });

  it('refuses to start when the limits leave no configured root', () => {
    const result = spawnSync(
      process.execPath,
      [BIN, root.path, `--limit-root=${join(root.path, '..', 'elsewhere')}`],
      {
        encoding: 'utf8',
        input: '',
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/launch limits leave this filesystem server nothing to serve: no root/);
    expect(result.stdout).toBe('');
  });
});
