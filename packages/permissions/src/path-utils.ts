/**
 * Lexical POSIX path helpers. Pure string work: no file-system access, so symlinks are resolved by
 * the callers (the coordinator's gate and the fs server) before they match a path.
 */

/** A path after lexical normalisation. */
export interface NormalizedPath {
  absolute: boolean;
  /** Segments with `.` removed and `..` resolved; a relative path may keep leading `..` segments. */
  segments: string[];
  /** True when a relative path climbs above its start (leading `..` after normalisation). */
  escapes: boolean;
}

/**
 * Normalises `path` lexically: collapses `//`, drops `.`, resolves `..` (at `/` it stays at `/`).
 * Returns undefined for paths we refuse to reason about: empty, NUL, backslashes (a Windows
 * separator on some servers, a file-name character on others) and `~` (home expansion).
 */
export function normalizePath(path: string): NormalizedPath | undefined {
  if (path === '' || path.includes('\0') || path.includes('\\') || path.startsWith('~')) return undefined;
  const absolute = path.startsWith('/');
  const segments: string[] = [];
  let escapes = false;
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      const last = segments[segments.length - 1];
      if (last !== undefined && last !== '..') segments.pop();
      else if (!absolute) {
        segments.push('..');
        escapes = true;
      }
      continue;
    }
    segments.push(segment);
  }
  return { absolute, segments, escapes };
}

/** Renders a normalised path: `/a/b`, `a/b`, `/` or `.`. */
export function formatPath(path: NormalizedPath): string {
  const joined = path.segments.join('/');
  if (path.absolute) return `/${joined}`;
  return joined === '' ? '.' : joined;
}

/** Normalises and renders; undefined when {@link normalizePath} refuses. */
export function normalizePathText(path: string): string | undefined {
  const normalized = normalizePath(path);
  return normalized === undefined ? undefined : formatPath(normalized);
}

/** True when absolute normalised `child` equals `parent` or lies below it. */
export function isWithin(parent: readonly string[], child: readonly string[]): boolean {
  if (child.length < parent.length) return false;
  return parent.every((segment, index) => child[index] === segment);
}
