import { execFile } from 'node:child_process';
import { mkdir, readdir, readlink, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { startLockfileRegistry } from './lockfile-registry.js';
import { type PublishablePackage, readBuiltDependencies } from './workspace-packages.js';

const run = promisify(execFile);

/** A command line that runs pnpm 10. */
export interface PnpmCommand {
  file: string;
  args: string[];
}

/**
 * pnpm as the caller already runs it: under `pnpm test` (CI), `npm_execpath` is pnpm itself.
 * Otherwise the pnpm that `npx -y pnpm@10` runs (CONTRIBUTING: pnpm is not installed globally);
 * npx is asked once, from the workspace, where that pnpm lives, and the tarball installs below
 * never go through npx.
 */
export async function findPnpm(workspaceRoot: string): Promise<PnpmCommand> {
  const execPath = process.env.npm_execpath;
  if (execPath && /pnpm/.test(basename(execPath))) {
    return /\.(c|m)?js$/.test(execPath)
      ? { file: process.execPath, args: [execPath] }
      : { file: execPath, args: [] };
  }
  const { stdout } = await run(
    'npx',
    ['-y', '--prefer-offline', '-p', 'pnpm@10', 'sh', '-c', 'command -v pnpm'],
    {
      cwd: workspaceRoot,
    },
  );
  return { file: stdout.trim(), args: [] };
}

function pnpm(command: PnpmCommand, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
  return run(command.file, [...command.args, ...args], { ...options, maxBuffer: 64 * 1024 * 1024 });
}

/** One packed package: where its tarball is and the manifest that was packed into it. */
export interface PackedTarball {
  name: string;
  version: string;
  tarball: string;
}

/** Packs `packages` with pnpm (which rewrites `workspace:` and `catalog:` ranges) into `destination`. */
export async function packPackages(
  pnpmCommand: PnpmCommand,
  workspaceRoot: string,
  packages: PublishablePackage[],
  destination: string,
): Promise<PackedTarball[]> {
  const filters = packages.flatMap((pkg) => ['--filter', pkg.name]);
  const { stdout } = await pnpm(
    pnpmCommand,
    ['-r', ...filters, 'pack', '--json', '--pack-destination', destination],
    { cwd: workspaceRoot },
  );
  const reports = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
    name: string;
    version: string;
    filename: string;
  }>;
  return reports.map((report) => ({ name: report.name, version: report.version, tarball: report.filename }));
}

/** The pnpm store the workspace installed into; `store-dir` names its parent (pnpm adds `v10`). */
export async function findStoreDir(pnpmCommand: PnpmCommand, workspaceRoot: string): Promise<string> {
  const { stdout } = await pnpm(pnpmCommand, ['store', 'path'], { cwd: workspaceRoot });
  const path = stdout.trim();
  return /^v\d+$/.test(basename(path)) ? dirname(path) : path;
}

/** Options for {@link installTarballs}. */
export interface InstallTarballsOptions {
  pnpm: PnpmCommand;
  workspaceRoot: string;
  tarballs: PackedTarball[];
  /** An empty folder: the fresh project the tarballs are installed into. */
  projectDir: string;
  /** Scratch space for pnpm's cache and HOME, so nothing the machine cached is used. */
  scratchDir: string;
  storeDir: string;
}

/** What one install did. */
export interface InstallResult {
  output: string;
  /** Paths the loopback registry was asked for. */
  registryRequests: string[];
  tarballRequests: string[];
  unknownPackages: string[];
}

/**
 * Installs every tarball into `projectDir`, the way `npx <package>` would install one from the
 * registry, without the network: our packages come from their tarballs (an override maps each
 * `@meshwork/*` dependency to its tarball, since they are not published yet), third-party packages
 * from the workspace's pnpm store, resolved through a loopback registry built from the workspace
 * lockfile. Every other host is behind an unreachable proxy, and pnpm's cache is a fresh folder.
 */
export async function installTarballs(options: InstallTarballsOptions): Promise<InstallResult> {
  const byName = Object.fromEntries(
    options.tarballs.map((packed) => [packed.name, `file:${packed.tarball}`]),
  );
  await writeFile(
    join(options.projectDir, 'package.json'),
    `${JSON.stringify({ name: 'meshwork-publish-check', private: true, dependencies: byName }, null, 2)}\n`,
  );
  await writeFile(
    join(options.projectDir, 'pnpm-workspace.yaml'),
    stringify({ overrides: byName, onlyBuiltDependencies: readBuiltDependencies(options.workspaceRoot) }),
  );
  const home = join(options.scratchDir, 'home');
  const cache = join(options.scratchDir, 'pnpm-cache');
  await mkdir(home, { recursive: true });
  const registry = await startLockfileRegistry(join(options.workspaceRoot, 'pnpm-lock.yaml'));
  const unreachable = 'http://127.0.0.1:9';
  try {
    const { stdout, stderr } = await pnpm(
      options.pnpm,
      [
        'install',
        `--registry=${registry.url}/`,
        `--store-dir=${options.storeDir}`,
        `--cache-dir=${cache}`,
        '--config.update-notifier=false',
        '--config.side-effects-cache=true',
        '--config.fetch-retries=0',
        // Each package sees only what it declares, so a missing dependency fails here, not for users.
        '--config.hoist=false',
        '--reporter=append-only',
      ],
      {
        cwd: options.projectDir,
        // Nothing of the caller's npm or pnpm configuration leaks in: a fresh HOME, no npm_config_*.
        env: {
          PATH: process.env.PATH,
          HOME: home,
          XDG_CONFIG_HOME: join(home, '.config'),
          XDG_CACHE_HOME: join(home, '.cache'),
          XDG_DATA_HOME: join(home, '.local', 'share'),
          HTTP_PROXY: unreachable,
          HTTPS_PROXY: unreachable,
          http_proxy: unreachable,
          https_proxy: unreachable,
          NO_PROXY: '127.0.0.1',
          no_proxy: '127.0.0.1',
          CI: 'true',
        },
      },
    );
    return {
      output: `${stdout}${stderr}`,
      registryRequests: [...registry.requests],
      tarballRequests: [...registry.tarballRequests],
      unknownPackages: [...registry.unknownPackages],
    };
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    const refused = registry.tarballRequests.slice(0, 5).join(', ');
    throw new Error(
      `pnpm install of the tarballs failed${refused ? ` (asked the registry for tarballs: ${refused})` : ''}:\n` +
        `${stdout}${stderr}`.trim().split('\n').slice(-30).join('\n'),
      { cause: error },
    );
  } finally {
    await registry.close();
  }
}

/**
 * Removes the link pnpm left in the store's `projects/` folder for `projectDir` (pnpm records every
 * project that uses a store), so runs of this test leave no dangling links in the user's store.
 */
export async function forgetProject(storeDir: string, projectDir: string): Promise<void> {
  const versions = (await readdir(storeDir).catch(() => [])).filter((name) => /^v\d+$/.test(name));
  for (const version of versions) {
    const projects = join(storeDir, version, 'projects');
    for (const name of await readdir(projects).catch(() => [])) {
      const link = join(projects, name);
      const target = await readlink(link).catch(() => undefined);
      if (target !== undefined && resolve(projects, target) === projectDir) await unlink(link);
    }
  }
}
