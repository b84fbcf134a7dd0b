import picomatch from 'picomatch';
import { formatPath, isWithin, type NormalizedPath, normalizePath } from './path-utils.js';

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
  // The deepest root containing the path anchors it, as in the fs server.
  let best: NormalizedPath | undefined;
  for (const root of rootPaths) {
    if (root !== undefined && isWithin(root.segments, path.segments)) {
      if (best === undefined || root.segments.length > best.segments.length) best = root;
    }
  }
  if (best === undefined) return { absolute };
  const rest = path.segments.slice(best.segments.length);
  return { absolute, relative: rest.length === 0 ? '.' : rest.join('/') };
}

/** A compiled path pattern. */
export interface PathMatcher {
  /** Strict match, for allow and ask rules. */
  allows(subject: PathSubject): boolean;
  /**
   * Broad match, for deny rules ({@link deniesEntry} on the subject or on any of its ancestors): a
   * denied directory denies everything beneath it.
   */
  denies(subject: PathSubject): boolean;
  /**
   * Broad match on the entry itself, ancestors not checked (for a walk that already pruned denied
   * directories): case-insensitive; a relative pattern without a slash matches at any depth
   * (`.env` denies `a/b/.env`, like .gitignore); and against an absolute path outside every known
   * root, a relative pattern matches any tail (`secrets/**` denies `/x/secrets/k`).
   */
  deniesEntry(subject: PathSubject): boolean;
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

const NEVER: PathMatcher = { allows: () => false, denies: () => false, deniesEntry: () => false };

/** One form checked for a deny: the subject or an ancestor. */
interface DenyForm {
  subject: PathSubject;
  /** An ancestor above the subject's root: only absolute patterns apply to it. */
  aboveRoot: boolean;
}

/** The subject and each of its ancestors, the subject last. */
function ancestorsOf(subject: PathSubject): DenyForm[] {
  const relative =
    subject.relative === undefined || subject.relative === '.' ? undefined : subject.relative.split('/');
  const absolute = subject.absolute?.split('/').filter((segment) => segment !== '');
  const forms: DenyForm[] = [];
  const length = absolute?.length ?? relative?.length ?? 0;
  for (let keep = 1; keep < length; keep++) {
    const form: PathSubject = {};
    if (absolute !== undefined) form.absolute = `/${absolute.slice(0, keep).join('/')}`;
    const relativeKeep = relative === undefined ? 0 : keep - (length - relative.length);
    if (relative !== undefined && relativeKeep >= 1)
      form.relative = relative.slice(0, relativeKeep).join('/');
    const aboveRoot = subject.relative !== undefined && form.relative === undefined;
    forms.push({ subject: form, aboveRoot });
  }
  forms.push({ subject, aboveRoot: false });
  return forms;
}

interface FormMatcher extends PathMatcher {
  deniesForm(form: DenyForm): boolean;
}

/** Compiles a path glob (picomatch, `dot: true`, case-sensitive for allow). */
export function compilePathPattern(pattern: string): PathMatcher {
  const { allows, denies, deniesEntry } = compileForms(pattern);
  return { allows, denies, deniesEntry };
}

function compileForms(pattern: string): FormMatcher {
  const normalized = normalizePathPattern(pattern);
  if (normalized === undefined) return { ...NEVER, deniesForm: () => false };
  const absolute = normalized.startsWith('/');
  const strict = picomatch(normalized, { dot: true, windows: false });
  const broad = picomatch(normalized, { dot: true, windows: false, nocase: true });
  // A root itself ('.') is matched only by the all-paths pattern `**` (picomatch says no to '.').
  const rootOk = normalized === '**';
  const test = (matcher: (path: string) => boolean, path: string): boolean =>
    path === '.' ? rootOk : matcher(path);
  const tails = (path: string): boolean => {
    const segments = path.split('/').filter((segment) => segment !== '');
    for (let start = 1; start < segments.length; start++) {
      if (broad(segments.slice(start).join('/'))) return true;
    }
    return false;
  };
  const deniesEntry = (subject: PathSubject): boolean => {
    if (subject.relative === undefined && subject.absolute === undefined) return false;
    if (absolute) return subject.absolute !== undefined && test(broad, subject.absolute);
    if (subject.relative !== undefined) {
      // Like .gitignore: a pattern without a slash matches at any depth; one with a slash is anchored.
      return test(broad, subject.relative) || (!normalized.includes('/') && tails(subject.relative));
    }
    // Outside every known root, we cannot tell where a relative pattern is anchored: try every tail.
    return subject.absolute !== undefined && (broad(subject.absolute.slice(1)) || tails(subject.absolute));
  };
  const deniesForm = (form: DenyForm): boolean =>
    form.aboveRoot ? absolute && deniesEntry(form.subject) : deniesEntry(form.subject);
  return {
    allows(subject) {
      const form = absolute ? subject.absolute : subject.relative;
      return form !== undefined && test(strict, form);
    },
    denies: (subject) => ancestorsOf(subject).some((form) => deniesForm(form)),
    deniesEntry,
    deniesForm,
  };
}

/** Deny globs compiled once, as the fs server's `--deny` and the gate's deny rules read them. */
export interface PathDenyList {
  readonly patterns: readonly string[];
  /** The first pattern that denies the path or one of its ancestors, or undefined. */
  denying(subject: PathSubject): string | undefined;
  /** The first pattern that denies the entry itself (ancestors not checked), or undefined. */
  denyingEntry(subject: PathSubject): string | undefined;
}

/**
 * Compiles deny globs with the one path semantics of meshwork ({@link PathMatcher.denies}): the fs
 * server's `--deny` and the coordinator's deny rules match exactly the same paths.
 */
export function compilePathDenyList(patterns: readonly string[]): PathDenyList {
  const compiled = patterns.map((pattern) => ({ pattern, matcher: compileForms(pattern) }));
  return {
    patterns: [...patterns],
    denying: (subject) => {
      if (compiled.length === 0) return undefined;
      const forms = ancestorsOf(subject);
      return compiled.find(({ matcher }) => forms.some((form) => matcher.deniesForm(form)))?.pattern;
    },
    denyingEntry: (subject) => compiled.find(({ matcher }) => matcher.deniesEntry(subject))?.pattern,
  };
}
