import { randomBytes } from 'node:crypto';
import { closeSync, constants, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { assertContainedDirectory, openContained } from './contained-file.js';
import type { MemoryPaths } from './paths.js';

/** Prefix of temporary files; anything starting with it is a leftover of a killed writer. */
export const TEMP_MARKER = '.tmp-';

/**
 * Replaces `path` with `data` so a reader (or a crash) sees either the old file or the new one,
 * never a mix: write a temp file in the same folder, fsync it, rename it over the target, fsync
 * the folder so the rename itself is durable. `path` must lie in the memory directory: the temp file
 * is created exclusively without following links and checked to be really inside, and the folders
 * on the way are checked again just before the rename (which never follows the last component).
 */
export function writeFileAtomic(paths: MemoryPaths, path: string, data: string | Buffer): void {
  const directory = dirname(path);
  const temp = join(
    directory,
    `.${basename(path)}${TEMP_MARKER}${process.pid}-${randomBytes(4).toString('hex')}`,
  );
  const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const { fd } = openContained(paths, temp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL);
  try {
    let written = 0;
    while (written < buffer.length) written += writeSync(fd, buffer, written, buffer.length - written);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    unlinkQuietly(temp);
    throw error;
  }
  closeSync(fd);
  try {
    assertContainedDirectory(paths, directory);
    renameSync(temp, path);
  } catch (error) {
    unlinkQuietly(temp);
    throw error;
  }
  fsyncDirectory(directory);
}

/** Makes a rename or unlink in `directory` durable. Best effort: some filesystems refuse it. */
export function fsyncDirectory(directory: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(directory, 'r');
    fsyncSync(fd);
  } catch {
    // Directories cannot be fsynced everywhere (for example on some network filesystems).
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Removes a file, ignoring "not there". */
export function unlinkQuietly(path: string): boolean {
  try {
    unlinkSync(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}
