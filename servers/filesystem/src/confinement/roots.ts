import { realpath, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FilesystemError } from '../errors.js';
import { isWithin } from './lexical.js';

/** One allowed directory. `path` is the real (symlink-free) path every check uses. */
export interface Root {
  /** Real absolute path, no trailing slash. */
  path: string;
  /** How the operator spelled it, when that differs (for example /tmp when /tmp is a symlink). */
  alias?: string;
}

/** Result of {@link resolveOperatorRoots}. */
export interface ResolvedRoots {
  roots: Root[];
  /** One line per argument that was skipped and why. */
  warnings: string[];
}

/**
 * Resolves the operator's root arguments (relative to `cwd`, with `~` expanded, as a shell
 * would) to real directories. Arguments that do not exist or are not directories are skipped
 * with a warning, like the reference server; it is an error when none is left.
 */
export async function resolveOperatorRoots(
  argumentsList: readonly string[],
  cwd = process.cwd(),
): Promise<ResolvedRoots> {
  if (argumentsList.length === 0) {
    throw new FilesystemError(
      'E_NO_ROOTS',
      'Give at least one directory to serve: meshwork-fs [flags] <root>...',
    );
  }
  const warnings: string[] = [];
  const roots: Root[] = [];
  for (const argument of argumentsList) {
    const expanded =
      argument === '~' || argument.startsWith('~/') ? path.join(os.homedir(), argument.slice(1)) : argument;
    const absolute = path.resolve(cwd, expanded);
    try {
      const real = await realpath(absolute);
      if (!(await stat(real)).isDirectory()) {
        warnings.push(`Skipping ${argument}: not a directory.`);
        continue;
      }
      roots.push(real === absolute ? { path: real } : { path: real, alias: absolute });
    } catch (error) {
      warnings.push(`Skipping ${argument}: ${(error as Error).message}.`);
    }
  }
  if (roots.length === 0) {
    throw new FilesystemError(
      'E_NO_ROOTS',
      `None of the given directories is accessible. ${warnings.join(' ')}`,
    );
  }
  return { roots: dedupeRoots(roots), warnings };
}

/**
 * Drops roots contained in another root, so each real path has exactly one owning root; keeps
 * the outer one. Order is otherwise preserved.
 */
export function dedupeRoots(roots: readonly Root[]): Root[] {
  const kept: Root[] = [];
  for (const root of roots) {
    if (roots.some((other) => other !== root && other.path !== root.path && isWithin(root.path, other.path)))
      continue;
    if (kept.some((other) => other.path === root.path)) continue;
    kept.push(root);
  }
  return kept;
}

/**
 * Intersects the operator's roots with the real paths of a client's roots. A client root inside
 * an operator root narrows to that client root; an operator root inside a client root stays as
 * it is; anything else is dropped. The result is never wider than `operatorRoots`.
 */
export function narrowRoots(operatorRoots: readonly Root[], clientRealPaths: readonly string[]): Root[] {
  const narrowed: Root[] = [];
  for (const client of clientRealPaths) {
    for (const operator of operatorRoots) {
      if (isWithin(client, operator.path)) narrowed.push({ path: client });
      else if (isWithin(operator.path, client)) narrowed.push(operator);
    }
  }
  return dedupeRoots(narrowed);
}

/**
 * Turns client root URIs into real directory paths; anything that is not a `file:` URI of an
 * existing directory is skipped and reported.
 */
export async function resolveClientRoots(
  uris: readonly string[],
): Promise<{ paths: string[]; skipped: string[] }> {
  const paths: string[] = [];
  const skipped: string[] = [];
  for (const uri of uris) {
    try {
      if (!uri.startsWith('file:')) throw new Error('not a file: URI');
      const real = await realpath(fileURLToPath(uri));
      if (!(await stat(real)).isDirectory()) throw new Error('not a directory');
      paths.push(real);
    } catch (error) {
      skipped.push(`${uri} (${(error as Error).message})`);
    }
  }
  return { paths, skipped };
}
