import { readFileSync } from 'node:fs';

/**
 * The `version` field of the package.json at `packageJsonUrl` (pass
 * `new URL('../package.json', import.meta.url)` from a bin in `dist/`). Falls back to `0.0.0`
 * when the file is missing or has no version, so `--version` and server info never crash a bin.
 */
export function readPackageVersion(packageJsonUrl: URL): string {
  try {
    const manifest = JSON.parse(readFileSync(packageJsonUrl, 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
