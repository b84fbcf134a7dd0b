import { describe, expect, it } from 'vitest';
import {
  coversCommandPattern,
  deriveSandbox,
  type FilesystemSandbox,
  inferSandboxKind,
  intersectCommandPatterns,
  intersectRoots,
  intersectSandbox,
  type Profile,
  type ShellSandbox,
} from '../src/index.js';

describe('inferSandboxKind', () => {
  it.each([
    ['fs', 'filesystem'],
    ['filesystem', 'filesystem'],
    ['project-fs', 'filesystem'],
    ['FS', 'filesystem'],
    ['shell', 'shell'],
    ['my-shell', 'shell'],
    ['memory', 'none'],
    ['fsx', 'none'],
    ['github', 'none'],
  ])('%s -> %s', (name, kind) => {
    expect(inferSandboxKind(name)).toBe(kind);
  });
});

describe('deriveSandbox: filesystem', () => {
  it.each([
    [{ allow: ['fs:read_*'] }, true],
    [{ allow: ['fs:read_*', 'fs:list_*'] }, true],
    [{ allow: ['fs:write_file(src/**)'] }, false],
    [{ ask: ['fs:edit_file'] }, false],
    [{ allow: ['fs:*'] }, false],
    [{ allow: ['*:*'] }, false],
    [{ allow: ['fs:*_file'] }, false],
    [{ allow: ['fs:delete_*'] }, false],
    [{ allow: ['other:write_file'] }, true],
    [{ allow: ['fs:*'], sandbox: { filesystem: { readOnly: true } } }, true],
    [{ allow: ['fs:read_*'], sandbox: { filesystem: { readOnly: false } } }, true],
  ] as [Profile, boolean][])('%j -> readOnly %s', (profile, readOnly) => {
    const sandbox = deriveSandbox(profile, 'fs') as FilesystemSandbox;
    expect(sandbox.kind).toBe('filesystem');
    expect(sandbox.readOnly).toBe(readOnly);
  });

  it('collects deny patterns that cover every tool, and roots', () => {
    expect(
      deriveSandbox(
        {
          allow: ['fs:read_*'],
          deny: ['fs:*(.env)', 'fs:write_file(docs/**)', 'fs:*', '*:*(**/*.pem)'],
          sandbox: { filesystem: { roots: ['/w/p'], deny: ['.git/**', '.env'] } },
        },
        'fs',
      ),
    ).toEqual({ kind: 'filesystem', readOnly: true, roots: ['/w/p'], deny: ['.git/**', '.env', '**/*.pem'] });
  });

  it('gives an unreachable server nothing', () => {
    expect(deriveSandbox({ allow: ['memory:*'] }, 'fs')).toEqual({
      kind: 'filesystem',
      readOnly: true,
      roots: [],
      deny: [],
    });
    expect(deriveSandbox({ allow: ['*:*'], servers: ['memory'] }, 'fs')).toMatchObject({ roots: [] });
  });

  it('honours an explicit kind and custom write tools', () => {
    expect(deriveSandbox({ allow: ['files:put_*'] }, 'files', { kind: 'filesystem' })).toMatchObject({
      readOnly: false,
    });
    expect(
      deriveSandbox({ allow: ['x:save'] }, 'x', { kind: 'filesystem', writeTools: ['save'] }),
    ).toMatchObject({
      readOnly: false,
    });
    expect(deriveSandbox({ allow: ['memory:*'] }, 'memory')).toEqual({ kind: 'none' });
  });
});

describe('deriveSandbox: shell', () => {
  it.each([
    [
      { allow: ['shell:run_command(npm test *)', 'shell:run_command(git status)'] },
      ['npm test *', 'git status'],
    ],
    [
      { ask: ['shell:run_command(git push *)'], allow: ['shell:run_command(npm test *)'] },
      ['git push *', 'npm test *'],
    ],
    [{ allow: ['shell:run_command'] }, undefined],
    [{ allow: ['shell:*'] }, undefined],
    [{ allow: ['shell:run_command(npm *)', 'shell:run_command'] }, undefined],
    [{ allow: ['shell:list_processes'] }, []],
    [{ allow: ['shell:*'], sandbox: { shell: { allow: ['npm *'] } } }, ['npm *']],
    [
      { allow: ['shell:run_command(npm test *)'], sandbox: { shell: { allow: ['npm *', 'git *'] } } },
      ['npm test *'],
    ],
    [{ allow: ['shell:run_command(npm *)'], sandbox: { shell: { allow: ['npm test *'] } } }, ['npm test *']],
    [{ allow: ['shell:run_command(npm *)'], sandbox: { shell: { allow: ['git *'] } } }, []],
  ] as [Profile, string[] | undefined][])('%j -> allow %j', (profile, allow) => {
    const sandbox = deriveSandbox(profile, 'shell') as ShellSandbox;
    expect(sandbox.kind).toBe('shell');
    expect(sandbox.allow).toEqual(allow);
  });

  it('collects deny patterns of run tools and roots', () => {
    expect(
      deriveSandbox(
        {
          allow: ['shell:*'],
          deny: ['shell:run_command(rm *)', 'shell:*(curl *)', 'shell:kill_process', 'fs:*(x)'],
          sandbox: { shell: { roots: ['/w/p'], deny: ['sudo *'] } },
        },
        'shell',
      ),
    ).toEqual({ kind: 'shell', roots: ['/w/p'], deny: ['sudo *', 'rm *', 'curl *'] });
  });

  it('gives an unreachable shell nothing', () => {
    expect(deriveSandbox({ allow: ['fs:*'] }, 'shell')).toEqual({
      kind: 'shell',
      roots: [],
      allow: [],
      deny: [],
    });
  });
});

describe('coversCommandPattern', () => {
  it.each([
    ['*', 'anything *', true],
    ['npm *', 'npm test *', true],
    ['npm *', 'npm', true],
    ['npm *', 'npmx', false],
    ['npm test *', 'npm *', false],
    ['npm test *', 'npm test', true],
    ['npm test', 'npm test *', false],
    ['npm test *', 'npm test:*', true],
    ['npm test:*', 'npm test *', true],
    ['git *', 'git * --dry-run', true],
    ['git * --dry-run', 'git *', false],
    ['ls *', 'ls*', false],
    ['ls*', 'ls *', true],
    ['a*b', 'a*b', true],
    ['a*b', 'a*', false],
    ['echo \\*', 'echo \\*', true],
    ['echo \\*', 'echo *', false],
    ['echo *', 'echo \\*', false],
  ] as [string, string, boolean][])('%j covers %j: %s', (cover, pattern, expected) => {
    expect(coversCommandPattern(cover, pattern)).toBe(expected);
  });
});

describe('intersectCommandPatterns', () => {
  it.each([
    [undefined, undefined, undefined],
    [undefined, ['a *'], ['a *']],
    [['a *'], undefined, ['a *']],
    [['npm *', 'git *'], ['npm test *', 'curl *'], ['npm test *']],
    [['npm test *'], ['npm *'], ['npm test *']],
    [['npm *'], ['git *'], []],
    [[], ['npm *'], []],
    [['*'], ['npm *', 'git status'], ['npm *', 'git status']],
  ] as [string[] | undefined, string[] | undefined, string[] | undefined][])(
    '%j ∩ %j = %j',
    (base, narrower, expected) => {
      expect(intersectCommandPatterns(base, narrower)).toEqual(expected);
    },
  );
});

describe('intersectRoots', () => {
  it.each([
    [undefined, undefined, undefined],
    [['/w/p'], undefined, ['/w/p']],
    [undefined, ['/w/p/src'], ['/w/p/src']],
    [['/w/p'], ['/w/p/src'], ['/w/p/src']],
    [['/w/p'], ['src'], ['/w/p/src']],
    [['/w/p'], ['./src/'], ['/w/p/src']],
    [['/w/p'], ['/w'], ['/w/p']],
    [['/w/p'], ['/'], ['/w/p']],
    [['/w/p'], ['/etc'], []],
    [['/w/p'], ['/w/pp'], []],
    [['/w/p'], ['../q'], []],
    [['/w/p'], ['src/../../q'], []],
    [['/w/p'], ['/w/p/../q'], []],
    [['/w/p'], ['~/x'], []],
    [['/w/p', '/w/q'], ['src'], ['/w/p/src', '/w/q/src']],
    [['/w/p', '/w/q'], ['/w/q/a', '/etc'], ['/w/q/a']],
    [['/w/p'], [], []],
    [['rel'], ['rel/a'], ['rel/a']],
    [['rel'], ['/abs'], []],
  ] as [string[] | undefined, string[] | undefined, string[] | undefined][])(
    '%j ∩ %j = %j',
    (base, narrower, expected) => {
      expect(intersectRoots(base, narrower)).toEqual(expected);
    },
  );
});

describe('intersectSandbox', () => {
  const base: FilesystemSandbox = { kind: 'filesystem', roots: ['/w/p'], readOnly: false, deny: ['.git/**'] };

  it('never widens a filesystem sandbox', () => {
    const derived = deriveSandbox(
      { allow: ['fs:*'], sandbox: { filesystem: { roots: ['/', 'src'] } } },
      'fs',
    );
    expect(intersectSandbox(base, derived)).toEqual({
      kind: 'filesystem',
      roots: ['/w/p', '/w/p/src'],
      readOnly: false,
      deny: ['.git/**'],
    });
    const readOnlyBase: FilesystemSandbox = { ...base, readOnly: true };
    expect(intersectSandbox(readOnlyBase, deriveSandbox({ allow: ['fs:write_file'] }, 'fs')).readOnly).toBe(
      true,
    );
    expect(
      intersectSandbox(base, deriveSandbox({ allow: ['fs:read_file'], deny: ['fs:*(.env)'] }, 'fs')),
    ).toEqual({
      kind: 'filesystem',
      roots: ['/w/p'],
      readOnly: true,
      deny: ['.git/**', '.env'],
    });
  });

  it('never widens a shell sandbox', () => {
    const shellBase: ShellSandbox = {
      kind: 'shell',
      roots: ['/w/p'],
      allow: ['npm *', 'git status'],
      deny: ['sudo *'],
    };
    expect(intersectSandbox(shellBase, deriveSandbox({ allow: ['shell:*'] }, 'shell'))).toEqual(shellBase);
    expect(
      intersectSandbox(
        shellBase,
        deriveSandbox({ allow: ['shell:run_command(npm test *)', 'shell:run_command(rm *)'] }, 'shell'),
      ),
    ).toEqual({ kind: 'shell', roots: ['/w/p'], allow: ['npm test *'], deny: ['sudo *'] });
    const open: ShellSandbox = { kind: 'shell', deny: [] };
    expect(intersectSandbox(open, { kind: 'shell', allow: ['x *'], deny: ['y'] })).toEqual({
      kind: 'shell',
      allow: ['x *'],
      deny: ['y'],
    });
  });

  it('ignores a kind-less narrower and rejects mismatched kinds', () => {
    expect(intersectSandbox(base, { kind: 'none' })).toBe(base);
    expect(intersectSandbox({ kind: 'none' }, base)).toEqual({ kind: 'none' });
    expect(() => intersectSandbox(base, { kind: 'shell', deny: [] })).toThrow(/cannot intersect/);
  });
});
