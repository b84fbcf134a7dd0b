/** Most lines per side that get a line diff; bigger files are reported as replaced. */
const MAX_DIFF_LINES = 2_000;

/**
 * A compact line diff of two texts (`-` removed, `+` added, unchanged lines omitted), cut to
 * `maxChars`. Uses a longest-common-subsequence table, bounded by {@link MAX_DIFF_LINES}.
 */
export function diffLines(before: string, after: string, maxChars = 4_000): string {
  if (before === after) return '';
  const left = before === '' ? [] : before.replace(/\n$/, '').split('\n');
  const right = after === '' ? [] : after.replace(/\n$/, '').split('\n');
  let out: string[];
  if (left.length > MAX_DIFF_LINES || right.length > MAX_DIFF_LINES) {
    out = [`(replaced: ${left.length} lines -> ${right.length} lines)`];
  } else {
    const width = right.length + 1;
    const table = new Uint32Array((left.length + 1) * width);
    for (let i = left.length - 1; i >= 0; i -= 1) {
      for (let j = right.length - 1; j >= 0; j -= 1) {
        table[i * width + j] =
          left[i] === right[j]
            ? table[(i + 1) * width + j + 1]! + 1
            : Math.max(table[(i + 1) * width + j]!, table[i * width + j + 1]!);
      }
    }
    out = [];
    let i = 0;
    let j = 0;
    while (i < left.length || j < right.length) {
      if (i < left.length && j < right.length && left[i] === right[j]) {
        i += 1;
        j += 1;
      } else if (
        j < right.length &&
        (i >= left.length || table[i * width + j + 1]! >= table[(i + 1) * width + j]!)
      ) {
        out.push(`+${right[j]}`);
        j += 1;
      } else {
        out.push(`-${left[i]}`);
        i += 1;
      }
    }
  }
  const text = out.join('\n');
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n… (diff cut at ${maxChars} characters)` : text;
}
