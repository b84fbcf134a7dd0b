import { describe, expect, it } from 'vitest';
import { detectServerKind, isServerKind, SERVER_KIND_CONTRACTS, SERVER_KINDS } from '../src/index.js';

describe('server kinds', () => {
  it('has one contract per kind', () => {
    expect(Object.keys(SERVER_KIND_CONTRACTS).sort()).toEqual([...SERVER_KINDS].sort());
    expect(isServerKind('shell')).toBe(true);
    expect(isServerKind('other')).toBe(false);
    expect(isServerKind(undefined)).toBe(false);
  });

  it.each([
    ['meshwork-fs', [], 'filesystem'],
    ['/usr/local/bin/meshwork-shell', ['--root', '.'], 'shell'],
    ['npx', ['-y', '@meshwork/memory-server@1.2.3'], 'memory'],
    ['npx', ['-y', '@meshwork/filesystem-server'], 'filesystem'],
    ['node', ['/repo/servers/shell/dist/cli.js'], 'shell'],
    ['node', ['C:\\repo\\servers\\memory\\dist\\cli.js'], 'memory'],
    ['npx', ['-y', '@modelcontextprotocol/server-filesystem', '.'], undefined],
    ['meshwork-fsx', [], undefined],
    ['node', ['/repo/servers/other/dist/cli.js'], undefined],
  ] as [string, string[], string | undefined][])('detects %s %j as %s', (command, args, kind) => {
    expect(detectServerKind(command, args)).toBe(kind);
  });
});
