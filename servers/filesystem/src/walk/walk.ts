import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import * as path from 'node:path';
import { relativeTo } from '../confinement/lexical.js';
import type { PathConfinement } from '../confinement/path-confinement.js';
import type { Root } from '../confinement/roots.js';
import { type IgnoreLevel, isIgnored, loadIgnoreLevel } from './gitignore.js';

/** What a walk yields. */
export interface WalkEntry {
  name: string;
  /** Real absolute path. */
  real: string;
  /** Path relative to the walk's start, `/`-separated. */
  relative: string;
  kind: 'file' | 'directory' | 'symlink' | 'other';
  /** 1 for the start directory's children. */
  depth: number;
}

/** Options for {@link walk}. */
export interface WalkOptions {
  confinement: PathConfinement;
  root: Root;
  /** Real path of the directory to walk (already admitted by the confinement). */
  start: string;
  /**
   * Resume position: path segments relative to `start`. Entries before it in walk order are
   * skipped; the entry itself is yielded only when `inclusive`.
   */
  resumeFrom?: { segments: readonly string[]; inclusive: boolean };
  /** Apply .gitignore files (from the root down) and skip `.git` directories. */
  gitignore?: boolean;
  /** Do not descend into (or yield) a directory when this returns true. */
  pruneDirectory?: (relative: string, name: string) => boolean;
  /** Deepest level yielded; children of entries at this depth are not read. */
  maxDepth?: number;
  signal?: AbortSignal;
}

interface Frame {
  real: string;
  relative: string;
  depth: number;
  entries: Dirent[];
  index: number;
  /** True while this directory lies on the resume path; its entries are compared against it. */
  onResumePath: boolean;
  ignoreLevel: IgnoreLevel | undefined;
}

/**
 * Walks a directory depth-first in a stable order: at each level entries are sorted by name
 * (UTF-16 code units), and a directory's contents follow it. The order is what makes cursors
 * work: a position is a path, and everything before it can be skipped without reading files.
 * Symlinks are yielded but never followed; denied entries are neither yielded nor entered.
 */
export async function* walk(options: WalkOptions): AsyncGenerator<WalkEntry> {
  const { confinement, root, start } = options;
  const levels: IgnoreLevel[] = [];
  if (options.gitignore) {
    // .gitignore files above the start (up to the root) apply too, as in git.
    for (const directory of ancestorsFromRoot(root.path, start)) {
      const level = await loadIgnoreLevel(directory);
      if (level) levels.push(level);
    }
  }
  const resume = options.resumeFrom;
  const stack: Frame[] = [];
  const pushDirectory = async (
    real: string,
    relative: string,
    depth: number,
    onResumePath: boolean,
  ): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(real, { withFileTypes: true });
    } catch {
      return; // vanished or unreadable directories are skipped, not fatal
    }
    entries.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
    let ignoreLevel: IgnoreLevel | undefined;
    if (options.gitignore && entries.some((entry) => entry.name === '.gitignore')) {
      ignoreLevel = await loadIgnoreLevel(real);
      if (ignoreLevel) levels.push(ignoreLevel);
    }
    stack.push({ real, relative, depth, entries, index: 0, onResumePath, ignoreLevel });
  };

  await pushDirectory(start, '', 0, resume !== undefined && resume.segments.length > 0);
  while (stack.length > 0) {
    if (options.signal?.aborted) return;
    const frame = stack[stack.length - 1]!;
    const entry = frame.entries[frame.index];
    if (!entry) {
      stack.pop();
      if (frame.ignoreLevel) levels.splice(levels.lastIndexOf(frame.ignoreLevel), 1);
      continue;
    }
    frame.index += 1;
    const name = entry.name;
    let yieldIt = true;
    let descendOnPath = false;
    if (frame.onResumePath && resume) {
      const target = resume.segments[frame.depth]!;
      if (name < target) continue;
      if (name === target) {
        const isLast = frame.depth === resume.segments.length - 1;
        yieldIt = isLast && resume.inclusive;
        descendOnPath = !isLast;
      }
      // Past the target, this directory is off the resume path.
      if (name > target) frame.onResumePath = false;
    }
    const real = frame.real === '/' ? `/${name}` : `${frame.real}/${name}`;
    const relative = frame.relative ? `${frame.relative}/${name}` : name;
    if (confinement.deny.matchesEntry(relativeTo(real, root.path), real)) continue;
    const kind: WalkEntry['kind'] = entry.isDirectory()
      ? 'directory'
      : entry.isFile()
        ? 'file'
        : entry.isSymbolicLink()
          ? 'symlink'
          : 'other';
    if (options.gitignore) {
      if (kind === 'directory' && name === '.git') continue;
      if (levels.length > 0 && isIgnored(levels, real, kind === 'directory')) continue;
    }
    const depth = frame.depth + 1;
    if (kind === 'directory' && options.pruneDirectory?.(relative, name)) continue;
    if (yieldIt) yield { name, real, relative, kind, depth };
    if (kind === 'directory' && (options.maxDepth === undefined || depth < options.maxDepth)) {
      await pushDirectory(real, relative, depth, descendOnPath);
    }
  }
}

/** The directories from `rootPath` down to the parent of `start` (both real). */
function ancestorsFromRoot(rootPath: string, start: string): string[] {
  const relative = relativeTo(start, rootPath);
  if (!relative) return [];
  const parts = relative.split('/');
  const result = [rootPath];
  for (let index = 0; index < parts.length - 1; index += 1) {
    result.push(path.join(rootPath, ...parts.slice(0, index + 1)));
  }
  return result;
}
