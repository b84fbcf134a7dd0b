/** Levenshtein distance between two short strings (case-insensitive). */
function editDistance(left: string, right: string): number {
  const a = left.toLowerCase();
  const b = right.toLowerCase();
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/**
 * The known key a misspelled `key` most resembles, or undefined when none is close: at most two
 * edits, and fewer than half of the key's letters, so that short keys are not matched to anything.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(key, candidate);
    if (distance > 2 || distance * 2 >= Math.max(key.length, 2)) continue;
    if (best === undefined || distance < best.distance) best = { key: candidate, distance };
  }
  return best?.key;
}

/** The warning for a key nobody reads: `where` names the object it is in (`the top level`, `mcpServers.fs`). */
export function unknownKeyWarning(
  file: string,
  field: string,
  key: string,
  known: readonly string[],
): string {
  const suggestion = closestKey(key, known);
  return `${file}: ${field}: unknown key "${key}" is ignored; ${
    suggestion === undefined ? `known keys: ${known.join(', ')}` : `did you mean "${suggestion}"?`
  }`;
}
