import { compilePathDenyList, type PathSubject } from '@meshwork/permissions';

/**
 * Decides whether a path is denied by the operator's `--deny` globs, with the one path semantics of
 * `@meshwork/permissions` (the gate's deny rules match exactly the same paths): relative globs
 * match the path relative to its root, and a glob without a slash matches at any depth (`.env`
 * denies `config/.env`); globs starting with `/` match the absolute real path; matching ignores
 * case (on a case-insensitive file system `.ENV` is `.env`); a denied directory denies everything
 * below it.
 */
export interface DenyMatcher {
  /** The globs, as given. */
  readonly patterns: readonly string[];
  /** True when the entry itself matches (its ancestors are not checked). */
  matchesEntry(relativePath: string, absolutePath: string): boolean;
  /** True when the path or any of its ancestors below the root matches. */
  isDenied(relativePath: string, absolutePath: string): boolean;
}

/** The subject form of a path inside a root (`''` is the root itself). */
function subjectOf(relativePath: string, absolutePath: string): PathSubject {
  return { relative: relativePath === '' ? '.' : relativePath, absolute: absolutePath };
}

/** Compiles `patterns` once; the matcher is shared by every connection. */
export function createDenyMatcher(patterns: readonly string[]): DenyMatcher {
  const list = compilePathDenyList(patterns);
  return {
    patterns: list.patterns,
    matchesEntry: (relativePath, absolutePath) =>
      list.denyingEntry(subjectOf(relativePath, absolutePath)) !== undefined,
    isDenied: (relativePath, absolutePath) =>
      list.denying(subjectOf(relativePath, absolutePath)) !== undefined,
  };
}
