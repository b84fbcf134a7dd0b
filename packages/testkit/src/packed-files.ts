import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/** What a published meshwork package may ship: built code, its declarations, README, LICENSE, package.json. */
export const PUBLISHABLE_PATH = /^(?:dist\/.+\.(?:js|d\.ts)|README\.md|LICENSE|package\.json)$/;

/** True when `path` (relative to the package root) may be in a published tarball. */
export function isPublishablePath(path: string): boolean {
  return PUBLISHABLE_PATH.test(path);
}

/** The name and the sorted file list `npm pack` would publish for the package in `packageDir`. */
export interface PackedPackage {
  name: string;
  files: string[];
}

/**
 * Asks `npm pack --dry-run --json` what the package in `packageDir` would publish. This reads the
 * `files` allowlist exactly as a real publish does, so a missing line there shows up here.
 */
export async function listPackedFiles(packageDir: string): Promise<PackedPackage> {
  const { stdout } = await promisify(execFile)('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: packageDir,
    maxBuffer: 16 * 1024 * 1024,
    env: {
      ...process.env,
      npm_config_loglevel: 'silent',
      npm_config_audit: 'false',
      npm_config_fund: 'false',
    },
  });
  // npm may print warnings before the JSON array on some versions.
  const [report] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{
    name: string;
    files: Array<{ path: string }>;
  }>;
  if (!report) throw new Error(`npm pack printed no report for ${packageDir}`);
  return { name: report.name, files: report.files.map((file) => file.path).sort() };
}
