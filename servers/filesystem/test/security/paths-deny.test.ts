import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, expectRefused, spawnFs, textOf } from '../helpers.js';

// Issue 13, classes 5, 8 and 9 against the fs server alone, through a real MCP client: a path that
// --deny covers is denied at any depth, in any case, through a symlinked parent or alias, through
// every tool that reads content or lists names, and a directory move cannot carry it away.

const SECRETS = {
  '.env': 'SECRET-ROOT-ENV',
  '.ENV': 'SECRET-UPPER-ENV',
  'config/.env': 'SECRET-CONFIG-ENV',
  'config/secrets/prod.key': 'SECRET-PROD-KEY',
} as const;

let base: TempDir;
let root: string;
let server: SpawnedStdioServer;

beforeAll(async () => {
  base = await createTempDir('meshwork-fs-paths-');
  root = join(base.path, 'root');
  mkdirSync(join(root, 'config/secrets'), { recursive: true });
  mkdirSync(join(root, 'src'), { recursive: true });
  for (const [path, text] of Object.entries(SECRETS)) writeFileSync(join(root, path), `${text}\n`);
  writeFileSync(join(root, 'config/settings.json'), '{"public":true}\n');
  writeFileSync(join(root, 'src/app.js'), 'export const x = 1;\n');
  symlinkSync('../config', join(root, 'src/config'));
  symlinkSync('config', join(root, 'alias'));
  server = await spawnFs(['--deny', '.env', '--deny', 'config/secrets/**', root]);
});
afterAll(async () => {
  await server?.close();
  await base?.remove();
});

/** Every secret absent from a text. */
function expectNoSecret(text: string): void {
  for (const secret of Object.values(SECRETS)) expect(text).not.toContain(secret);
}

describe('a --deny glob holds at any depth, in any case and through any alias', () => {
  const variants = [
    '.env',
    '.ENV',
    '.Env',
    'config/.env',
    'config/.ENV',
    'config//.env',
    './config/.env',
    'config/./.env',
    'config/secrets/prod.key',
    'CONFIG/secrets/prod.key',
    'config/secrets/',
    'config/secrets',
    'src/config/.env',
    'src/config/secrets/prod.key',
    'alias/secrets/prod.key',
    'alias/.env',
  ];
  it.each(variants)('read_text_file %s is refused and shows nothing', async (variant) => {
    const result = await call(server.client, 'read_text_file', { path: `${root}/${variant}` });
    expect(result.isError, textOf(result)).toBe(true);
    expectNoSecret(textOf(result));
  });

  it('read_multiple_files returns no denied content', async () => {
    const paths = ['.env', '.ENV', 'config/.env', 'src/config/secrets/prod.key', 'src/app.js'].map(
      (path) => `${root}/${path}`,
    );
    const result = await call(server.client, 'read_multiple_files', { paths });
    const text = result.content.map((block) => String(block.text ?? '')).join('\n');
    expectNoSecret(text);
    expect(text).toContain('export const x = 1;');
  });
});

describe('tools that read content or names indirectly do not leak a denied path', () => {
  it('grep over the root finds no denied content', async () => {
    const result = await call(server.client, 'grep', { pattern: 'SECRET', path: root });
    expectOk(result);
    expectNoSecret(textOf(result));
    expect(textOf(result)).not.toMatch(/\.env|prod\.key/i);
  });

  it('search_files, directory_tree and the listings do not name denied entries', async () => {
    const search = textOf(
      expectOkResult(await call(server.client, 'search_files', { path: root, pattern: '**' })),
    );
    const tree = textOf(expectOkResult(await call(server.client, 'directory_tree', { path: root })));
    const list = textOf(expectOkResult(await call(server.client, 'list_directory', { path: root })));
    const sizes = textOf(
      expectOkResult(await call(server.client, 'list_directory_with_sizes', { path: `${root}/config` })),
    );
    for (const text of [search, tree, list, sizes]) {
      expect(text).not.toMatch(/\.env\b|prod\.key/i);
      expect(text).not.toMatch(/"secrets"|\bsecrets\b/);
    }
    expect(search).toContain('settings.json');
  });
});

describe('a move cannot carry a denied file to a name the deny does not cover', () => {
  it('refuses moving a directory holding a denied entry, and nothing moves', async () => {
    const result = await call(server.client, 'move_file', {
      source: `${root}/config`,
      destination: `${root}/cfg`,
    });
    expect(expectRefused(result, 'E_DENIED')).not.toContain('prod.key');
    expect(existsSync(join(root, 'config/secrets/prod.key'))).toBe(true);
    expect(existsSync(join(root, 'cfg'))).toBe(false);
    const read = await call(server.client, 'read_text_file', { path: `${root}/cfg/secrets/prod.key` });
    expect(read.isError).toBe(true);
    expectNoSecret(textOf(read));
  });

  it('refuses moving a denied file itself, in another case too', async () => {
    for (const source of ['.env', '.ENV', 'config/.env']) {
      const result = await call(server.client, 'move_file', {
        source: `${root}/${source}`,
        destination: `${root}/src/notes.txt`,
      });
      expectRefused(result, 'E_DENIED');
    }
    expect(existsSync(join(root, 'src/notes.txt'))).toBe(false);
  });

  it('still moves a directory with nothing denied beneath it', async () => {
    mkdirSync(join(root, 'plain'));
    writeFileSync(join(root, 'plain/a.txt'), 'a\n');
    expectOk(
      await call(server.client, 'move_file', { source: `${root}/plain`, destination: `${root}/plain2` }),
    );
    expect(readFileSync(join(root, 'plain2/a.txt'), 'utf8')).toBe('a\n');
  });

  it('refuses a move whose contents would land under a denied path', async () => {
    mkdirSync(join(root, 'incoming'));
    writeFileSync(join(root, 'incoming/x.txt'), 'x\n');
    const result = await call(server.client, 'move_file', {
      source: `${root}/incoming`,
      destination: `${root}/config/secrets/incoming`,
    });
    expectRefused(result, 'E_DENIED');
    expect(existsSync(join(root, 'incoming/x.txt'))).toBe(true);
  });
});

function expectOkResult(result: Awaited<ReturnType<typeof call>>): Awaited<ReturnType<typeof call>> {
  expectOk(result);
  return result;
}
