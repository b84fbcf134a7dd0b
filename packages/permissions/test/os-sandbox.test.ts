import {
  deriveSandboxView,
  HOST_SOCKET_PATHS,
  literalPathPrefix,
  type Profile,
  renderBubblewrapArgs,
  type SandboxViewOptions,
} from '@meshwork/permissions';
import { describe, expect, it } from 'vitest';

const PROJECT = '/work/project';

function view(profile: Profile, options: Partial<SandboxViewOptions> = {}) {
  return deriveSandboxView({
    profile,
    serverName: 'shell',
    kind: 'shell',
    filesystemServers: ['fs'],
    projectDir: PROJECT,
    homeDir: '/home/me',
    ...options,
  });
}

// The sample project's three profiles (examples/sample-project/meshwork.json).
const research: Profile = {
  allow: ['fs:read_*', 'fs:list_*', 'fs:grep', 'fs:write_file(NOTES.md)', 'memory:*'],
  deny: ['fs:*(.env)', 'fs:*(**/.env)', 'memory:delete_topic'],
};
const build: Profile = {
  allow: [
    'fs:read_*',
    'fs:edit_file(src/**)',
    'fs:write_file(src/**)',
    'fs:edit_file(test/**)',
    'fs:write_file(test/**)',
    'shell:run_command(node --test*)',
  ],
  deny: ['fs:*(.env)', 'fs:*(**/.env)', 'shell:run_command(rm *)'],
};
const review: Profile = {
  allow: ['fs:read_*', 'fs:write_file(NOTES.md)', 'shell:run_command(node --test*)', 'memory:read_*'],
  deny: ['fs:*(.env)', 'fs:*(**/.env)'],
};

describe('literalPathPrefix', () => {
  it('stops at the first segment holding a glob character', () => {
    expect(literalPathPrefix('src/**')).toEqual({ path: 'src', exact: false });
    expect(literalPathPrefix('src/lib/*.ts')).toEqual({ path: 'src/lib', exact: false });
    expect(literalPathPrefix('**/.env')).toEqual({ path: '.', exact: false });
    expect(literalPathPrefix('{src,test}/**')).toEqual({ path: '.', exact: false });
    expect(literalPathPrefix('docs/')).toEqual({ path: 'docs', exact: false });
  });

  it('names an exact path when nothing is a glob', () => {
    expect(literalPathPrefix('NOTES.md')).toEqual({ path: 'NOTES.md', exact: true });
    expect(literalPathPrefix('./docs/a.md')).toEqual({ path: 'docs/a.md', exact: true });
  });
});

describe('deriveSandboxView', () => {
  it('gives the build shell its write prefixes, and the review shell a read-only project', () => {
    expect(view(build).writable).toEqual([
      { path: `${PROJECT}/src`, exact: false },
      { path: `${PROJECT}/test`, exact: false },
    ]);
    // NOTES.md stays exact for commands: its directory (the project root) is not opened.
    expect(view(review).writable).toEqual([{ path: `${PROJECT}/NOTES.md`, exact: true }]);
    expect(view({ allow: ['shell:run_command(touch *)'] }).writable).toEqual([]);
  });

  it('gives a filesystem server the directory of a file it may replace, and nothing when read-only', () => {
    const fs = { serverName: 'fs', kind: 'filesystem' as const };
    expect(view(research, fs).writable).toEqual([{ path: PROJECT, exact: false }]);
    expect(view({ allow: ['fs:read_*'] }, fs).writable).toEqual([]);
    expect(
      view({ allow: ['fs:write_file(src/**)'], launch: { filesystem: { readOnly: true } } }, fs).writable,
    ).toEqual([]);
    // A rule with no pattern (or one matching every tool) writes anywhere in the project.
    expect(view({ allow: ['fs:*'] }, fs).writable).toEqual([{ path: PROJECT, exact: false }]);
  });

  it('ignores write rules on servers that are not filesystem servers', () => {
    expect(view({ allow: ['ref:write_file(src/**)', 'shell:run_command(ls *)'] }).writable).toEqual([]);
  });

  it('hides .meshwork from every server but binds the memory directory back for the memory server', () => {
    expect(view(review).hidden).toEqual([`${PROJECT}/.meshwork`]);
    expect(view(review).exposed).toEqual([]);
    const memory = view(research, { serverName: 'memory', kind: 'memory' });
    expect(memory.exposed).toEqual([`${PROJECT}/.meshwork/memory`]);
    expect(memory.writable).toEqual([{ path: `${PROJECT}/.meshwork/memory`, exact: false }]);
    expect(view(review, { hidden: ['/var/runs'] }).hidden).toEqual([`${PROJECT}/.meshwork`, '/var/runs']);
  });

  it('masks the paths of deny rules that cover every tool of a filesystem server', () => {
    expect(view(build).denyPatterns).toEqual(['.env', '**/.env']);
    expect(view({ deny: ['fs:write_file(src/a)', 'shell:run_command(rm *)'] }).denyPatterns).toEqual([]);
    expect(view({ launch: { filesystem: { deny: ['secrets/**'] } } }).denyPatterns).toEqual(['secrets/**']);
  });

  it('masks the home secrets unless the entry grants reading one', () => {
    const secrets = view(review).homeSecrets;
    expect(secrets).toContain('/home/me/.ssh');
    expect(secrets).toContain('/home/me/.aws');
    expect(secrets).toContain('/home/me/.npmrc');
    const granted = view(review, {
      kind: undefined,
      serverName: 'gh',
      grants: { read: ['/home/me/.config/gh'] },
    });
    expect(granted.homeSecrets).not.toContain('/home/me/.config/gh');
    expect(granted.homeSecrets).toContain('/home/me/.ssh');
    expect(view(review, { homeDir: undefined }).homeSecrets).toEqual([...HOST_SOCKET_PATHS]);
    expect(secrets).toContain('/var/run/docker.sock');
    expect(secrets).toContain('/run/user');
  });

  it('gives a third-party server only what its entry grants', () => {
    const thirdParty = { serverName: 'ref', kind: undefined };
    expect(view(build, thirdParty).writable).toEqual([]);
    expect(view(build, thirdParty).network).toBe(false);
    const granted = view(build, { ...thirdParty, grants: { write: ['out'], network: true } });
    expect(granted.writable).toEqual([{ path: `${PROJECT}/out`, exact: false }]);
    expect(granted.network).toBe(true);
    expect(view(build, { profileNetwork: true }).network).toBe(true);
  });
});

describe('renderBubblewrapArgs', () => {
  const mounts = {
    keep: ['/tmp/project'],
    writable: ['/tmp/project/src'],
    hidden: ['/tmp/project/.meshwork'],
    exposed: [],
    masks: [
      { path: '/tmp/project/.env', directory: false },
      { path: '/home/me/.ssh', directory: true },
    ],
    network: false,
    env: { PATH: '/usr/bin', HOME: '/home/me' },
    cwd: '/tmp/project',
  };

  it('renders the namespaces, the mounts in order and a rebuilt environment', () => {
    const args = renderBubblewrapArgs(mounts, ['node', 'server.js']);
    for (const flag of ['--die-with-parent', '--new-session', '--unshare-pid', '--unshare-net', '--clearenv'])
      expect(args).toContain(flag);
    const text = args.join(' ');
    expect(text).toContain('--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp');
    // Later mounts win: the mask after the writable bind, the writable bind after the project.
    const order = [
      '--ro-bind /tmp/project /tmp/project',
      '--bind /tmp/project/src /tmp/project/src',
      '--tmpfs /tmp/project/.meshwork',
      '--ro-bind /dev/null /tmp/project/.env',
      '--tmpfs /home/me/.ssh',
    ].map((part) => text.indexOf(part));
    expect(order.every((index) => index >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(text).toContain('--setenv PATH /usr/bin --setenv HOME /home/me');
    expect(args.slice(-5)).toEqual(['--chdir', '/tmp/project', '--', 'node', 'server.js']);
  });

  it('keeps the network only when granted', () => {
    expect(renderBubblewrapArgs({ ...mounts, network: true }, ['true'])).not.toContain('--unshare-net');
  });
});
