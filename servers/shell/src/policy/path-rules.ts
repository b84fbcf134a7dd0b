import { isAbsolute, relative, sep } from 'node:path';
import { compilePathPattern, type PathSubject } from '@meshwork/permissions';

/**
 * Which paths commands may write and which they may not name at all. A write needs every layer of
 * `write` to grant it (the `--policy` file, the flags and the coordinator's launch limits each form
 * one layer, so combining them can only narrow); with no layer nothing is writable. Deny patterns
 * use the broad matcher of `@meshwork/permissions` (any depth for a pattern without a slash, any
 * case), the same one the gate uses.
 */
export interface PathRules {
  /** Layers of write globs; a write must match a glob of each layer. */
  readonly write: readonly (readonly string[])[];
  /** Path globs commands may not read or write. */
  readonly deny: readonly string[];
  /** Absolute directories always writable (the server's own output directory). */
  readonly writable: readonly string[];
}

/** True when `absolute` is inside one of the always-writable directories. */
export function isAlwaysWritable(rules: PathRules, absolute: string): boolean {
  return rules.writable.some((directory) => isWithinDirectory(directory, absolute));
}

/** {@link PathRules} compiled against the roots. */
export interface CompiledPathRules {
  readonly source: PathRules;
  /** True when some path could be written: there is a layer, and no layer is empty. */
  readonly canWrite: boolean;
  /** The globs of the layer a write misses (undefined when every layer grants it); `''` when nothing is writable. */
  missingWriteGrant(absolute: string): string | undefined;
  /**
   * True when any write layer grants `absolute`: the agent this server serves may be able to write
   * it, through this server or (for the coordinator's limit layer, the profile's write rules)
   * through another server. A runner must not run such a file as code.
   */
  mayBeWritten(absolute: string): boolean;
  /** The deny pattern `absolute` matches, if any. */
  deniedBy(absolute: string): string | undefined;
  /**
   * The deny pattern that could match something beneath the directory `absolute` (a recursive
   * reader there could read it), if any.
   */
  deniedBeneath(absolute: string): string | undefined;
}

/** Compiles path rules; relative globs are read against the first root that holds a path. */
export function compilePathRules(rules: PathRules, roots: readonly string[]): CompiledPathRules {
  const layers = rules.write.map((layer) =>
    layer.map((pattern) => ({ pattern, matcher: compilePathPattern(pattern) })),
  );
  const denies = rules.deny.map((pattern) => ({ pattern, matcher: compilePathPattern(pattern) }));
  const subjectOf = (absolute: string): PathSubject => {
    for (const root of roots) {
      const relation = relative(root, absolute);
      if (relation === '') return { absolute, relative: '.' };
      if (relation !== '..' && !relation.startsWith(`..${sep}`) && !isAbsolute(relation))
        return { absolute, relative: relation.split(sep).join('/') };
    }
    return { absolute };
  };
  const canWrite = layers.length > 0 && layers.every((layer) => layer.length > 0);
  return {
    source: rules,
    canWrite,
    missingWriteGrant(absolute) {
      if (rules.writable.some((directory) => isWithinDirectory(directory, absolute))) return undefined;
      if (!canWrite) return '';
      const subject = subjectOf(absolute);
      const missing = layers.find((layer) => !layer.some((entry) => entry.matcher.allows(subject)));
      return missing === undefined ? undefined : missing.map((entry) => entry.pattern).join(', ');
    },
    mayBeWritten(absolute) {
      const subject = subjectOf(absolute);
      return layers.some((layer) => layer.some((entry) => entry.matcher.allows(subject)));
    },
    deniedBy(absolute) {
      const subject = subjectOf(absolute);
      return denies.find((entry) => entry.matcher.denies(subject))?.pattern;
    },
    deniedBeneath(absolute) {
      const subject = subjectOf(absolute);
      return denies.find(
        (entry) => entry.matcher.denies(subject) || couldMatchBeneath(entry.pattern, subject),
      )?.pattern;
    },
  };
}

/**
 * True when a deny pattern could match a path beneath `directory`: a pattern without a slash
 * matches at any depth; an anchored one when its literal prefix and the directory are on one line.
 */
function couldMatchBeneath(pattern: string, directory: PathSubject): boolean {
  const trimmed = pattern.replace(/^\.\//, '').replace(/\/+$/, '');
  if (!trimmed.includes('/') || trimmed.startsWith('**')) return true;
  const literal: string[] = [];
  for (const segment of trimmed.split('/')) {
    if (/[*?[\]{}!()]/.test(segment)) break;
    literal.push(segment);
  }
  const prefix = literal.join('/');
  const form = trimmed.startsWith('/') ? directory.absolute : directory.relative;
  if (form === undefined) return true;
  const start = form === '.' ? '' : form;
  const under = (parent: string, child: string) =>
    parent === '' || parent === '/' || child === parent || child.startsWith(`${parent}/`);
  return under(start, prefix) || under(prefix, start);
}

function isWithinDirectory(directory: string, path: string): boolean {
  const relation = relative(directory, path);
  return relation === '' || (relation !== '..' && !relation.startsWith(`..${sep}`) && !isAbsolute(relation));
}
