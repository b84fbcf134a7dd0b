import { describe, expect, it } from 'vitest';
import {
  coversCommandPattern,
  deriveLaunchLimits,
  type FilesystemLaunchLimits,
  intersectCommandPatterns,
  intersectLaunchLimits,
  intersectRoots,
  type Profile,
  type ShellLaunchLimits,
  transcriptScopeOf,
} from '../src/index.js';

const FS = { kind: 'filesystem' } as const;
const SHELL = { kind: 'shell' } as const;

describe('deriveLaunchLimits: filesystem', () => {
  it.each([
    [{ allow: ['fs:read_*'] }, true],
    [{ allow: ['fs:read_*', 'fs:list_*'] }, true],
    [{ allow: ['fs:write_file(src/**)'] }, false],
    [{ ask: ['fs:edit_file'] }, false],
    [{ allow: ['fs:*'] }, false],
    [{ allow: ['*:*'] }, false],
    [{ allow: ['fs:*_file'] }, false],
    // No guessing from verbs: only the contract's write tools make a server writable.
    [{ allow: ['fs:delete_*'] }, true],
    [{ allow: ['other:write_file'] }, true],
    [{ allow: ['fs:*'], launch: { filesystem: { readOnly: true } } }, true],
    [{ allow: ['fs:read_*'], launch: { filesystem: { readOnly: false } } }, true],
  ] as [Profile, boolean][])('%j -> readOnly %s', (profile, readOnly) => {
    const limits = deriveLaunchLimits(profile, 'fs', FS) as FilesystemLaunchLimits;
    expect(limits.kind).toBe('filesystem');
    expect(limits.readOnly).toBe(readOnly);
  });

  it('collects deny patterns that cover every tool, and roots', () => {
    expect(
      deriveLaunchLimits(
        {
          allow: ['fs:read_*'],
          deny: ['fs:*(.env)', 'fs:write_file(docs/**)', 'fs:*', '*:*(**/*.pem)'],
          launch: { filesystem: { roots: ['/w/p'], deny: ['.git/**', '.env'] } },
        },
        'fs',
        FS,
      ),
    ).toEqual({ kind: 'filesystem', readOnly: true, roots: ['/w/p'], deny: ['.git/**', '.env', '**/*.pem'] });
  });

  it('gives an unreachable server nothing', () => {
    expect(deriveLaunchLimits({ allow: ['memory:*'] }, 'fs', FS)).toEqual({
      kind: 'filesystem',
      readOnly: true,
      roots: [],
      deny: [],
    });
    expect(deriveLaunchLimits({ allow: ['*:*'], servers: ['memory'] }, 'fs', FS)).toMatchObject({
      roots: [],
    });
  });

  it('takes the kind from the caller, never from the name, and honours custom write tools', () => {
    expect(deriveLaunchLimits({ allow: ['files:write_*'] }, 'files', FS)).toMatchObject({
      readOnly: false,
    });
    expect(deriveLaunchLimits({ allow: ['fs:*'] }, 'fs')).toEqual({ kind: 'none' });
    expect(
      deriveLaunchLimits({ allow: ['x:save'] }, 'x', { kind: 'filesystem', writeTools: ['save'] }),
    ).toMatchObject({
      readOnly: false,
    });
    expect(deriveLaunchLimits({ allow: ['memory:*'] }, 'memory', { kind: 'memory' })).toEqual({
      kind: 'memory',
      transcriptProfile: transcriptScopeOf({ allow: ['memory:*'] }),
    });
  });
});

describe('deriveLaunchLimits: memory', () => {
  it("scopes transcripts to the profile's rules: same reach, same scope; any change of reach, another", () => {
    const reader: Profile = { allow: ['fs:read_*', 'memory:*'], description: 'reads' };
    const scope = transcriptScopeOf(reader);
    expect(scope).toMatch(/^p-[0-9a-f]{24}$/);
    // Description, budgets and key order do not change what a profile reaches.
    expect(
      transcriptScopeOf({ description: 'other words', limits: { maxTurns: 3 }, allow: [...reader.allow!] }),
    ).toBe(scope);
    expect(transcriptScopeOf({ ...reader, deny: ['fs:*(src/secret.txt)'] })).not.toBe(scope);
    expect(transcriptScopeOf({ allow: ['memory:*', 'fs:read_*'] })).not.toBe(scope);
    expect(transcriptScopeOf({ ...reader, launch: { filesystem: { readOnly: true } } })).not.toBe(scope);
  });

  it('drops the scope only for a profile that asks for every transcript (the dream profile)', () => {
    expect(
      deriveLaunchLimits({ allow: ['memory:*'], launch: { memory: { transcripts: 'all' } } }, 'memory', {
        kind: 'memory',
      }),
    ).toEqual({ kind: 'memory' });
    const own = deriveLaunchLimits(
      { allow: ['memory:*'], launch: { memory: { transcripts: 'own' } } },
      'memory',
      {
        kind: 'memory',
      },
    );
    expect(own).toMatchObject({ kind: 'memory', transcriptProfile: expect.stringMatching(/^p-/) });
  });

  it('intersects to the narrower scope, and refuses to mix kinds', () => {
    const scoped = { kind: 'memory' as const, transcriptProfile: 'p-1' };
    expect(intersectLaunchLimits({ kind: 'memory' }, scoped)).toEqual(scoped);
    expect(intersectLaunchLimits(scoped, { kind: 'memory' })).toEqual(scoped);
    expect(() => intersectLaunchLimits(scoped, { kind: 'shell', deny: [] })).toThrow(/memory server/);
  });
});

describe('deriveLaunchLimits: shell', () => {
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
    [{ allow: ['shell:*'], launch: { shell: { allow: ['npm *'] } } }, ['npm *']],
    [
      { allow: ['shell:run_command(npm test *)'], launch: { shell: { allow: ['npm *', 'git *'] } } },
      ['npm test *'],
    ],
    [{ allow: ['shell:run_command(npm *)'], launch: { shell: { allow: ['npm test *'] } } }, ['npm test *']],
    [{ allow: ['shell:run_command(npm *)'], launch: { shell: { allow: ['git *'] } } }, []],
  ] as [Profile, string[] | undefined][])('%j -> allow %j', (profile, allow) => {
    const limits = deriveLaunchLimits(profile, 'shell', SHELL) as ShellLaunchLimits;
    expect(limits.kind).toBe('shell');
    expect(limits.allow).toEqual(allow);
  });

  it('collects deny patterns of run tools and roots', () => {
    expect(
      deriveLaunchLimits(
        {
          allow: ['shell:*'],
          deny: ['shell:run_command(rm *)', 'shell:*(curl *)', 'shell:kill_process', 'fs:*(x)'],
          launch: { shell: { roots: ['/w/p'], deny: ['sudo *'] } },
        },
        'shell',
        SHELL,
      ),
    ).toEqual({
      kind: 'shell',
      roots: ['/w/p'],
      deny: ['sudo *', 'rm *', 'curl *'],
      write: [],
      denyPaths: ['x'],
    });
  });

  it("takes the write grant from the profile's file write rules, and everything from a rule without a pattern", () => {
    const profile = {
      allow: ['shell:run_command(npm test*)', 'fs:write_file(src/**)', 'fs:edit_file(test/**)', 'fs:read_*'],
      deny: ['fs:*(**/.env)', 'shell:*(rm *)'],
    };
    const limits = deriveLaunchLimits(profile, 'shell', SHELL);
    expect(limits).toMatchObject({ write: ['src/**', 'test/**'], denyPaths: ['**/.env'] });
    const open = deriveLaunchLimits({ allow: ['shell:*', 'fs:write_file'] }, 'shell', SHELL);
    expect(open).not.toHaveProperty('write');
  });

  it('gives an unreachable shell nothing', () => {
    expect(deriveLaunchLimits({ allow: ['fs:*'] }, 'shell', SHELL)).toEqual({
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

describe('intersectLaunchLimits', () => {
  const base: FilesystemLaunchLimits = {
    kind: 'filesystem',
    roots: ['/w/p'],
    readOnly: false,
    deny: ['.git/**'],
  };

  it('never widens a filesystem launch limits', () => {
    const derived = deriveLaunchLimits(
      { allow: ['fs:*'], launch: { filesystem: { roots: ['/', 'src'] } } },
      'fs',
      FS,
    );
    expect(intersectLaunchLimits(base, derived)).toEqual({
      kind: 'filesystem',
      roots: ['/w/p', '/w/p/src'],
      readOnly: false,
      deny: ['.git/**'],
    });
    const readOnlyBase: FilesystemLaunchLimits = { ...base, readOnly: true };
    expect(
      intersectLaunchLimits(readOnlyBase, deriveLaunchLimits({ allow: ['fs:write_file'] }, 'fs', FS))
        .readOnly,
    ).toBe(true);
    expect(
      intersectLaunchLimits(
        base,
        deriveLaunchLimits({ allow: ['fs:read_file'], deny: ['fs:*(.env)'] }, 'fs', FS),
      ),
    ).toEqual({
      kind: 'filesystem',
      roots: ['/w/p'],
      readOnly: true,
      deny: ['.git/**', '.env'],
    });
  });

  it('never widens a shell launch limits', () => {
    const shellBase: ShellLaunchLimits = {
      kind: 'shell',
      roots: ['/w/p'],
      allow: ['npm *', 'git status'],
      deny: ['sudo *'],
    };
    expect(
      intersectLaunchLimits(shellBase, deriveLaunchLimits({ allow: ['shell:*'] }, 'shell', SHELL)),
    ).toEqual({ ...shellBase, write: [] });
    expect(
      intersectLaunchLimits(
        shellBase,
        deriveLaunchLimits(
          { allow: ['shell:run_command(npm test *)', 'shell:run_command(rm *)'] },
          'shell',
          SHELL,
        ),
      ),
    ).toEqual({ kind: 'shell', roots: ['/w/p'], allow: ['npm test *'], deny: ['sudo *'], write: [] });
    const open: ShellLaunchLimits = { kind: 'shell', deny: [] };
    expect(intersectLaunchLimits(open, { kind: 'shell', allow: ['x *'], deny: ['y'] })).toEqual({
      kind: 'shell',
      allow: ['x *'],
      deny: ['y'],
    });
  });

  it('ignores a kind-less narrower and rejects mismatched kinds', () => {
    expect(intersectLaunchLimits(base, { kind: 'none' })).toBe(base);
    expect(intersectLaunchLimits({ kind: 'none' }, base)).toEqual({ kind: 'none' });
    expect(() => intersectLaunchLimits(base, { kind: 'shell', deny: [] })).toThrow(/cannot intersect/);
  });
});
