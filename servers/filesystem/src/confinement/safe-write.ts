import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, rename, unlink } from 'node:fs/promises';
import * as path from 'node:path';
import { explainSystemError, FilesystemError, isSystemError } from '../errors.js';
import { sha256Of } from '../text/hash.js';
import { truncate } from './lexical.js';
import type { PathConfinement, ResolvedEntry } from './path-confinement.js';
import { type PinnedDirectory, pinDirectory } from './pinned-directory.js';
import { assertReadable, type OpenedFile, openForRead, raceError, readWhole } from './safe-open.js';

const CREATE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/** What a write did. */
export interface WriteOutcome {
  /** sha256 of the bytes now in the file. */
  sha256: string;
  /** True when the file did not exist before. */
  created: boolean;
  bytes: number;
}

/** The state of an existing file that a write is about to replace. */
export interface ExistingFile {
  /** The content, when read with `'content'`. */
  content: Buffer | undefined;
  /** sha256 of the content, unless read with `'metadata'`. */
  sha256: string | undefined;
  mode: number;
  uid: number;
  gid: number;
  ino: number;
}

/** How much of an existing file {@link readExisting} reads. */
export type ExistingRead = 'content' | 'hash' | 'metadata';

/**
 * Refuses entries a write must never go through: symlinks (even ones pointing inside the
 * roots), directories, FIFOs and devices, and files with more than one hard link (the other
 * link may be outside the roots; writing would change it too).
 */
export function assertWritableEntry(entry: ResolvedEntry): void {
  const stats = entry.stats;
  if (!stats) return;
  if (stats.isSymbolicLink()) {
    throw new FilesystemError(
      'E_SYMLINK_WRITE',
      `Refused: ${truncate(entry.requested)} is a symbolic link; writes never go through links. Write to the link's target path instead.`,
    );
  }
  assertReadable(stats, entry.requested);
  if (stats.nlink > 1) {
    throw new FilesystemError(
      'E_HARD_LINK',
      `Refused: ${truncate(entry.requested)} has ${stats.nlink} hard links; another link may be outside the allowed directories, so it is not written.`,
    );
  }
}

/**
 * Opens an existing entry for a read-modify-write through the verified no-follow open, re-checks
 * the hard-link count on the descriptor, and reads its content (capped at `maxBytes`), only
 * streams its hash, or only takes its metadata.
 */
export async function readExisting(
  confinement: PathConfinement,
  entry: ResolvedEntry,
  read: ExistingRead,
  maxBytes = Number.POSITIVE_INFINITY,
): Promise<ExistingFile> {
  assertWritableEntry(entry);
  const opened = openForRead(confinement, entry);
  try {
    if (opened.stats.nlink > 1) assertWritableEntry({ ...entry, stats: opened.stats });
    let content: Buffer | undefined;
    let sha256: string | undefined;
    if (read === 'content') {
      content = await readWhole(opened, maxBytes, entry.requested);
      sha256 = sha256Of(content);
    } else if (read === 'hash') {
      sha256 = await hashOpened(opened);
    }
    const { mode, uid, gid, ino } = opened.stats;
    return { content, sha256, mode: mode & 0o7777, uid, gid, ino };
  } finally {
    opened.close();
  }
}

async function hashOpened(opened: OpenedFile): Promise<string> {
  const hash = createHash('sha256');
  const chunk = Buffer.allocUnsafe(256 * 1024);
  for (let position = 0; ; ) {
    const bytesRead = await opened.readAt(chunk, 0, chunk.length, position);
    if (bytesRead === 0) break;
    hash.update(chunk.subarray(0, bytesRead));
    position += bytesRead;
  }
  return hash.digest('hex');
}

/** Refuses when `expected` is given and differs from the file's current hash. */
export function assertExpectedHash(
  requested: string,
  expected: string | undefined,
  current: ExistingFile | undefined,
): void {
  if (expected === undefined) return;
  if (current?.sha256 === undefined) {
    throw new FilesystemError(
      'E_STALE',
      `Refused: expected_sha256 was given but ${requested} does not exist (it was deleted or moved). Nothing was written.`,
    );
  }
  if (expected.toLowerCase() !== current.sha256) {
    throw new FilesystemError(
      'E_STALE',
      `Refused: ${requested} changed since you read it (expected sha256 ${expected}, now ${current.sha256}). Read it again, redo your change, and pass the new hash. Nothing was written.`,
    );
  }
}

/**
 * Writes `content` to a resolved entry without ever following a symlink, inside its parent
 * directory pinned by {@link pinDirectory} (so a parent swapped for a symlink meanwhile cannot
 * redirect anything, not even a temp file):
 * - a new file is created with O_CREAT | O_EXCL | O_NOFOLLOW, so nothing that appeared meanwhile,
 *   not even a dangling symlink, is written through;
 * - an existing file is replaced atomically: a temp file next to it (same flags), then rename(2),
 *   which replaces a link rather than following it. Mode and owner are carried over.
 * `previous` is what {@link readExisting} saw; if the file changed since, the write is refused.
 */
export async function writeEntry(
  confinement: PathConfinement,
  entry: ResolvedEntry,
  content: Buffer,
  previous: ExistingFile | undefined,
): Promise<WriteOutcome> {
  const sha256 = sha256Of(content);
  const name = path.basename(entry.real);
  const directory = pinDirectory(confinement, entry.parentReal, entry.requested);
  try {
    if (!previous) {
      await createNew(directory, name, entry.requested, content);
      return { sha256, created: true, bytes: content.length };
    }
    await replaceExisting(confinement, directory, name, entry, content, previous);
    return { sha256, created: false, bytes: content.length };
  } finally {
    directory.close();
  }
}

async function replaceExisting(
  confinement: PathConfinement,
  directory: PinnedDirectory,
  name: string,
  entry: ResolvedEntry,
  content: Buffer,
  previous: ExistingFile,
): Promise<void> {
  const tempName = `.${name.slice(0, 200)}.${randomBytes(6).toString('hex')}.meshwork-tmp`;
  const temp = directory.entry(tempName);
  let handle: FileHandle | undefined;
  let renamed = false;
  try {
    handle = await open(temp, CREATE_FLAGS, 0o600);
    await handle.writeFile(content);
    await handle.chmod(previous.mode);
    if (process.getuid?.() === 0) await handle.chown(previous.uid, previous.gid).catch(() => {});
    // Last look before replacing: the file we read must still be the one in place, and when we
    // hashed it, still hold the same bytes (another process may have written it meanwhile).
    const target = directory.entry(name);
    const current = await lstat(target).catch(() => undefined);
    let same = current !== undefined && current.ino === previous.ino && current.isFile();
    if (same && previous.sha256 !== undefined) {
      const again = await readExisting(confinement, { ...entry, stats: current }, 'hash').catch(
        () => undefined,
      );
      same = again?.sha256 === previous.sha256;
    }
    if (!same) {
      throw new FilesystemError(
        'E_STALE',
        `Refused: ${entry.requested} was changed by someone else while this write was in progress. Read it again and retry. Nothing was written.`,
      );
    }
    await rename(temp, target);
    renamed = true;
  } catch (error) {
    if (!renamed) await unlink(temp).catch(() => {});
    throw explainSystemError(error, entry.requested);
  } finally {
    await handle?.close().catch(() => {});
  }
}

async function createNew(
  directory: PinnedDirectory,
  name: string,
  requested: string,
  content: Buffer,
): Promise<void> {
  const target = directory.entry(name);
  let handle: FileHandle;
  try {
    handle = await open(target, CREATE_FLAGS, 0o666);
  } catch (error) {
    if (isSystemError(error, 'EEXIST', 'ELOOP')) throw raceError(requested);
    throw explainSystemError(error, requested);
  }
  try {
    await handle.writeFile(content);
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(target).catch(() => {});
    throw explainSystemError(error, requested);
  }
  await handle.close();
}
