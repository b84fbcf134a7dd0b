import picomatch from 'picomatch';

/**
 * Decides whether a path is denied by the operator's `--deny` globs. Relative globs match the
 * path relative to its root (`**\/.env`, `.git/**`); globs starting with `/` match the absolute
 * real path. A denied directory denies everything below it.
 */
export interface DenyMatcher {
  /** The globs, as given. */
  readonly patterns: readonly string[];
  /** True when the entry itself matches (its ancestors are not checked). */
  matchesEntry(relativePath: string, absolutePath: string): boolean;
  /** True when the path or any of its ancestors below the root matches. */
  isDenied(relativePath: string, absolutePath: string): boolean;
}

/** Compiles `patterns` once; the matcher is shared by every connection. */
export function createDenyMatcher(patterns: readonly string[]): DenyMatcher {
  const relative = patterns.filter((pattern) => !pattern.startsWith('/'));
  const absolute = patterns.filter((pattern) => pattern.startsWith('/'));
  const options = { dot: true };
  const matchRelative = relative.length > 0 ? picomatch(relative, options) : undefined;
  const matchAbsolute = absolute.length > 0 ? picomatch(absolute, options) : undefined;
  const matchesEntry = (relativePath: string, absolutePath: string): boolean =>
    (matchRelative !== undefined && relativePath !== '' && matchRelative(relativePath)) ||
    matchAbsolute?.(absolutePath) === true;
  return {
    patterns: [...patterns],
    matchesEntry,
    isDenied(relativePath, absolutePath) {
      if (!matchRelative && !matchAbsolute) return false;
      if (matchesEntry(relativePath, absolutePath)) return true;
      // Walk up: a denied ancestor (for example `secrets` or `.git`) denies the whole subtree.
      let relativeCursor = relativePath;
      let absoluteCursor = absolutePath;
      while (relativeCursor.includes('/')) {
        relativeCursor = relativeCursor.slice(0, relativeCursor.lastIndexOf('/'));
        absoluteCursor = absoluteCursor.slice(0, absoluteCursor.lastIndexOf('/')) || '/';
        if (matchesEntry(relativeCursor, absoluteCursor)) return true;
      }
      return false;
    },
  };
}
