import { describe, expect, it } from 'vitest';
import { compilePathDenyList, compilePathPattern } from '../src/index.js';
import { normalizePathPattern, readPathSubject } from '../src/path-match.js';

describe('normalizePathPattern', () => {
  it.each([
    ['src/**', 'src/**'],
    ['./src/**', 'src/**'],
    ['././src//a', 'src/a'],
    ['src/', 'src/**'],
    ['/etc/', '/etc/**'],
    ['.', '**'],
    ['./', '**'],
    ['**', '**'],
    ['/abs/*.ts', '/abs/*.ts'],
    ['../x', undefined],
    ['src/../x', undefined],
    ['**/..', undefined],
  ] as [string, string | undefined][])('%j -> %j', (pattern, expected) => {
    expect(normalizePathPattern(pattern)).toBe(expected);
  });
});

describe('readPathSubject', () => {
  const roots = ['/w/p', '/w/q/'];
  it.each([
    ['src/a.ts', [], { relative: 'src/a.ts' }],
    ['src/a.ts', roots, { relative: 'src/a.ts', absolute: '/w/p/src/a.ts' }],
    ['/w/p/src/a.ts', roots, { relative: 'src/a.ts', absolute: '/w/p/src/a.ts' }],
    ['/w/q/x', roots, { relative: 'x', absolute: '/w/q/x' }],
    ['/w/p', roots, { relative: '.', absolute: '/w/p' }],
    ['/w/pp/x', roots, { absolute: '/w/pp/x' }],
    ['/etc/passwd', roots, { absolute: '/etc/passwd' }],
    ['/etc/passwd', [], { absolute: '/etc/passwd' }],
    ['/w/p/../q/x', roots, { relative: 'x', absolute: '/w/q/x' }],
    ['a/../b', [], { relative: 'b' }],
    ['.', roots, { relative: '.', absolute: '/w/p' }],
    ['../x', roots, undefined],
    ['src/../../x', roots, undefined],
    ['..', [], undefined],
    ['', [], undefined],
    ['~/.ssh/id_rsa', [], undefined],
    ['src\\..\\..\\x', [], undefined],
  ] as [string, string[], object | undefined][])('%j with roots %j', (subject, rootList, expected) => {
    expect(readPathSubject(subject, rootList)).toEqual(expected);
  });

  it('ignores relative or unusable roots', () => {
    expect(readPathSubject('a', ['rel', '~'])).toEqual({ relative: 'a' });
  });
});

// [pattern, subject, roots, allows, denies]
const table: [string, string, string[], boolean, boolean][] = [
  ['src/**', 'src/a.ts', [], true, true],
  ['src/**', 'src/deep/dir/a.ts', [], true, true],
  ['src/**', 'src', [], true, true],
  ['src/**', './src/a.ts', [], true, true],
  ['./src/**', 'src/a.ts', [], true, true],
  ['src/**', 'src/.env', [], true, true],
  ['src/**', 'src/.git/config', [], true, true],
  ['src/**', 'SRC/a.ts', [], false, true],
  ['src/**', 'srcx/a.ts', [], false, false],
  ['src/**', 'lib/src/a.ts', [], false, false],
  ['src/**', 'src/../lib/a.ts', [], false, false],
  ['src/*', 'src/a.ts', [], true, true],
  // A denied directory denies everything beneath it, as in the fs server.
  ['src/*', 'src/a/b.ts', [], false, true],
  ['secrets', 'secrets/k', [], false, true],
  ['secrets', 'a/secrets/deep/k', [], false, true],
  ['config/secrets/**', 'CONFIG/Secrets/prod.key', [], false, true],
  ['.env', '/w/p/config/.ENV', ['/w/p'], false, true],
  ['.env/**', '/w/p/.env/x', ['/w/p'], true, true],
  // Ancestors above the root are matched by absolute patterns only.
  ['p', '/w/p/x', ['/w/p'], false, false],
  ['/w/p/secrets', '/w/p/secrets/k', ['/w/p'], false, true],
  ['/w', '/w/p/x', ['/w/p'], false, true],
  // The deepest root containing an absolute subject anchors it.
  ['secrets/**', '/w/p/sub/secrets/k', ['/w/p', '/w/p/sub'], true, true],
  ['*.ts', 'a.ts', [], true, true],
  ['*.ts', 'dir/a.ts', [], false, true],
  ['**/*.ts', 'dir/a.ts', [], true, true],
  ['**/*.ts', 'a.ts', [], true, true],
  ['**/*.ts', '.hidden/a.ts', [], true, true],
  ['.env', '.env', [], true, true],
  ['.env', 'a/b/.env', [], false, true],
  ['.env', 'a/b/.envx', [], false, false],
  ['src/*.ts', 'lib/src/a.ts', [], false, false],
  ['secrets/**', 'a/secrets/k', [], false, false],
  ['.env', '.ENV', [], false, true],
  ['.env', 'sub/.env', [], false, true],
  ['.env', '/w/p/.env', ['/w/p'], true, true],
  ['.env', '/other/.env', ['/w/p'], false, true],
  ['.env', '/other/.env', [], false, true],
  ['.env', '/other/x.env', [], false, false],
  ['**/.env', 'a/b/.env', [], true, true],
  ['.env*', '.env.local', [], true, true],
  ['secrets/**', '/home/u/secrets/key', [], false, true],
  ['**', 'anything/at/all', [], true, true],
  ['**', '.', [], true, true],
  ['**', '/abs/path', [], false, true],
  ['**', '/w/p/x', ['/w/p'], true, true],
  ['src/**', '.', [], false, false],
  ['*', '.', [], false, false],
  ['/etc/**', '/etc/passwd', [], true, true],
  ['/etc/**', '/ETC/passwd', [], false, true],
  ['/etc/**', 'etc/passwd', [], false, false],
  ['/etc/**', 'etc/passwd', ['/'], true, true],
  ['/w/p/src/**', 'src/a.ts', ['/w/p'], true, true],
  ['/w/p/src/**', '/w/p/src/../../p/src/a.ts', ['/w/p'], true, true],
  ['/w/p/src/**', '/w/p/srcx/a', ['/w/p'], false, false],
  ['src/**', '/w/p/src/a.ts', ['/w/p'], true, true],
  ['src/**', '/w/p/src/a.ts', [], false, true],
  ['src/**', '/w/q/src/a.ts', ['/w/p'], false, true],
  ['src/../**', 'x', [], false, false],
  ['src/', 'src/a/b', [], true, true],
  ['src/a.ts', 'src/a.ts', [], true, true],
  ['src/a.ts', 'src//a.ts', [], true, true],
  ['src/a.ts', 'src/./a.ts', [], true, true],
  ['src/a.ts', 'src/b/../a.ts', [], true, true],
  ['src/{a,b}.ts', 'src/b.ts', [], true, true],
  ['src/{a,b}.ts', 'src/c.ts', [], false, false],
  ['src/[ab].ts', 'src/a.ts', [], true, true],
  ['src/?.ts', 'src/ab.ts', [], false, false],
  ['docs/**/*.md', 'docs/a/b/c.md', [], true, true],
  ['docs/**/*.md', 'docs/a/b/c.mdx', [], false, false],
  ['a b/**', 'a b/c', [], true, true],
];

describe('compilePathPattern', () => {
  it.each(table)('%j vs %j (roots %j): allows %s, denies %s', (pattern, subject, roots, allows, denies) => {
    const matcher = compilePathPattern(pattern);
    const read = readPathSubject(subject, roots);
    expect(read).toBeDefined();
    expect(matcher.allows(read!)).toBe(allows);
    expect(matcher.denies(read!)).toBe(denies);
  });
});

describe('compilePathDenyList', () => {
  const list = compilePathDenyList(['config/secrets/**', '.env', '/w/p/private']);
  const at = (path: string) => readPathSubject(path, ['/w/p'])!;

  it('names the pattern that denies a path, its ancestors included', () => {
    expect(list.denying(at('/w/p/config/secrets/prod.key'))).toBe('config/secrets/**');
    expect(list.denying(at('/w/p/deep/.ENV'))).toBe('.env');
    expect(list.denying(at('/w/p/.env/inside'))).toBe('.env');
    expect(list.denying(at('/w/p/private/a/b'))).toBe('/w/p/private');
    expect(list.denying(at('/w/p/config/public.json'))).toBeUndefined();
  });

  it('checks only the entry itself for a walk that pruned denied directories', () => {
    expect(list.denyingEntry(at('/w/p/.env/inside'))).toBeUndefined();
    expect(list.denyingEntry(at('/w/p/config/secrets'))).toBe('config/secrets/**');
  });

  it('denies nothing without patterns', () => {
    expect(compilePathDenyList([]).denying(at('/w/p/.env'))).toBeUndefined();
  });
});
