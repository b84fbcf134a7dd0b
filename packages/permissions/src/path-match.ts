import picomatch from 'picomatch';
import { formatPath, isWithin, normalizePath } from './path-utils.js';

/** A path subject in the forms patterns are matched against. */
export interface PathSubject {
  /** Relative to the first root containing it (or as given, when relative); `.` for a root. */
  relative?: string;
  /** Absolute form, when the path is absolute or a root is known to resolve it against. */
  absolute?: string;
}

/**
 * Reads a path subject. Returns undefined when it cannot be analysed: refused by
 * {@link normalizePath}, or relative and climbing above its start (`../x`, `a/../../x`): such a
 * subject never matches an allow/ask pattern and always matches a deny pattern.
 */
export function readPathSubject(subject: string, roots: readonly string[] = []): PathSubject | undefined {
  const path = normalizePath(subject);
  if (path === undefined || path.escapes) return undefined;
  const rootPaths = roots.map((root) => normalizePath(root)).filter((root) => root?.absolute === true);
  if (!path.absolute) {
    const relative = formatPath(path);
    const first = rootPaths[0];
    if (first === undefined) return { relative };
    return { relative, absolute: formatPath({ ...first, segments: [...first.segments, ...path.segments] }) };
  }
  const absolute = formatPath(path);
  for (const root of rootPaths) {
    if (root !== undefined && isWithin(root.segments, path.segments)) {
      const rest = path.segments.slice(root.segments.length);
      return { absolute, relative: rest.length === 0 ? '.' : rest.join('/') };
    }
  }
  return { absolute };
}

/** A compiled path pattern. */
export interface PathMatcher {
  /** Strict match, for allow and ask rules. */
  allows(subject: PathSubject): boolean;
  /**
   * Broad match, for deny rules: case-insensitive; a relative pattern without a slash matches at any
   * depth (`.env` denies `a/b/.env`, like .gitignore); and against an absolute path outside every
   * known root, a relative pattern matches any tail (`secrets/**` denies `/x/secrets/k`).
   */
  denies(subject: PathSubject): boolean;
}

/**
 * Normalises a path pattern: strips `./`, collapses `//` and `/./`, and turns a trailing `/` into
 * `/**`. Returns undefined when the pattern holds a `..` segment (it never matches).
 */
export function normalizePathPattern(pattern: string): string | undefined {
  const absolute = pattern.startsWith('/');
  const trailing = pattern.length > 1 && pattern.endsWith('/');
  const segments = pattern.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return undefined;
  if (trailing) segments.push('**');
  const joined = segments.join('/');
  if (absolute) return `/${joined}`;
  return joined === '' ? '**' : joined;
}

const NEVER: PathMatcher = { allows: () => false, denies: () => false };

/** Compiles a path glob (picomatch, `dot: true`, case-sensitive for allow). */
export function compilePathPattern(pattern: string): PathMatcher {
  const normalized = normalizePathPattern(pattern);
  if (normalized === undefined) return NEVER;
  const absolute = normalized.startsWith('/');
  const strict = picomatch(normalized, { dot: true, windows: false });
  const broad = picomatch(normalized, { dot: true, windows: false, nocase: true });
  // A root itself ('.') is matched only by the all-paths pattern `**` (picomatch says no to '.').
  const rootOk = normalized === '**';
  const test = (matcher: (path: string) => boolean, path: string): boolean =>
    path === '.' ? rootOk : matcher(path);
  return {
    allows(subject) {
      const form = absolute ? subject.absolute : subject.relative;
      return form !== undefined && test(strict, form);
    },
    denies(subject) {
      if (absolute) return subject.absolute !== undefined && test(broad, subject.absolute);
      const tails = (path: string): boolean => {
        const segments = path.split('/').filter((segment) => segment !== '');
        for (let start = 1; start < segments.length; start++) {
          if (broad(segments.slice(start).join('/'))) return true;
        }
        return false;
      };
      if (subject.relative !== undefined) {
        // Like .gitignore: a pattern without a slash matches at any depth; one with a slash is anchored.
        return test(broad, subject.relative) || (!normalized.includes('/') && tails(subject.relative));
      }
      // Outside every known root, we cannot tell where a relative pattern is anchored: try every tail.
      return subject.absolute !== undefined && (broad(subject.absolute.slice(1)) || tails(subject.absolute));
    },
  };
}
