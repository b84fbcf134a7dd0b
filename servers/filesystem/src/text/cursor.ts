import { createHash } from 'node:crypto';
import { FilesystemError } from '../errors.js';

/**
 * Opaque pagination cursors. A cursor carries the position to resume from and a fingerprint of
 * the query that produced it, so a cursor is refused when replayed with different arguments.
 */
export function encodeCursor(query: unknown, position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ q: fingerprint(query), ...position })).toString('base64url');
}

/** Decodes a cursor from {@link encodeCursor}; throws a model-readable error when it does not fit. */
export function decodeCursor<T extends object>(cursor: string, query: unknown): T {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  if (
    typeof decoded !== 'object' ||
    decoded === null ||
    (decoded as { q?: unknown }).q !== fingerprint(query)
  ) {
    throw new FilesystemError(
      'E_BAD_CURSOR',
      'The cursor is not valid for these arguments. Pass the nextCursor from the previous call unchanged, with the same other arguments, or omit it to start over.',
    );
  }
  return decoded as T;
}

function fingerprint(query: unknown): string {
  return createHash('sha256').update(JSON.stringify(query)).digest('base64url').slice(0, 16);
}
