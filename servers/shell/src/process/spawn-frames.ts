/**
 * The wire format between the server and its spawn helper (see spawn-helper.ts).
 *
 * Server → helper: one JSON {@link SpawnRequest} or {@link ReleaseRequest} per line.
 * Helper → server: binary frames, a 9-byte header (kind u8, command id u32, payload length u32,
 * big-endian) and the payload. Output stays binary, so nothing is re-encoded on the way.
 */

/** What the helper reports. */
export const FrameKind = {
  /** JSON {@link SpawnedPayload}; always the first frame of a command. */
  spawned: 1,
  /** A chunk of the command's stdout. */
  stdout: 2,
  /** A chunk of the command's stderr. */
  stderr: 3,
  /** JSON {@link ExitPayload}: the group leader exited (its pipes may still be open). */
  exit: 4,
  /** Empty: the leader exited and both pipes are closed; nothing more comes for this id. */
  closed: 5,
} as const;

/** A frame kind number. */
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind];

/** Starts a command as the leader of a new process group. */
export interface SpawnRequest {
  op: 'spawn';
  id: number;
  file: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Written to the command's stdin, which is then closed; without it stdin is /dev/null. */
  stdin?: string | undefined;
}

/** Closes the helper's ends of a command's pipes (a process outside the group still holds them). */
export interface ReleaseRequest {
  op: 'release';
  id: number;
}

/**
 * The server started a command itself (natively) as the leader of process group `pgid`: the
 * helper ends that group too if the server dies, until `unwatch` says it is done.
 */
export interface WatchRequest {
  op: 'watch' | 'unwatch';
  pgid: number;
}

/** A request line from the server. */
export type HelperRequest = SpawnRequest | ReleaseRequest | WatchRequest;

/** Payload of a `spawned` frame: the pid, or why the command could not be started. */
export type SpawnedPayload = { pid: number } | { error: { code: string; message: string } };

/** Payload of an `exit` frame. */
export interface ExitPayload {
  code: number | null;
  signal: string | null;
  /**
   * True when, once the leader was reaped, no process was left in its group. An empty group stays
   * empty (nothing can join a group that has no member), so there is nothing left to end.
   */
  groupGone?: boolean;
}

const HEADER_BYTES = 9;

/** The header of one frame; write the payload right after it. */
export function frameHeader(kind: FrameKind, id: number, length: number): Buffer {
  const header = Buffer.allocUnsafe(HEADER_BYTES);
  header.writeUInt8(kind, 0);
  header.writeUInt32BE(id, 1);
  header.writeUInt32BE(length, 5);
  return header;
}

/**
 * Returns a function to feed with the helper's output as it arrives; it calls `onFrame` once per
 * complete frame, in order. Payloads may be views into the chunks passed in.
 */
export function createFrameReader(
  onFrame: (kind: number, id: number, payload: Buffer) => void,
): (chunk: Buffer) => void {
  let pending: Buffer | undefined;
  return (chunk) => {
    let buffer = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = undefined;
    let offset = 0;
    while (buffer.length - offset >= HEADER_BYTES) {
      const length = buffer.readUInt32BE(offset + 5);
      const end = offset + HEADER_BYTES + length;
      if (end > buffer.length) break;
      onFrame(
        buffer.readUInt8(offset),
        buffer.readUInt32BE(offset + 1),
        buffer.subarray(offset + HEADER_BYTES, end),
      );
      offset = end;
    }
    if (offset < buffer.length) {
      // Copy the partial frame so the (possibly large) chunk it came in is not kept alive.
      buffer = buffer.subarray(offset);
      pending = Buffer.from(buffer);
    }
  };
}
