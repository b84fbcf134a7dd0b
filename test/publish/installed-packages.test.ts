import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectInstalledBin, runInstalledBin } from './installed-bins.js';
import {
  findPnpm,
  findStoreDir,
  forgetProject,
  type InstallResult,
  installTarballs,
  type PackedTarball,
  packPackages,
} from './pack-and-install.js';
import { readPublishablePackages } from './workspace-packages.js';

// Packs every publishable workspace package, installs the tarballs together into a fresh project
// without the network, and runs each installed bin: what `npx @meshwork/<name>-server` gets the
// day it is published. Packages and bins come from the workspace, so new ones are covered too.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PACKAGES = readPublishablePackages(ROOT);
const run = promisify(execFile);

/**
 * What each known server bin needs to start against a temp directory, and one tool it must list.
 * A server bin not named here is started with no arguments in a temp directory.
 */
const SERVER_STARTS: Record<string, { args: (dir: string) => string[]; tool: string }> = {
  'meshwork-fs': { args: (dir) => [dir], tool: 'read_text_file' },
  'meshwork-memory': { args: (dir) => ['--dir', join(dir, 'memory')], tool: 'memory_stats' },
  'meshwork-shell': { args: (dir) => ['--root', dir], tool: 'run_command' },
};

/** The coordinator's command line; it serves MCP through `meshwork serve`, not by default. */
const MESHWORK_BIN = 'meshwork';

const BINS = PACKAGES.flatMap((pkg) => Object.keys(pkg.bins).map((bin) => ({ bin, pkg })));
const SERVER_BINS = BINS.filter(({ bin, pkg }) => bin !== MESHWORK_BIN && pkg.name.endsWith('-server'));

/** Every `path: value` in a manifest whose value is still a `workspace:` or `catalog:` range. */
function unresolvedRanges(value: unknown, path = ''): string[] {
  if (typeof value === 'string') return /^(workspace|catalog):/.test(value) ? [`${path}: ${value}`] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, child]) =>
    unresolvedRanges(child, path ? `${path}.${key}` : key),
  );
}

describe('the published packages, installed from their tarballs', () => {
  let scratch: TempDir;
  let projectDir: string;
  let packed: PackedTarball[] = [];
  let install: InstallResult;
  let storeDir: string | undefined;

  beforeAll(async () => {
    scratch = await createTempDir('meshwork-publish-');
    const tarballs = join(scratch.path, 'tarballs');
    projectDir = join(scratch.path, 'project');
    await mkdir(tarballs);
    await mkdir(projectDir);
    const pnpm = await findPnpm(ROOT);
    storeDir = await findStoreDir(pnpm, ROOT);
    packed = await packPackages(pnpm, ROOT, PACKAGES, tarballs);
    install = await installTarballs({
      pnpm,
      workspaceRoot: ROOT,
      tarballs: packed,
      projectDir,
      scratchDir: scratch.path,
      storeDir,
    });
  }, 120_000);

  afterAll(async () => {
    if (storeDir) await forgetProject(storeDir, projectDir);
    await scratch?.remove();
  });

  it('finds the publishable packages in the workspace, and their bins', () => {
    const names = PACKAGES.map((pkg) => pkg.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '@meshwork/kit',
        '@meshwork/permissions',
        '@meshwork/filesystem-server',
        '@meshwork/memory-server',
        '@meshwork/shell-server',
      ]),
    );
    expect(names).not.toContain('@meshwork/testkit');
    expect(names).not.toContain('@meshwork/system-tests');
    expect(SERVER_BINS.map(({ bin }) => bin)).toEqual(
      expect.arrayContaining(['meshwork-fs', 'meshwork-memory', 'meshwork-shell']),
    );
    expect(BINS.map(({ bin }) => bin)).toContain(MESHWORK_BIN);
  });

  it('packs every one of them, with real versions for workspace: and catalog: ranges', async () => {
    expect(packed.map((tarball) => tarball.name).sort()).toEqual(PACKAGES.map((pkg) => pkg.name).sort());
    for (const tarball of packed) {
      const { stdout } = await run('tar', ['-xzOf', tarball.tarball, 'package/package.json']);
      const manifest = JSON.parse(stdout) as Record<string, unknown>;
      expect(manifest.name).toBe(tarball.name);
      expect(manifest.version).toBe(PACKAGES.find((pkg) => pkg.name === tarball.name)?.version);
      expect(unresolvedRanges(manifest), `${tarball.name} ships unresolved ranges`).toEqual([]);
    }
  });

  it('installs them without the network: third-party files all came from the local pnpm store', () => {
    // Packuments were asked for (so resolution really went through the loopback registry), and
    // not one tarball: everything else was on this machine already.
    expect(install.registryRequests.length).toBeGreaterThan(0);
    expect(install.tarballRequests).toEqual([]);
    expect(install.unknownPackages).toEqual([]);
  });

  it('loads the native better-sqlite3 in the installed copy of every package that depends on it', async () => {
    const users: string[] = [];
    for (const pkg of PACKAGES) {
      const installed = join(projectDir, 'node_modules', pkg.name, 'package.json');
      const manifest = JSON.parse(await readFile(installed, 'utf8')) as {
        dependencies?: Record<string, string>;
      };
      if (!manifest.dependencies?.['better-sqlite3']) continue;
      users.push(pkg.name);
      const script =
        "const Database = require('node:module').createRequire(process.argv[1])('better-sqlite3');" +
        "process.stdout.write(String(new Database(':memory:').prepare('select 6 * 7 as n').get().n));";
      const { stdout } = await run(process.execPath, ['-e', script, installed], { cwd: projectDir });
      expect(stdout, pkg.name).toBe('42');
    }
    expect(users).toContain('@meshwork/memory-server');
  });

  for (const { bin, pkg } of BINS.filter((entry) => entry.bin !== MESHWORK_BIN)) {
    it(`${bin} --version prints ${pkg.version}`, async () => {
      const output = await runInstalledBin(projectDir, bin, ['--version'], scratch.path);
      expect(output.code, output.stderr).toBe(0);
      expect(`${output.stdout}${output.stderr}`.trim().split('\n')).toContain(pkg.version);
    });
  }

  for (const { bin, pkg } of SERVER_BINS) {
    it(`${bin} answers an MCP initialize and tools/list over stdio`, async () => {
      const dir = await createTempDir(`meshwork-publish-${bin}-`);
      const start = SERVER_STARTS[bin];
      const server = await connectInstalledBin(projectDir, bin, start?.args(dir.path) ?? [], dir.path);
      try {
        expect(server.client.getServerVersion()?.version).toBe(pkg.version);
        const { tools } = await server.client.listTools();
        expect(tools.length, server.stderr()).toBeGreaterThan(0);
        if (start) expect(tools.map((tool) => tool.name)).toContain(start.tool);
      } finally {
        await server.close();
        await dir.remove();
      }
    });
  }

  describe.runIf(BINS.some(({ bin }) => bin === MESHWORK_BIN))(MESHWORK_BIN, () => {
    const owner = BINS.find(({ bin }) => bin === MESHWORK_BIN)?.pkg;

    it(`--version prints ${owner?.version}`, async () => {
      const output = await runInstalledBin(projectDir, MESHWORK_BIN, ['--version'], scratch.path);
      expect(output.code, output.stderr).toBe(0);
      expect(`${output.stdout}${output.stderr}`.trim().split('\n')).toContain(owner?.version);
    });

    it('serves the mesh over stdio: initialize and tools/list in a minimal project', async () => {
      const dir = await createTempDir('meshwork-publish-serve-');
      await writeFile(join(dir.path, 'meshwork.json'), `${JSON.stringify({ mcpServers: {} }, null, 2)}\n`);
      const server = await connectInstalledBin(projectDir, MESHWORK_BIN, ['serve', '--no-worker'], dir.path);
      try {
        const { tools } = await server.client.listTools();
        expect(tools.map((tool) => tool.name)).toEqual(
          expect.arrayContaining(['delegate_task', 'list_agents']),
        );
      } finally {
        await server.close();
        await dir.remove();
      }
    });
  });
});
