import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  read,
  readlinkSync,
  readSync,
  realpathSync,
  type Stats,
  statSync,
} from 'node:fs';
import { explainSystemError, FilesystemError, isSystemError } from '../errors.js';
import { truncate } from './lexical.js';
import type { PathConfinement, ResolvedPath } from './path-confinement.js';

/** Flags for every read open: never follow a final symlink, never block on a FIFO or device. */
export const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/**
 * Files up to this size are read with synchronous calls: on a local disk they return sooner than a
 * round trip through libuv's thread pool would. Larger files are read asynchronously so the event
 * loop keeps serving.
 */
export const SYNC_READ_MAX_BYTES = 256 * 1024;

/** An open regular file that was verified to be the resolved, allowed file. */
export interface OpenedFile {
  fd: number;
  stats: Stats;
  /** The real path it was opened at. */
  real: string;
  /** Reads at a position; resolves with the bytes read. */
  readAt(buffer: Buffer, offset: number, length: number, position: number): Promise<number>;
  /** Closes the descriptor; idempotent. */
  close(): void;
}

/**
 * Opens a resolved path for reading without following symlinks and without blocking:
 * 1. lstat first: directories, FIFOs, sockets and devices are refused before any open;
 * 2. open with O_NOFOLLOW | O_NONBLOCK, so a symlink swapped in at the leaf fails with ELOOP;
 * 3. fstat the descriptor and require the same inode as step 1;
 * 4. {@link verifyOpenedPath}: the descriptor must point at the real path we resolved, which
 *    catches a parent directory swapped for a symlink between resolution and open.
 * The metadata calls are synchronous (see {@link SYNC_READ_MAX_BYTES}).
 */
export function openForRead(confinement: PathConfinement, resolved: ResolvedPath): OpenedFile {
  const { requested, real } = resolved;
  if (!resolved.exists) throw new FilesystemError('E_NOT_FOUND', `${requested} does not exist.`);
  let before: Stats;
  try {
    before = lstatSync(real);
  } catch (error) {
    throw explainSystemError(error, requested);
  }
  assertReadable(before, requested);
  let fd: number;
  try {
    fd = openSync(real, READ_FLAGS);
  } catch (error) {
    if (isSystemError(error, 'ELOOP')) throw raceError(requested);
    throw explainSystemError(error, requested);
  }
  let open = true;
  const close = (): void => {
    if (!open) return;
    open = false;
    closeSync(fd);
  };
  try {
    const stats = fstatSync(fd);
    if (stats.ino !== before.ino || stats.dev !== before.dev) throw raceError(requested);
    assertReadable(stats, requested);
    verifyOpenedPath(confinement, fd, real, requested);
    const sync = stats.size <= SYNC_READ_MAX_BYTES;
    return {
      fd,
      stats,
      real,
      close,
      readAt: sync
        ? async (buffer, offset, length, position) => readSync(fd, buffer, offset, length, position)
        : (buffer, offset, length, position) =>
            new Promise<number>((resolve, reject) =>
              read(fd, buffer, offset, length, position, (error, bytesRead) =>
                error ? reject(error) : resolve(bytesRead),
              ),
            ),
    };
  } catch (error) {
    close();
    throw error;
  }
}

/** Refuses anything but a regular file, naming what it is. */
export function assertReadable(stats: Stats, requested: string): void {
  if (stats.isFile()) return;
  if (stats.isDirectory()) {
    throw new FilesystemError(
      'E_IS_DIRECTORY',
      `${requested} is a directory; use list_directory or directory_tree.`,
    );
  }
  if (stats.isSymbolicLink()) throw raceError(requested);
  const kind = stats.isFIFO()
    ? 'a FIFO (named pipe)'
    : stats.isSocket()
      ? 'a socket'
      : stats.isCharacterDevice() || stats.isBlockDevice()
        ? 'a device file'
        : 'not a regular file';
  throw new FilesystemError(
    'E_NOT_REGULAR_FILE',
    `Refused: ${requested} is ${kind}; only regular files can be read or written.`,
  );
}

/**
 * Checks that an open descriptor refers to `expectedReal`. On Linux the kernel names the file
 * behind a descriptor in /proc/self/fd; elsewhere we re-resolve the path and compare inodes.
 * A mismatch means something in the path was swapped after resolution: refuse.
 */
export function verifyOpenedPath(
  confinement: PathConfinement,
  fd: number,
  expectedReal: string,
  requested: string,
): void {
  let actual: string | undefined;
  try {
    actual = readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    actual = undefined;
  }
  if (actual !== undefined) {
    if (actual !== expectedReal) {
      const root = confinement.rootOf(actual);
      const where = root ? '' : ` (it now leads to ${truncate(actual)}, outside the allowed directories)`;
      throw raceError(requested, where);
    }
    return;
  }
  // Portable fallback: the path must still resolve to itself and name the same inode.
  let same = false;
  try {
    const viaPath = statSync(expectedReal);
    const viaDescriptor = fstatSync(fd);
    same =
      realpathSync.native(expectedReal) === expectedReal &&
      viaPath.ino === viaDescriptor.ino &&
      viaPath.dev === viaDescriptor.dev;
  } catch {
    same = false;
  }
  if (!same) throw raceError(requested);
}

/** The error for a path that changed (a symlink appeared) between check and use. */
export function raceError(requested: string, detail = ''): FilesystemError {
  return new FilesystemError(
    'E_SYMLINK_RACE',
    `Refused: ${truncate(requested)} is a symbolic link or changed while being opened${detail}. Nothing was read or written.`,
  );
}

/**
 * Reads a whole open file into one buffer, refusing files over `maxBytes`. Reads the size fstat
 * reported (a snapshot: bytes appended meanwhile are not included), without an extra EOF read.
 */
export async function readWhole(opened: OpenedFile, maxBytes: number, requested: string): Promise<Buffer> {
  const size = opened.stats.size;
  if (size > maxBytes) throw tooLargeError(requested, size, maxBytes);
  const buffer = Buffer.allocUnsafe(size);
  let offset = 0;
  while (offset < size) {
    const bytesRead = await opened.readAt(buffer, offset, size - offset, offset);
    if (bytesRead === 0) break;
    offset += bytesRead;
  }
  return offset === size ? buffer : buffer.subarray(0, offset);
}

/** The error for a file over the read cap, pointing at the partial-read options. */
export function tooLargeError(requested: string, size: number, maxBytes: number): FilesystemError {
  return new FilesystemError(
    'E_TOO_LARGE',
    `${requested} is ${size} bytes, over this server's read cap of ${maxBytes} bytes. Read part of it with read_text_file head, tail or offset/limit, or search it with grep.`,
  );
}
