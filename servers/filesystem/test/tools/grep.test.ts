import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, expectOk, expectRefused, spawnFs, textOf } from '../helpers.js';

let temp: TempDir;
let server: SpawnedStdioServer;

interface Hit {
  path: string;
  line?: number;
  column?: number;
  text?: string;
  count?: number;
}

beforeAll(async () => {
  temp = await createTempDir('meshwork-fs-grep-');
  const repo = join(temp.path, 'repo');
  mkdirSync(join(repo, 'src', 'deep'), { recursive: true });
  mkdirSync(join(repo, 'build'));
  mkdirSync(join(repo, '.git'));
  writeFileSync(join(repo, '.gitignore'), 'build/\n*.log\n');
  writeFileSync(
    join(repo, 'src', 'a.ts'),
    'const alpha = 1;\n// TODO: first\nconst beta = 2; // todo lower\n',
  );
  writeFileSync(join(repo, 'src', 'b.js'), 'function gamma() {}\n// TODO: second\n');
  writeFileSync(join(repo, 'src', 'deep', 'c.ts'), `${'filler\n'.repeat(50)}TODO: deep\n`);
  writeFileSync(join(repo, 'build', 'out.ts'), 'TODO: built, ignored\n');
  writeFileSync(join(repo, 'debug.log'), 'TODO: log, ignored\n');
  writeFileSync(join(repo, '.git', 'config'), 'TODO: git internals\n');
  writeFileSync(
    join(repo, 'image.bin'),
    Buffer.concat([Buffer.from('TODO: binary\n'), Buffer.from([0, 1, 2])]),
  );
  const many = join(temp.path, 'many');
  mkdirSync(many);
  for (let file = 0; file < 30; file += 1) {
    writeFileSync(
      join(many, `m${String(file).padStart(2, '0')}.txt`),
      Array.from({ length: 5 }, (_, line) => `needle ${file}.${line}`).join('\n'),
    );
  }
  server = await spawnFs([temp.path]);
});

afterAll(async () => {
  await server?.close();
  await temp?.remove();
});

async function grep(
  args: Record<string, unknown>,
): Promise<{ results: Hit[]; nextCursor?: string; [key: string]: unknown }> {
  return expectOk(await call(server.client, 'grep', args)) as never;
}

describe('grep', () => {
  const repo = () => join(temp.path, 'repo');

  it('finds a literal, respecting .gitignore, skipping .git and binary files', async () => {
    const output = await grep({ path: repo(), pattern: 'TODO:', literal: true });
    expect(output.results.map((hit) => `${hit.path.slice(repo().length + 1)}:${hit.line}`)).toEqual([
      'src/a.ts:2',
      'src/b.js:2',
      'src/deep/c.ts:51',
    ]);
    expect(output.binaryFilesSkipped).toBe(1);
    const withIgnored = await grep({
      path: repo(),
      pattern: 'TODO:',
      literal: true,
      respectGitignore: false,
    });
    expect(withIgnored.results.map((hit) => hit.path.slice(repo().length + 1))).toEqual(
      expect.arrayContaining(['build/out.ts', 'debug.log', '.git/config']),
    );
  });

  it('formats content as path:line:text', async () => {
    const result = await call(server.client, 'grep', {
      path: join(repo(), 'src', 'a.ts'),
      pattern: 'TODO',
      literal: true,
    });
    expect(textOf(result)).toBe(`${join(repo(), 'src', 'a.ts')}:2:// TODO: first`);
  });

  it('supports regexes, ignoreCase and columns', async () => {
    const output = await grep({ path: repo(), pattern: 'const (alpha|beta)' });
    expect(output.results.map((hit) => [hit.line, hit.column])).toEqual([
      [1, 1],
      [3, 1],
    ]);
    const folded = await grep({
      path: join(repo(), 'src'),
      pattern: 'to+do',
      ignoreCase: true,
      include: ['*.ts'],
    });
    expect(folded.results.map((hit) => hit.text)).toEqual([
      '// TODO: first',
      'const beta = 2; // todo lower',
      'TODO: deep',
    ]);
    expect(folded.results[1]?.column).toBe(20);
  });

  it('filters with include and exclude globs', async () => {
    const included = await grep({ path: repo(), pattern: 'TODO', literal: true, include: ['*.js'] });
    expect(included.results.map((hit) => hit.path)).toEqual([join(repo(), 'src', 'b.js')]);
    const excluded = await grep({ path: repo(), pattern: 'TODO', literal: true, exclude: ['deep'] });
    expect(excluded.results.every((hit) => !hit.path.includes('/deep/'))).toBe(true);
    const byPath = await grep({ path: repo(), pattern: 'TODO', literal: true, include: ['src/deep/**'] });
    expect(byPath.results.map((hit) => hit.path)).toEqual([join(repo(), 'src', 'deep', 'c.ts')]);
  });

  it('reports files or counts on request', async () => {
    const files = await grep({
      path: repo(),
      pattern: 'TODO',
      literal: true,
      outputMode: 'files_with_matches',
    });
    expect(files.results).toEqual([
      { path: join(repo(), 'src', 'a.ts') },
      { path: join(repo(), 'src', 'b.js') },
      { path: join(repo(), 'src', 'deep', 'c.ts') },
    ]);
    const counts = await grep({
      path: join(temp.path, 'many'),
      pattern: 'needle',
      literal: true,
      outputMode: 'count',
      maxResults: 2,
    });
    expect(counts.results).toEqual([
      { path: join(temp.path, 'many', 'm00.txt'), count: 5 },
      { path: join(temp.path, 'many', 'm01.txt'), count: 5 },
    ]);
  });

  it('caps results and pages through all of them exactly once, across file boundaries', async () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const output = await grep({
        path: join(temp.path, 'many'),
        pattern: 'needle \\d+\\.\\d',
        maxResults: 7,
        ...(cursor ? { cursor } : {}),
      });
      expect(output.results.length).toBeLessThanOrEqual(7);
      seen.push(...output.results.map((hit) => String(hit.text)));
      cursor = output.nextCursor;
      pages += 1;
    } while (cursor && pages < 50);
    const expected = Array.from({ length: 30 }, (_, file) =>
      Array.from({ length: 5 }, (_, line) => `needle ${file}.${line}`),
    ).flat();
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(150 / 7));
  });

  it('refuses a cursor replayed with other arguments', async () => {
    const first = await grep({
      path: join(temp.path, 'many'),
      pattern: 'needle',
      literal: true,
      maxResults: 3,
    });
    expectRefused(
      await call(server.client, 'grep', {
        path: join(temp.path, 'many'),
        pattern: 'other',
        literal: true,
        cursor: first.nextCursor,
      }),
      'E_BAD_CURSOR',
    );
  });

  it('refuses regexes that cannot be matched in linear time, and survives catastrophic ones', async () => {
    expectRefused(await call(server.client, 'grep', { path: repo(), pattern: '(a)\\1' }), 'E_BAD_PATTERN');
    expectRefused(
      await call(server.client, 'grep', { path: repo(), pattern: 'foo(?=bar)' }),
      'E_BAD_PATTERN',
    );
    expectRefused(await call(server.client, 'grep', { path: repo(), pattern: '(unclosed' }), 'E_BAD_PATTERN');
    writeFileSync(join(temp.path, 'evil.txt'), `${'a'.repeat(5000)}b\n`);
    const started = Date.now();
    const output = await grep({ path: join(temp.path, 'evil.txt'), pattern: '(a+)+$' });
    expect(output.results).toEqual([]);
    const folded = await grep({ path: join(temp.path, 'evil.txt'), pattern: '(A+)+$', ignoreCase: true });
    expect(folded.results).toEqual([]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('says once that a regular expression is invalid, and what to do instead', async () => {
    const text = expectRefused(
      await call(server.client, 'grep', { path: repo(), pattern: '(unclosed' }),
      'E_BAD_PATTERN',
    );
    expect(text.match(/Invalid regular expression/g)).toHaveLength(1);
    expect(text).toMatch(
      /^E_BAD_PATTERN: Invalid regular expression: \/\(unclosed\/gm: Unterminated group\. Pass literal: true/,
    );
  });

  it('defaults to the first allowed directory', async () => {
    const output = await grep({ pattern: 'needle 29.4', literal: true });
    expect(output.results.map((hit) => hit.path)).toEqual([join(temp.path, 'many', 'm29.txt')]);
  });
});
