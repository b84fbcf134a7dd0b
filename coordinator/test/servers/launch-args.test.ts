import { transcriptScopeOf } from '@meshwork/permissions';
import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/types.js';
import { launchArgsFor } from '../../src/servers/launch-args.js';

function server(name: string, kind: ServerConfig['kind']): ServerConfig {
  return {
    name,
    transport: 'stdio',
    command: 'node',
    args: [],
    env: {},
    headers: {},
    tools: {},
    ...(kind === undefined ? {} : { kind }),
  };
}

describe('launchArgsFor', () => {
  it('appends a filesystem server read-only and deny limits after its configured arguments', () => {
    const configured = ['/repo/cli.js', '--deny', '**/.git/**', '.'];
    const result = launchArgsFor(server('fs', 'filesystem'), configured, {
      allow: ['fs:read_*'],
      deny: ['fs:*(.env)'],
    });
    expect(result.args).toEqual([...configured, '--limit-read-only', '--limit-deny=.env']);
    expect(result.unreachable).toBeUndefined();
  });

  it('keeps a server writable only when a write tool is granted, and passes limit roots on', () => {
    const writable = launchArgsFor(server('fs', 'filesystem'), ['.'], { allow: ['fs:write_file(src/**)'] });
    expect(writable.args).toEqual(['.']);
    const rooted = launchArgsFor(server('fs', 'filesystem'), ['.'], {
      allow: ['fs:*'],
      launch: { filesystem: { roots: ['docs'] } },
    });
    expect(rooted.args).toEqual(['.', '--limit-root=docs']);
  });

  it('turns shell run rules into limit allow and deny patterns', () => {
    const result = launchArgsFor(server('shell', 'shell'), ['cli.js', '--allow', 'npm *'], {
      allow: ['shell:run_command(npm test *)'],
      deny: ['shell:run_command(npm publish *)'],
    });
    expect(result.args).toEqual([
      'cli.js',
      '--allow',
      'npm *',
      '--limit-allow=npm test *',
      '--limit-read-only',
      '--limit-deny=npm publish *',
    ]);
  });

  it('marks a server the profile cannot reach as unreachable, and starts nothing for it', () => {
    const result = launchArgsFor(server('shell', 'shell'), ['cli.js'], { allow: ['fs:*'] });
    expect(result.unreachable).toMatch(/no root/);
    expect(result.args).toEqual(['cli.js']);
    const noCommand = launchArgsFor(server('shell', 'shell'), ['cli.js'], {
      allow: ['shell:run_command(npm *)'],
      launch: { shell: { allow: ['git *'] } },
    });
    expect(noCommand.unreachable).toMatch(/no command/);
  });

  it("launches a memory server for the profile's transcript scope (all transcripts only when asked)", () => {
    const scope = transcriptScopeOf({ allow: ['memory:*'] });
    expect(launchArgsFor(server('memory', 'memory'), ['--dir', 'x'], { allow: ['memory:*'] })).toEqual({
      args: ['--dir', 'x', `--limit-transcript-profile=${scope}`],
      limits: { kind: 'memory', transcriptProfile: scope },
    });
    const dream = { allow: ['memory:*'], launch: { memory: { transcripts: 'all' as const } } };
    expect(launchArgsFor(server('memory', 'memory'), ['--dir', 'x'], dream)).toEqual({
      args: ['--dir', 'x'],
      limits: { kind: 'memory' },
    });
  });

  it('leaves third-party servers alone, whatever their name', () => {
    expect(launchArgsFor(server('fs', undefined), ['a', 'b'], { allow: ['fs:read_*'] })).toEqual({
      args: ['a', 'b'],
      limits: { kind: 'none' },
    });
  });
});
