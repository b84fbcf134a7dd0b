import { ToolError } from '@meshwork/kit';

/** Every code `@meshwork/filesystem-server` raises; a refusal's text says what to do instead. */
export const FILESYSTEM_ERROR_CODES = [
  'E_BAD_ARGUMENTS',
  'E_BAD_CURSOR',
  'E_BAD_PATTERN',
  'E_BUSY',
  'E_CROSS_DEVICE',
  'E_DANGLING_SYMLINK',
  'E_DENIED',
  'E_EXISTS',
  'E_HARD_LINK',
  'E_INVALID_PATH',
  'E_IO',
  'E_IS_DIRECTORY',
  'E_NO_MATCH',
  'E_NO_ROOTS',
  'E_NO_SPACE',
  'E_NOT_DIRECTORY',
  'E_NOT_EMPTY',
  'E_NOT_FOUND',
  'E_NOT_REGULAR_FILE',
  'E_OUTSIDE_ROOTS',
  'E_PARENT_MISSING',
  'E_PATH_TOO_LONG',
  'E_PERMISSION',
  'E_READ_ONLY_FS',
  'E_RELATIVE_PATH',
  'E_ROOT',
  'E_STALE',
  'E_SYMLINK',
  'E_SYMLINK_ESCAPE',
  'E_SYMLINK_RACE',
  'E_SYMLINK_WRITE',
  'E_TOO_LARGE',
  'E_WOULD_BLOCK',
] as const;
/** One of {@link FILESYSTEM_ERROR_CODES}. */
export type FilesystemErrorCode = (typeof FILESYSTEM_ERROR_CODES)[number];

/**
 * The error of `@meshwork/filesystem-server`. It is a kit `ToolError`, so one thrown inside a tool
 * handler reaches the model as an `isError` result whose text says what was refused and what to
 * do instead; it is never a protocol fault.
 */
export class FilesystemError extends ToolError<FilesystemErrorCode> {}

/** A Node system error with its errno code (`ENOENT`, `ELOOP`, ...). */
export interface SystemError extends Error {
  code: string;
  path?: string;
}

/** True when `value` is a Node system error, optionally with one of `codes`. */
export function isSystemError(value: unknown, ...codes: string[]): value is SystemError {
  if (!(value instanceof Error) || typeof (value as { code?: unknown }).code !== 'string') return false;
  return codes.length === 0 || codes.includes((value as SystemError).code);
}

/**
 * Turns a raw Node system error met while serving `displayPath` into a {@link FilesystemError}
 * with a message a model can act on. Anything else is returned unchanged.
 */
export function explainSystemError(error: unknown, displayPath: string): unknown {
  if (error instanceof FilesystemError || !isSystemError(error)) return error;
  const known: Record<string, [FilesystemErrorCode, string]> = {
    ENOENT: [
      'E_NOT_FOUND',
      `${displayPath} does not exist. Check the path with list_directory or search_files.`,
    ],
    EACCES: ['E_PERMISSION', `Permission denied for ${displayPath}; the server process cannot access it.`],
    EPERM: ['E_PERMISSION', `Operation not permitted on ${displayPath}.`],
    EISDIR: [
      'E_IS_DIRECTORY',
      `${displayPath} is a directory; use list_directory or directory_tree instead.`,
    ],
    ENOTDIR: ['E_NOT_DIRECTORY', `A component of ${displayPath} is not a directory.`],
    ENOTEMPTY: ['E_NOT_EMPTY', `${displayPath} is a non-empty directory.`],
    EEXIST: ['E_EXISTS', `${displayPath} already exists.`],
    ELOOP: ['E_SYMLINK', `${displayPath} is or passes through a symbolic link that cannot be followed here.`],
    ENAMETOOLONG: ['E_PATH_TOO_LONG', `${displayPath} is too long for the filesystem.`],
    EXDEV: ['E_CROSS_DEVICE', `Cannot move ${displayPath} across filesystems; copy and delete instead.`],
    ENOSPC: ['E_NO_SPACE', `No space left on the device holding ${displayPath}.`],
    EROFS: ['E_READ_ONLY_FS', `${displayPath} is on a read-only filesystem.`],
    EBUSY: ['E_BUSY', `${displayPath} is busy.`],
    EAGAIN: ['E_WOULD_BLOCK', `${displayPath} is not ready for reading (a FIFO or device?).`],
  };
  const entry = known[error.code];
  if (!entry)
    return new FilesystemError('E_IO', `${error.code} while accessing ${displayPath}: ${error.message}`, {
      cause: error,
    });
  return new FilesystemError(entry[0], entry[1], { cause: error });
}
