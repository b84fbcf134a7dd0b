import { MemoryError } from '../errors.js';

/** Every configurable bound of a memory directory. */
export interface MemoryBounds {
  /** Most lines `read_index` returns and the index should hold (default 200). */
  indexMaxLines: number;
  /** Most bytes `read_index` returns and the index should hold (default 25,000). */
  indexMaxBytes: number;
  /** Most characters per index line (default 200). */
  indexMaxLineChars: number;
  /** Largest topic file, frontmatter included (default 64 KiB). */
  topicMaxBytes: number;
}

/** The defaults from the design: 200 lines, 25,000 bytes, 200 characters a line, 64 KiB a topic. */
export const DEFAULT_BOUNDS: Readonly<MemoryBounds> = Object.freeze({
  indexMaxLines: 200,
  indexMaxBytes: 25_000,
  indexMaxLineChars: 200,
  topicMaxBytes: 64 * 1024,
});

/** Fills in defaults and checks every bound is a positive whole number. */
export function resolveBounds(partial: Partial<MemoryBounds> = {}): MemoryBounds {
  const bounds = { ...DEFAULT_BOUNDS };
  for (const key of Object.keys(DEFAULT_BOUNDS) as (keyof MemoryBounds)[]) {
    const value = partial[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value < 1) {
      throw new MemoryError(
        'E_CONFIG',
        `Bound ${key} must be a positive whole number; got ${String(value)}.`,
      );
    }
    bounds[key] = value;
  }
  if (bounds.indexMaxLineChars < 40) {
    throw new MemoryError('E_CONFIG', 'indexMaxLineChars must be at least 40 so a line can hold its link.');
  }
  return bounds;
}

/** Parses an ISO 8601 date or date-time argument into epoch milliseconds, or throws `E_BAD_TIME`. */
export function parseTimeArgument(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Date.parse(value);
  if (Number.isNaN(parsed)) {
    throw new MemoryError(
      'E_BAD_TIME',
      `${name} ${JSON.stringify(value)} is not an ISO 8601 date or date-time, e.g. 2025-06-01 or 2025-06-01T12:00:00Z.`,
    );
  }
  return parsed;
}
