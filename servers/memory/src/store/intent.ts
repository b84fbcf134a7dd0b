import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { MemoryError } from '../errors.js';
import { fsyncDirectory, unlinkQuietly, writeFileAtomic } from './atomic-write.js';
import { assertContainedDirectory, readContainedFile } from './contained-file.js';
import { isSlug, type MemoryPaths } from './paths.js';

/** One file of a multi-file write: new content, or `null` to delete it. */
export interface IntentOperation {
  /** Relative to the memory root: `MEMORY.md` or `topics/<slug>.md`. */
  path: string;
  content: string | null;
}

function isAllowedTarget(relative: string): boolean {
  if (relative === 'MEMORY.md') return true;
  const match = /^topics\/([^/]+)\.md$/.exec(relative);
  return match !== null && isSlug(match[1]);
}

/**
 * Writes several files as one step (a redo log). The intent is written atomically first, then
 * each file is replaced atomically, then the intent is removed. A writer killed half-way leaves
 * the intent behind and the next writer (or the next open) replays it, so a topic and its index
 * line never stay out of step. The caller must hold the write lock.
 */
export function applyIntent(paths: MemoryPaths, operations: readonly IntentOperation[]): void {
  for (const operation of operations) {
    if (!isAllowedTarget(operation.path)) {
      throw new MemoryError('E_INTERNAL', `Refusing to write outside the memory layout: ${operation.path}`);
    }
  }
  writeFileAtomic(paths, paths.intentFile, JSON.stringify({ version: 1, operations }));
  replay(paths, operations);
  unlinkQuietly(paths.intentFile);
  fsyncDirectory(paths.root);
}

/**
 * Replays an intent left by a writer that died half-way. Returns the files it touched. The caller
 * must hold the write lock. An intent that names a file outside the layout is discarded.
 */
export function recoverIntent(paths: MemoryPaths): string[] {
  if (!existsSync(paths.intentFile)) return [];
  let operations: IntentOperation[] = [];
  try {
    const parsed = JSON.parse(readContainedFile(paths, paths.intentFile)?.text ?? '{}') as {
      operations?: unknown;
    };
    if (Array.isArray(parsed.operations)) {
      operations = parsed.operations.filter(
        (operation): operation is IntentOperation =>
          typeof operation === 'object' &&
          operation !== null &&
          typeof (operation as IntentOperation).path === 'string' &&
          isAllowedTarget((operation as IntentOperation).path) &&
          (typeof (operation as IntentOperation).content === 'string' ||
            (operation as IntentOperation).content === null),
      );
    }
  } catch {
    // The intent is written atomically, so an unreadable one was planted or edited: ignore it.
    operations = [];
  }
  replay(paths, operations);
  unlinkQuietly(paths.intentFile);
  fsyncDirectory(paths.root);
  return operations.map((operation) => operation.path);
}

function replay(paths: MemoryPaths, operations: readonly IntentOperation[]): void {
  for (const operation of operations) {
    const target = join(paths.root, operation.path);
    if (operation.content === null) {
      // Unlinking a linked file removes only the link, but a linked folder would lead outside.
      assertContainedDirectory(paths, dirname(target));
      unlinkQuietly(target);
    } else writeFileAtomic(paths, target, operation.content);
  }
}
