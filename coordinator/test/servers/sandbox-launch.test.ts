import { existsSync } from 'node:fs';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { expandDenyPatterns, sandboxLaunch } from '../../src/servers/sandbox-launch.js';
import { probeSandbox } from '../../src/servers/sandbox-probe.js';
import { launchSpecOf } from '../../src/servers/server-pool.js';

describe('the sandbox launch of a stdio server', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-sandbox-launch-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  async function config(servers: Record<string, unknown>) {
    await writeFile(join(dir.path, 'meshwork.json'), JSON.stringify({ mcpServers: servers }));
    return loadConfig({ cwd: dir.path });
  }

  async function configError(servers: Record<string, unknown>): Promise<string> {
    try {
      await config(servers);
    } catch (error) {
      return (error as Error).message;
    }
    throw new Error('the configuration was accepted');
  }

  it('validates the sandbox field, naming it', async () => {
    expect(await configError({ x: { command: 'x', sandbox: 'off' } })).toContain('mcpServers.x.sandbox');
    expect(await configError({ x: { command: 'x', sandbox: { network: 'yes' } } })).toContain(
      'mcpServers.x.sandbox.network',
    );
    expect(await configError({ x: { command: 'x', sandbox: { write: [''] } } })).toContain(
      'mcpServers.x.sandbox.write.0',
    );
    expect(await configError({ x: { command: 'x', sandbox: { mounts: [] } } })).toContain(
      'mcpServers.x.sandbox',
    );
    expect(await configError({ x: { url: 'http://127.0.0.1:1/mcp', sandbox: 'none' } })).toContain(
      'only a stdio server',
    );
    const loaded = await config({ x: { command: 'x', sandbox: { read: ['/opt/data'], network: true } } });
    expect(loaded.servers.x?.sandbox).toEqual({ read: ['/opt/data'], network: true });
  });

  it('fails closed for shell and third-party servers when bubblewrap cannot start, and says how to fix it', async () => {
    const loaded = await config({
      shell: { kind: 'shell', command: 'node', args: ['shell.js'] },
      ref: { command: 'ref-server' },
      fs: { kind: 'filesystem', command: 'node', args: ['fs.js'] },
      optedOut: { command: 'ref-server', sandbox: 'none' },
    });
    const support = probeSandbox('/nonexistent');
    expect(support.available).toBe(false);
    const launch = (name: string) =>
      sandboxLaunch({
        spec: launchSpecOf(loaded.servers[name]!, loaded, dir.path),
        server: loaded.servers[name]!,
        profile: { allow: ['*:*'] },
        config: loaded,
        projectDir: dir.path,
        support,
        env: {},
      });
    for (const name of ['shell', 'ref']) {
      expect(() => launch(name)).toThrow(/apt-get install bubblewrap.*"sandbox": "none"/);
    }
    expect(launch('fs').record.mode).toBe('unavailable');
    expect(launch('optedOut').record).toMatchObject({ mode: 'none', network: true });
    expect(probeSandbox(process.env.PATH, 'darwin')).toMatchObject({ available: false });
  });

  it('wraps a server in bwrap with its own environment and no coordinator secret', async () => {
    const loaded = await config({
      shell: { kind: 'shell', command: 'node', args: ['shell.js'], env: { SHELL_SETTING: 'on' } },
    });
    const server = loaded.servers.shell!;
    const { spec, record } = sandboxLaunch({
      spec: launchSpecOf(server, loaded, dir.path),
      server,
      profile: { allow: ['shell:run_command(ls *)', 'fs:write_file(src/**)'] },
      config: loaded,
      projectDir: dir.path,
      support: { available: true, bwrapPath: '/usr/bin/bwrap' },
      env: { PATH: '/usr/bin', HOME: '/nonexistent-home', ANTHROPIC_API_KEY: 'sk-secret' },
    });
    expect(spec.command).toBe('/usr/bin/bwrap');
    expect(spec.env).toEqual({});
    expect(spec.args.join(' ')).not.toContain('sk-secret');
    expect(spec.args.join(' ')).toContain('--setenv SHELL_SETTING on');
    expect(spec.args).toContain('--unshare-net');
    expect(record).toEqual({ server: 'shell', mode: 'bwrap', network: false, writable: [] });
    // No filesystem server is configured, so `fs:` rules grant no write.
    expect(existsSync(join(dir.path, 'src'))).toBe(false);
  });

  it('keeps a server installed under /tmp visible whole, so its linked dependencies resolve', async () => {
    const install = await createTempDir('meshwork-install-');
    try {
      const script = join(install.path, 'servers', 'shell', 'dist', 'cli.js');
      await mkdir(join(install.path, 'servers', 'shell', 'dist'), { recursive: true });
      await writeFile(script, '');
      const loaded = await config({ shell: { kind: 'shell', command: 'node', args: [script] } });
      const server = loaded.servers.shell!;
      const { spec } = sandboxLaunch({
        spec: launchSpecOf(server, loaded, dir.path),
        server,
        profile: { allow: ['shell:run_command(ls *)'] },
        config: loaded,
        projectDir: dir.path,
        support: { available: true, bwrapPath: '/usr/bin/bwrap' },
        env: { PATH: '/usr/bin' },
      });
      // The install's top directory under /tmp (its node_modules links point anywhere in it), read-only.
      const top = `/tmp/${install.path.slice('/tmp/'.length).split('/')[0]}`;
      const args = spec.args.join(' ');
      expect(args).toContain(`--ro-bind ${top} ${top}`);
      expect(args).not.toContain(`--bind ${top} `);
    } finally {
      await install.remove();
    }
  });

  it('expands deny patterns to the files that exist, case-insensitively and at any depth', async () => {
    await mkdir(join(dir.path, 'a', 'b'), { recursive: true });
    await mkdir(join(dir.path, 'node_modules', 'x'), { recursive: true });
    for (const path of ['.env', 'a/b/.ENV', 'a/keep.txt', 'node_modules/x/.env'])
      await writeFile(join(dir.path, path), 'x');
    const masks = expandDenyPatterns(dir.path, ['.env']).map((mask) => mask.path.slice(dir.path.length + 1));
    expect(masks.sort()).toEqual(['.env', 'a/b/.ENV']);
  });

  it('does not bind a write prefix that a symlink inside the project points outside it', async () => {
    const loaded = await config({
      shell: { kind: 'shell', command: 'node', args: ['shell.js'] },
      fs: { kind: 'filesystem', command: 'node', args: ['fs.js'] },
    });
    const outside = await createTempDir('meshwork-sandbox-outside-');
    try {
      await mkdir(join(dir.path, 'src'));
      await symlink(outside.path, join(dir.path, 'src', 'planted'));
      const server = loaded.servers.shell!;
      const launch = (pattern: string) =>
        sandboxLaunch({
          spec: launchSpecOf(server, loaded, dir.path),
          server,
          profile: { allow: ['shell:run_command(ls *)', `fs:write_file(${pattern})`] },
          config: loaded,
          projectDir: dir.path,
          support: { available: true, bwrapPath: '/usr/bin/bwrap' },
          env: {},
        }).record.writable;
      expect(launch('src/**')).toEqual(['src']);
      expect(launch('src/planted/**')).toEqual([]);
    } finally {
      await outside.remove();
    }
  });
});
