import { setFlagsFromString } from 'node:v8';
import { FilesystemError } from '../errors.js';

/** Longest accepted grep pattern. */
export const MAX_PATTERN_LENGTH = 1000;

/** How a grep pattern is matched. */
export type CompiledPattern =
  | { kind: 'literal'; needle: Buffer }
  | { kind: 'regex'; regex: RegExp; foldCase: boolean };

/**
 * Compiles a grep pattern.
 *
 * Regexes are the safety-critical part: a JavaScript regex cannot be interrupted, so a
 * catastrophic one (`(a+)+$`) would freeze the server. We run V8 with its linear-time engine as
 * the fallback after excessive backtracking; that engine does not support backreferences,
 * lookaround, the `u` flag or the `i` flag, so backreferences and lookaround are refused, no `u`
 * flag is used, and case-insensitive search lower-cases both the text and the pattern's letters
 * instead of using `i`.
 */
export function compilePattern(pattern: string, literal: boolean, ignoreCase: boolean): CompiledPattern {
  if (pattern.length === 0) throw new FilesystemError('E_BAD_PATTERN', 'The pattern is empty.');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new FilesystemError(
      'E_BAD_PATTERN',
      `The pattern is longer than ${MAX_PATTERN_LENGTH} characters.`,
    );
  }
  if (literal && !ignoreCase) return { kind: 'literal', needle: Buffer.from(pattern, 'utf8') };
  const source = literal ? escapeRegex(pattern) : pattern;
  if (!literal) refuseUnsafeConstructs(source);
  enableLinearFallback();
  const folded = ignoreCase ? lowerCasePatternLetters(source) : source;
  try {
    return { kind: 'regex', regex: new RegExp(folded, 'gm'), foldCase: ignoreCase };
  } catch (error) {
    // V8's SyntaxError already starts with "Invalid regular expression: "; say it once.
    const detail = (error as Error).message.replace(/^Invalid regular expression: /, '');
    throw new FilesystemError(
      'E_BAD_PATTERN',
      `Invalid regular expression: ${detail}. Pass literal: true to search for the text as is.`,
    );
  }
}

/** Escapes regex metacharacters so the text matches literally. */
export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Turns on V8's linear-time regex engine as the fallback for excessive backtracking. Idempotent;
 * it only changes how a runaway match is executed, never what a supported pattern matches.
 */
export function enableLinearFallback(): void {
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  setFlagsFromString('--regexp-backtracks-before-fallback=50000');
}

/** Refuses backreferences and lookaround, which the linear-time engine cannot run. */
function refuseUnsafeConstructs(source: string): void {
  let inClass = false;
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index];
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      if (!inClass && (/[1-9]/.test(next) || next === 'k')) {
        throw new FilesystemError(
          'E_BAD_PATTERN',
          'Backreferences (\\1, \\k<name>) are not supported: grep guarantees linear-time matching. Rewrite the pattern without them.',
        );
      }
      index += 1;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      continue;
    }
    if (char === '[') inClass = true;
    else if (char === '(' && source[index + 1] === '?') {
      const kind = source.slice(index + 2, index + 4);
      if (kind.startsWith('=') || kind.startsWith('!') || kind === '<=' || kind === '<!') {
        throw new FilesystemError(
          'E_BAD_PATTERN',
          'Lookahead and lookbehind ((?=, (?!, (?<=, (?<!) are not supported: grep guarantees linear-time matching. Rewrite the pattern without them.',
        );
      }
    }
  }
}

/**
 * Lower-cases the literal letters of a regex source, leaving escapes (`\W`, `\S`, `\B`, `\x41`,
 * `\u00C4`, `\cA`) untouched, for matching against lower-cased text.
 */
export function lowerCasePatternLetters(source: string): string {
  let result = '';
  for (let index = 0; index < source.length; index += 1) {
    const char = source[index]!;
    if (char === '\\') {
      const next = source[index + 1] ?? '';
      let length = 2;
      if (next === 'x') length = 4;
      else if (next === 'u') length = source[index + 2] === '{' ? source.indexOf('}', index) - index + 1 : 6;
      else if (next === 'c') length = 3;
      result += source.slice(index, index + Math.max(length, 2));
      index += Math.max(length, 2) - 1;
      continue;
    }
    result += char.toLowerCase();
  }
  return result;
}
