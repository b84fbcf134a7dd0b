import { lstatSync, realpathSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import { explainSystemError, FilesystemError, isSystemError } from '../errors.js';
import type { DenyMatcher } from './deny.js';
import { createKeyedLock, type KeyedLock } from './keyed-lock.js';
import { checkRequestedPath, isWithin, relativeTo, truncate } from './lexical.js';
import type { Root } from './roots.js';

/** Default cap on a file read whole: 10 MiB. */
export const DEFAULT_MAX_READ_BYTES = 10 * 1024 * 1024;

/** A path the confinement accepted, with symlinks in its existing part resolved. */
export interface ResolvedPath {
  /** The path as the client named it, normalized. Shown back in messages. */
  requested: string;
  /** Real path: symlink-free for the part that exists, with the missing tail appended. */
  real: string;
  /** The root that contains {@link real}. */
  root: Root;
  /** {@link real} relative to the root, `/`-separated; `''` for the root itself. */
  relative: string;
  /** Whether something exists at {@link real}. */
  exists: boolean;
}

/** A path whose last component is not followed: the entry itself (file, directory or link). */
export interface ResolvedEntry extends ResolvedPath {
  /** Real path of the parent directory, which exists. */
  parentReal: string;
  /** lstat of the entry, when it exists. */
  stats: Stats | undefined;
}

/** Construction options for {@link PathConfinement}. */
export interface PathConfinementOptions {
  roots: readonly Root[];
  deny: DenyMatcher;
  /** Largest file read whole (text, media, edits); defaults to {@link DEFAULT_MAX_READ_BYTES}. */
  maxReadBytes?: number;
}

/**
 * The boundary every tool goes through. Built once per process from the operator's roots and
 * deny globs; a connection whose client sent MCP roots gets a narrowed copy from
 * {@link PathConfinement.withRoots} that shares the deny globs and the per-file write lock.
 *
 * Invariants: every path handed to I/O is real (symlink-free) and inside a root, and neither it
 * nor an ancestor below its root is denied. Opens use O_NOFOLLOW and re-check the opened file
 * descriptor, so a symlink swapped in after resolution is refused instead of followed.
 */
export class PathConfinement {
  readonly roots: readonly Root[];
  readonly deny: DenyMatcher;
  readonly maxReadBytes: number;
  /** Per-real-path lock shared by every copy, so concurrent writes to one file serialize. */
  readonly writeLock: KeyedLock;

  constructor(options: PathConfinementOptions, writeLock: KeyedLock = createKeyedLock()) {
    if (options.roots.length === 0)
      throw new FilesystemError('E_NO_ROOTS', 'The path confinement needs at least one root.');
    this.roots = options.roots;
    this.deny = options.deny;
    this.maxReadBytes = options.maxReadBytes ?? DEFAULT_MAX_READ_BYTES;
    this.writeLock = writeLock;
  }

  /** A copy limited to `roots` (already intersected with these roots by the caller). */
  withRoots(roots: readonly Root[]): PathConfinement {
    return new PathConfinement({ roots, deny: this.deny, maxReadBytes: this.maxReadBytes }, this.writeLock);
  }

  /** The roots as shown to clients: real paths. */
  get rootPaths(): string[] {
    return this.roots.map((root) => root.path);
  }

  /** The root containing the real path `real`, or undefined. Prefers the deepest root. */
  rootOf(real: string): Root | undefined {
    let best: Root | undefined;
    for (const root of this.roots) {
      if (isWithin(real, root.path) && (!best || root.path.length > best.path.length)) best = root;
    }
    return best;
  }

  /** True when a real path inside `root` is denied (itself or an ancestor below the root). */
  isDenied(real: string, root: Root): boolean {
    return this.deny.isDenied(relativeTo(real, root.path), real);
  }

  /**
   * Resolves a client path, following symlinks. The target may be missing (for example a file
   * about to be created); its deepest existing ancestor is then resolved instead. Refuses paths
   * outside the roots, denied paths, symlinks that lead outside, and dangling symlinks.
   */
  async resolve(raw: string): Promise<ResolvedPath> {
    const { requested, candidate } = this.locate(raw);
    let real: string;
    let exists = true;
    try {
      real = realpathSync.native(candidate);
    } catch (error) {
      if (!isSystemError(error, 'ENOENT')) throw this.explain(error, requested);
      real = this.resolveMissing(candidate, requested);
      exists = false;
    }
    return { requested, ...this.admit(real, requested), exists };
  }

  /**
   * Resolves a client path without following its last component, for operations on the entry
   * itself (write, move, create). The parent must exist. `stats` is the entry's lstat.
   */
  async resolveEntry(raw: string): Promise<ResolvedEntry> {
    const { requested, candidate, root } = this.locate(raw);
    if (candidate === root.path) {
      throw new FilesystemError('E_ROOT', `${requested} is an allowed root itself; name an entry inside it.`);
    }
    let parentReal: string;
    try {
      parentReal = realpathSync.native(path.dirname(candidate));
    } catch (error) {
      if (isSystemError(error, 'ENOENT')) {
        this.resolveMissing(path.dirname(candidate), requested);
        throw new FilesystemError(
          'E_PARENT_MISSING',
          `The parent directory of ${requested} does not exist. Create it first with create_directory.`,
        );
      }
      throw this.explain(error, requested);
    }
    const real = path.join(parentReal, path.basename(candidate));
    const admitted = this.admit(real, requested);
    let stats: Stats | undefined;
    try {
      stats = lstatSync(real);
    } catch (error) {
      if (!isSystemError(error, 'ENOENT')) throw this.explain(error, requested);
    }
    return { requested, ...admitted, exists: stats !== undefined, parentReal, stats };
  }

  /** Checks that a real path met during a walk or after an operation is inside and allowed. */
  admitReal(real: string, displayPath: string): { root: Root; relative: string } {
    return this.admit(real, displayPath);
  }

  /** Lexical checks, then maps the path onto the root that contains it (aliases included). */
  private locate(raw: string): { requested: string; candidate: string; root: Root } {
    const requested = checkRequestedPath(raw, this.rootPaths);
    let match: { root: Root; base: string } | undefined;
    for (const root of this.roots) {
      for (const base of root.alias ? [root.path, root.alias] : [root.path]) {
        if (isWithin(requested, base) && (!match || base.length > match.base.length)) match = { root, base };
      }
    }
    if (!match) {
      throw new FilesystemError(
        'E_OUTSIDE_ROOTS',
        `Access denied: ${truncate(requested)} is outside the allowed directories (${this.rootPaths.join(', ')}). Use list_allowed_directories.`,
      );
    }
    const tail = relativeTo(requested, match.base);
    const candidate = tail ? path.join(match.root.path, tail) : match.root.path;
    if (this.isDenied(candidate, match.root)) throw this.deniedError(requested);
    return { requested, candidate, root: match.root };
  }

  /** The containment and deny checks on a real path. */
  private admit(real: string, requested: string): { real: string; root: Root; relative: string } {
    const root = this.rootOf(real);
    if (!root) {
      throw new FilesystemError(
        'E_SYMLINK_ESCAPE',
        `Access denied: ${truncate(requested)} resolves through a symbolic link to ${truncate(real)}, outside the allowed directories.`,
      );
    }
    if (this.isDenied(real, root)) throw this.deniedError(requested);
    return { real, root, relative: relativeTo(real, root.path) };
  }

  /**
   * For a path that does not exist: refuses a dangling symlink anywhere on it, and resolves the
   * deepest existing ancestor so the returned real path reflects any symlinked parent.
   */
  private resolveMissing(candidate: string, requested: string): string {
    let missingTail = '';
    let cursor = candidate;
    for (;;) {
      let exists = false;
      try {
        lstatSync(cursor);
        exists = true;
      } catch (error) {
        if (!isSystemError(error, 'ENOENT')) throw this.explain(error, requested);
      }
      if (exists) {
        let real: string;
        try {
          // Follows a live symlink (the caller checks where it leads); fails on a dangling one.
          real = realpathSync.native(cursor);
        } catch (error) {
          if (!isSystemError(error, 'ENOENT')) throw this.explain(error, requested);
          throw new FilesystemError(
            'E_DANGLING_SYMLINK',
            `Refused: ${truncate(requested)} goes through a symbolic link whose target does not exist; it could point anywhere once created.`,
          );
        }
        return missingTail ? path.join(real, missingTail) : real;
      }
      const parent = path.dirname(cursor);
      if (parent === cursor) throw new FilesystemError('E_NOT_FOUND', `${requested} does not exist.`);
      missingTail = missingTail ? path.join(path.basename(cursor), missingTail) : path.basename(cursor);
      cursor = parent;
    }
  }

  private deniedError(requested: string): FilesystemError {
    return new FilesystemError(
      'E_DENIED',
      `Access denied: ${truncate(requested)} matches a --deny rule of this server (${this.deny.patterns.join(', ')}).`,
    );
  }

  private explain(error: unknown, requested: string): unknown {
    return explainSystemError(error, requested);
  }
}
