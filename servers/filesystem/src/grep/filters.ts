import picomatch from 'picomatch';

/**
 * Compiles include/exclude globs the way ripgrep's `--glob` reads them: a glob without `/`
 * matches the entry's name at any depth (`*.ts`), a glob with `/` matches the path relative to
 * the search start (`src/**\/*.ts`).
 */
export function createGlobFilter(
  patterns: readonly string[],
): ((relative: string, name: string) => boolean) | undefined {
  if (patterns.length === 0) return undefined;
  const byName = patterns.filter((pattern) => !pattern.includes('/'));
  const byPath = patterns
    .filter((pattern) => pattern.includes('/'))
    .map((pattern) => pattern.replace(/^\.?\//, ''));
  const options = { dot: true };
  const matchName = byName.length > 0 ? picomatch(byName, options) : undefined;
  const matchPath = byPath.length > 0 ? picomatch(byPath, options) : undefined;
  return (relative, name) => (matchName?.(name) ?? false) || (matchPath?.(relative) ?? false);
}
