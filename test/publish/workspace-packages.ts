import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';

/** A workspace package that `pnpm publish -r` would publish (no `"private": true`). */
export interface PublishablePackage {
  name: string;
  version: string;
  /** Absolute path of the package folder. */
  dir: string;
  /** Bin name → path inside the package, as the `bin` field declares it. */
  bins: Record<string, string>;
}

interface WorkspaceFile {
  packages?: string[];
  onlyBuiltDependencies?: string[];
}

function readWorkspaceFile(root: string): WorkspaceFile {
  return (parse(readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8')) ?? {}) as WorkspaceFile;
}

/**
 * Folders matched by one `packages:` entry of pnpm-workspace.yaml. Only the forms the workspace
 * uses are understood: a literal folder and `folder/*`; anything else throws, so a new pattern
 * is noticed here instead of silently covering fewer packages.
 */
function expandPattern(root: string, pattern: string): string[] {
  if (pattern.startsWith('!')) return [];
  if (!pattern.includes('*')) return [join(root, pattern)];
  if (!pattern.endsWith('/*') || pattern.slice(0, -2).includes('*')) {
    throw new Error(`pnpm-workspace.yaml pattern ${JSON.stringify(pattern)} is not understood by this test`);
  }
  const parent = join(root, pattern.slice(0, -2));
  if (!existsSync(parent)) return [];
  return readdirSync(parent, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(parent, entry.name));
}

function readBins(name: string, bin: unknown): Record<string, string> {
  if (bin === undefined) return {};
  // A string `bin` is linked under the package name without its scope.
  if (typeof bin === 'string') return { [basename(name)]: bin };
  return { ...(bin as Record<string, string>) };
}

/** Every publishable package of the workspace rooted at `root`, sorted by name. */
export function readPublishablePackages(root: string): PublishablePackage[] {
  const dirs = (readWorkspaceFile(root).packages ?? []).flatMap((pattern) => expandPattern(root, pattern));
  const found: PublishablePackage[] = [];
  for (const dir of dirs) {
    const manifestPath = join(dir, 'package.json');
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
      name: string;
      version: string;
      private?: boolean;
      bin?: unknown;
    };
    if (manifest.private === true) continue;
    found.push({
      name: manifest.name,
      version: manifest.version,
      dir,
      bins: readBins(manifest.name, manifest.bin),
    });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The workspace's `onlyBuiltDependencies`: the packages whose install scripts may run. */
export function readBuiltDependencies(root: string): string[] {
  return readWorkspaceFile(root).onlyBuiltDependencies ?? [];
}
