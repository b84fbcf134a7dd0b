import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';

/**
 * A loopback npm registry that knows only what the workspace's pnpm-lock.yaml knows: for every
 * third-party package version in it, a packument with that version's dependencies (pinned to the
 * versions the lockfile resolved) and its integrity. It serves no tarballs: every tarball request
 * is answered 404 and recorded, so an install that succeeds took every file from the local pnpm
 * store, which `pnpm install --frozen-lockfile` of the workspace filled.
 *
 * pnpm needs packuments to resolve a project that has no lockfile of its own, and `--offline`
 * reads them only from pnpm's metadata cache, which a frozen install leaves empty.
 */
export interface LockfileRegistry {
  url: string;
  /** Every path requested, in order. */
  requests: string[];
  /** Requests for tarballs (always refused). */
  tarballRequests: string[];
  /** Packuments asked for that the lockfile does not have (answered 404). */
  unknownPackages: string[];
  close(): Promise<void>;
}

interface LockfilePackage {
  resolution?: { integrity?: string };
  engines?: Record<string, string>;
  cpu?: string[];
  os?: string[];
  libc?: string[];
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
  deprecated?: string;
}

interface LockfileSnapshot {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
}

interface Lockfile {
  packages?: Record<string, LockfilePackage>;
  snapshots?: Record<string, LockfileSnapshot>;
}

type VersionEntry = Record<string, unknown> & { version: string };

/** `name@version(peer@1)(peer@2)` → name and version; the name may be scoped. */
function splitKey(key: string): { name: string; version: string } {
  const bare = key.includes('(') ? key.slice(0, key.indexOf('(')) : key;
  const at = bare.lastIndexOf('@');
  return { name: bare.slice(0, at), version: bare.slice(at + 1) };
}

/** A snapshot's resolved dependency (`1.2.3(peer@1)`, `npm:other@1.2.3`) as a packument range. */
function toRange(resolved: string): string {
  return resolved.includes('(') ? resolved.slice(0, resolved.indexOf('(')) : resolved;
}

function pinned(dependencies: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!dependencies) return undefined;
  return Object.fromEntries(Object.entries(dependencies).map(([name, version]) => [name, toRange(version)]));
}

function compareVersions(a: string, b: string): number {
  const parts = (version: string) => version.split(/[.+-]/).map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let index = 0; index < Math.max(left.length, right.length); index += 1) {
    const difference = (left[index] ?? 0) - (right[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** Packuments by package name, built from the lockfile's `packages` and `snapshots`. */
function buildPackuments(lockfilePath: string, baseUrl: string): Map<string, Record<string, unknown>> {
  const lockfile = parse(readFileSync(lockfilePath, 'utf8')) as Lockfile;
  const versions = new Map<string, Map<string, VersionEntry>>();
  for (const [key, info] of Object.entries(lockfile.packages ?? {})) {
    const { name, version } = splitKey(key);
    const integrity = info.resolution?.integrity;
    if (!integrity) continue; // git, file: or directory resolutions are not registry packages.
    const tarballName = name.includes('/') ? name.slice(name.indexOf('/') + 1) : name;
    const entry: VersionEntry = {
      name,
      version,
      dist: { integrity, tarball: `${baseUrl}/${name}/-/${tarballName}-${version}.tgz` },
      engines: info.engines,
      cpu: info.cpu,
      os: info.os,
      libc: info.libc,
      peerDependencies: info.peerDependencies,
      peerDependenciesMeta: info.peerDependenciesMeta,
      deprecated: info.deprecated,
    };
    if (!versions.has(name)) versions.set(name, new Map());
    versions.get(name)?.set(version, entry);
  }
  for (const [key, snapshot] of Object.entries(lockfile.snapshots ?? {})) {
    const { name, version } = splitKey(key);
    const entry = versions.get(name)?.get(version);
    // Peer contexts of one version share its own dependencies; the first snapshot is enough.
    if (!entry || entry.dependencies || entry.optionalDependencies) continue;
    entry.dependencies = pinned(snapshot.dependencies);
    entry.optionalDependencies = pinned(snapshot.optionalDependencies);
  }
  const packuments = new Map<string, Record<string, unknown>>();
  for (const [name, byVersion] of versions) {
    const sorted = [...byVersion.keys()].sort(compareVersions);
    packuments.set(name, {
      name,
      'dist-tags': { latest: sorted[sorted.length - 1] },
      versions: Object.fromEntries(byVersion),
    });
  }
  return packuments;
}

/** Starts the registry on 127.0.0.1 with packuments from the lockfile at `lockfilePath`. */
export async function startLockfileRegistry(lockfilePath: string): Promise<LockfileRegistry> {
  const requests: string[] = [];
  const tarballRequests: string[] = [];
  const unknownPackages: string[] = [];
  let packuments = new Map<string, Record<string, unknown>>();
  const server = createServer((request, response) => {
    const path = decodeURIComponent(new URL(request.url ?? '/', 'http://registry').pathname);
    requests.push(path);
    if (path.includes('/-/')) {
      tarballRequests.push(path);
      response.writeHead(404).end();
      return;
    }
    const packument = packuments.get(path.slice(1));
    if (!packument) {
      unknownPackages.push(path.slice(1));
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"Not found"}');
      return;
    }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(packument));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  packuments = buildPackuments(lockfilePath, url);
  return {
    url,
    requests,
    tarballRequests,
    unknownPackages,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
