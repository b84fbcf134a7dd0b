import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  applyFilesystemLimits,
  applyShellLimits,
  deriveLaunchLimits,
  FILESYSTEM_LIMIT_OPTIONS,
  MEMORY_LIMIT_FLAG,
  MEMORY_LIMIT_OPTIONS,
  renderLaunchFlags,
  SHELL_LIMIT_OPTIONS,
  unreachableReason,
} from '../src/index.js';

function parse(
  options: typeof FILESYSTEM_LIMIT_OPTIONS | typeof SHELL_LIMIT_OPTIONS | typeof MEMORY_LIMIT_OPTIONS,
  args: string[],
) {
  return parseArgs({ options, args, allowPositionals: true }).values;
}

describe('renderLaunchFlags', () => {
  it('renders filesystem limits the server parses back', () => {
    const limits = deriveLaunchLimits(
      { allow: ['fs:read_*'], deny: ['fs:*(.env)'], launch: { filesystem: { roots: ['docs'] } } },
      'fs',
      { kind: 'filesystem' },
    );
    const flags = renderLaunchFlags(limits);
    expect(flags).toEqual(['--limit-root=docs', '--limit-read-only', '--limit-deny=.env']);
    expect(parse(FILESYSTEM_LIMIT_OPTIONS, flags)).toEqual({
      'limit-root': ['docs'],
      'limit-read-only': true,
      'limit-deny': ['.env'],
    });
  });

  it('renders shell limits, values that start with a dash included', () => {
    const flags = renderLaunchFlags({ kind: 'shell', allow: ['npm test *', '-x'], deny: ['rm *'] });
    expect(flags).toEqual(['--limit-allow=npm test *', '--limit-allow=-x', '--limit-deny=rm *']);
    expect(parse(SHELL_LIMIT_OPTIONS, flags)).toEqual({
      'limit-allow': ['npm test *', '-x'],
      'limit-deny': ['rm *'],
    });
  });

  it('renders the write grant (none as read-only) and path denies of shell limits', () => {
    const limits = deriveLaunchLimits(
      { allow: ['shell:run_command(node --test*)', 'fs:write_file(NOTES.md)'], deny: ['fs:*(.env)'] },
      'shell',
      { kind: 'shell' },
    );
    const flags = renderLaunchFlags(limits);
    expect(flags).toEqual(['--limit-allow=node --test*', '--limit-write=NOTES.md', '--limit-deny-path=.env']);
    expect(parse(SHELL_LIMIT_OPTIONS, flags)).toMatchObject({
      'limit-write': ['NOTES.md'],
      'limit-deny-path': ['.env'],
    });
    const readOnly = renderLaunchFlags(
      deriveLaunchLimits({ allow: ['shell:run_command(ls *)'] }, 'shell', { kind: 'shell' }),
    );
    expect(readOnly).toEqual(['--limit-allow=ls *', '--limit-read-only']);
  });

  it('renders nothing for servers without limits, and refuses unreachable limits', () => {
    expect(renderLaunchFlags({ kind: 'none' })).toEqual([]);
    const unreachable = deriveLaunchLimits({ allow: ['memory:*'] }, 'shell', { kind: 'shell' });
    expect(unreachableReason(unreachable)).toBe('no root is reachable');
    expect(unreachableReason({ kind: 'shell', allow: [], deny: [] })).toBe('no command is allowed');
    expect(unreachableReason({ kind: 'filesystem', readOnly: true, deny: [] })).toBeUndefined();
    expect(() => renderLaunchFlags(unreachable)).toThrow(/no root is reachable/);
  });

  it("renders a memory server's transcript scope as one flag its own options parse back", () => {
    expect(renderLaunchFlags({ kind: 'memory' })).toEqual([]);
    const flags = renderLaunchFlags({ kind: 'memory', transcriptProfile: 'p-abc' });
    expect(flags).toEqual(['--limit-transcript-profile=p-abc']);
    expect(parse(MEMORY_LIMIT_OPTIONS, flags)).toEqual({ [MEMORY_LIMIT_FLAG]: 'p-abc' });
    expect(unreachableReason({ kind: 'memory', transcriptProfile: 'p-abc' })).toBeUndefined();
  });
});

describe('applyFilesystemLimits', () => {
  const launch = { roots: ['/project'], readOnly: false, deny: ['**/.git/**'] };

  it('leaves the configured launch alone without limit flags', () => {
    expect(applyFilesystemLimits(launch, {})).toBe(launch);
  });

  it('narrows, never widens', () => {
    expect(
      applyFilesystemLimits(launch, {
        'limit-root': ['docs'],
        'limit-read-only': true,
        'limit-deny': ['.env'],
      }),
    ).toEqual({ roots: ['/project/docs'], readOnly: true, deny: ['**/.git/**', '.env'] });
    expect(applyFilesystemLimits(launch, { 'limit-root': ['/'] }).roots).toEqual(['/project']);
    const readOnly = { ...launch, readOnly: true };
    expect(applyFilesystemLimits(readOnly, { 'limit-deny': ['x'] }).readOnly).toBe(true);
  });

  it('refuses limits that leave no root', () => {
    expect(() => applyFilesystemLimits(launch, { 'limit-root': ['/elsewhere'] })).toThrow(
      expect.objectContaining({ code: 'E_LAUNCH_LIMITS', message: expect.stringMatching(/no root/) }),
    );
  });
});

describe('applyShellLimits', () => {
  it('intersects allow-lists and merges deny-lists', () => {
    expect(
      applyShellLimits(
        { roots: ['/project'], allow: ['npm *'], deny: [] },
        { 'limit-allow': ['npm test *'], 'limit-deny': ['npm publish *'] },
      ),
    ).toEqual({
      roots: ['/project'],
      allow: ['npm test *'],
      deny: ['npm publish *'],
      write: [],
      denyPaths: [],
    });
  });

  it('adds the limit write grant as a layer (read-only as an empty one) and joins path denies', () => {
    const launch = { roots: ['/p'], allow: [], deny: [], write: [['**']], denyPaths: ['.env'] };
    expect(
      applyShellLimits(launch, { 'limit-write': ['src/**'], 'limit-deny-path': ['secrets/**'] }),
    ).toEqual({
      ...launch,
      write: [['**'], ['src/**']],
      denyPaths: ['.env', 'secrets/**'],
    });
    expect(applyShellLimits(launch, { 'limit-read-only': true }).write).toEqual([['**'], []]);
    expect(applyShellLimits(launch, {}).write).toEqual([['**']]);
  });

  it('never fills an empty configured allow-list with the limits (a server passes its own default set)', () => {
    expect(() =>
      applyShellLimits({ roots: ['/p'], allow: [], deny: [] }, { 'limit-allow': ['git *'] }),
    ).toThrow(/no configured command pattern/);
    expect(
      applyShellLimits(
        { roots: ['/p'], allow: ['ls *', 'git status *'], deny: [] },
        { 'limit-allow': ['git *'] },
      ).allow,
    ).toEqual(['git status *']);
    expect(
      applyShellLimits({ roots: ['/p'], allow: [], deny: [] }, { 'limit-deny': ['rm *'] }).allow,
    ).toEqual([]);
  });

  it('refuses limits that leave no command or no root', () => {
    expect(() =>
      applyShellLimits({ roots: ['/p'], allow: ['ls *'], deny: [] }, { 'limit-allow': ['rm *'] }),
    ).toThrow(/no configured command pattern/);
    expect(() => applyShellLimits({ roots: ['/p'], allow: [], deny: [] }, { 'limit-root': ['/q'] })).toThrow(
      /no root/,
    );
  });
});
