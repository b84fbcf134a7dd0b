import { describe, expect, it } from 'vitest';
import { sandboxArgs } from '../../src/mesh/sandbox-args.js';

describe('sandboxArgs', () => {
  it('starts a filesystem server read-only when the profile grants no write tool', () => {
    const result = sandboxArgs(
      'filesystem',
      'fs',
      ['/repo/servers/filesystem/dist/cli.js', '--deny', '**/.git/**', '.'],
      { allow: ['fs:read_*'], deny: ['fs:*(.env)'] },
      '/project',
    );
    expect(result.args).toEqual([
      '/repo/servers/filesystem/dist/cli.js',
      '--read-only',
      '--deny',
      '**/.git/**',
      '--deny',
      '.env',
      '/project',
    ]);
    expect(result.unreachable).toBeUndefined();
  });

  it('keeps a writable server writable only when a write tool is granted, and never widens roots', () => {
    const writable = sandboxArgs(
      'filesystem',
      'fs',
      ['meshwork-fs', '/project/src'],
      { allow: ['fs:write_file(src/**)'] },
      '/project',
    );
    expect(writable.args).not.toContain('--read-only');
    const configuredReadOnly = sandboxArgs(
      'filesystem',
      'fs',
      ['--read-only', '/project'],
      { allow: ['fs:*'] },
      '/project',
    );
    expect(configuredReadOnly.args).toContain('--read-only');
    const narrowed = sandboxArgs(
      'filesystem',
      'fs',
      ['/project'],
      { allow: ['fs:*'], sandbox: { filesystem: { roots: ['/elsewhere'] } } },
      '/project',
    );
    expect(narrowed.unreachable).toMatch(/no root/);
    const inside = sandboxArgs(
      'filesystem',
      'fs',
      ['/project'],
      { allow: ['fs:*'], sandbox: { filesystem: { roots: ['docs'] } } },
      '/project',
    );
    expect(inside.roots).toEqual(['/project/docs']);
  });

  it('turns shell run rules into --allow patterns intersected with the configured ones', () => {
    const result = sandboxArgs(
      'shell',
      'shell',
      ['/x/servers/shell/dist/cli.js', '--allow', 'npm *', '--root', '.'],
      { allow: ['shell:run_command(npm test *)'], deny: ['shell:run_command(npm publish *)'] },
      '/project',
    );
    expect(result.args).toEqual([
      '/x/servers/shell/dist/cli.js',
      '--root',
      '/project',
      '--allow',
      'npm test *',
      '--deny',
      'npm publish *',
    ]);
    const none = sandboxArgs(
      'shell',
      'shell',
      ['cli.js'],
      { allow: ['shell:run_command(git *)'] },
      '/project',
    );
    expect(none.args).toContain('git *');
    const unrelated = sandboxArgs(
      'shell',
      'shell',
      ['cli.js', '--allow', 'ls *'],
      { allow: ['shell:run_command(rm *)'] },
      '/project',
    );
    expect(unrelated.unreachable).toMatch(/no command/);
  });

  it('leaves memory and third-party servers alone', () => {
    expect(sandboxArgs('memory', 'memory', ['--dir', 'x'], { allow: ['memory:*'] }, '/p').args).toEqual([
      '--dir',
      'x',
    ]);
    expect(sandboxArgs('other', 'gh', ['a', 'b'], {}, '/p')).toEqual({
      args: ['a', 'b'],
      sandbox: { kind: 'none' },
    });
  });
});
