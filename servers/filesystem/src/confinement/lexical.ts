import * as path from 'node:path';
import { FilesystemError } from '../errors.js';

/** Longest accepted path in bytes (Linux PATH_MAX). */
export const MAX_PATH_BYTES = 4096;
/** Longest accepted path component in bytes (NAME_MAX). */
export const MAX_COMPONENT_BYTES = 255;

/**
 * Checks a path exactly as a client sent it and returns it normalized. Refuses, before any I/O:
 * empty paths, null bytes, `~` (never expanded: the shell did not run), relative paths (they
 * would be resolved against a guessed base), any `..` segment (lexical `..` disagrees with the
 * kernel once a symlink is involved, so we never collapse it), Windows drive paths, and paths
 * over PATH_MAX or with a component over NAME_MAX.
 */
export function checkRequestedPath(raw: string, roots: readonly string[]): string {
  const hint = `Give an absolute path inside one of: ${roots.join(', ')}.`;
  if (typeof raw !== 'string' || raw.length === 0) {
    throw new FilesystemError('E_INVALID_PATH', `The path is empty. ${hint}`);
  }
  if (raw.includes('\0')) {
    throw new FilesystemError(
      'E_INVALID_PATH',
      `The path contains a null byte, which no real file name has. ${hint}`,
    );
  }
  if (Buffer.byteLength(raw) > MAX_PATH_BYTES) {
    throw new FilesystemError('E_PATH_TOO_LONG', `The path is longer than ${MAX_PATH_BYTES} bytes. ${hint}`);
  }
  if (raw.startsWith('~')) {
    throw new FilesystemError(
      'E_INVALID_PATH',
      `"~" is not expanded by this server: ${truncate(raw)}. ${hint}`,
    );
  }
  if (/^[A-Za-z]:([\\/]|$)/.test(raw) || raw.startsWith('\\\\')) {
    throw new FilesystemError(
      'E_INVALID_PATH',
      `Windows-style path on a POSIX host: ${truncate(raw)}. ${hint}`,
    );
  }
  if (!path.isAbsolute(raw)) {
    throw new FilesystemError('E_RELATIVE_PATH', `Relative paths are refused: ${truncate(raw)}. ${hint}`);
  }
  const segments = raw.split('/');
  if (segments.includes('..')) {
    throw new FilesystemError(
      'E_INVALID_PATH',
      `Paths with ".." segments are refused: ${truncate(raw)}. ${hint}`,
    );
  }
  for (const segment of segments) {
    if (Buffer.byteLength(segment) > MAX_COMPONENT_BYTES) {
      throw new FilesystemError(
        'E_PATH_TOO_LONG',
        `A component of the path is longer than ${MAX_COMPONENT_BYTES} bytes: ${truncate(segment)}.`,
      );
    }
  }
  return path.resolve(raw);
}

/** True when `candidate` is `parent` or lies below it; both absolute and normalized. */
export function isWithin(candidate: string, parent: string): boolean {
  if (candidate === parent) return true;
  if (parent === '/') return candidate.startsWith('/');
  return candidate.startsWith(`${parent}/`);
}

/** Path of `candidate` relative to `parent` with `/` separators; `''` for the parent itself. */
export function relativeTo(candidate: string, parent: string): string {
  if (candidate === parent) return '';
  return parent === '/' ? candidate.slice(1) : candidate.slice(parent.length + 1);
}

/** Shortens long strings in messages so a 5,000-byte path does not flood the model. */
export function truncate(text: string, max = 200): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length} chars)`;
}
