import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { isServerKind, SERVER_KIND_CONTRACTS, type ServerKind } from '@meshwork/permissions';

/**
 * The bin of an installed server package, through its package.json `bin` field (each server
 * exports `./package.json`), so an entry that runs it works wherever this CLI was installed from.
 */
export function serverBin(packageName: string): string {
  const require = createRequire(import.meta.url);
  const manifestPath = require.resolve(`${packageName}/package.json`);
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    bin?: string | Record<string, string>;
  };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : Object.values(manifest.bin ?? {})[0];
  if (bin === undefined) throw new Error(`${packageName} declares no bin in ${manifestPath}`);
  return resolve(dirname(manifestPath), bin);
}

/** The bin of the server package behind a meshwork server kind. */
export function serverBinOfKind(kind: ServerKind): string {
  return serverBin(SERVER_KIND_CONTRACTS[kind].packageName);
}

/**
 * A meshwork.json `mcpServers` block whose meshwork servers (an entry with a `kind`, run with
 * `node <script> …`) run the installed server package's bin instead of the script path written
 * in the file, so a copy of a project keeps working away from where it was written. Other
 * entries are kept as they are.
 */
export function withInstalledServerBins(mcpServers: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(mcpServers).map(([name, value]) => {
      const entry = value as { kind?: unknown; command?: unknown; args?: unknown };
      if (!isServerKind(entry.kind) || entry.command !== 'node' || !Array.isArray(entry.args))
        return [name, value];
      return [name, { ...entry, args: [serverBinOfKind(entry.kind), ...entry.args.slice(1)] }];
    }),
  );
}
