import picomatch from 'picomatch';
import type { ResolvedWord } from './words.js';

/**
 * True when `word` could be the option `flag` when the program reads it: exactly, with `=value`,
 * as an unambiguous GNU-style abbreviation (`--upload-p` for `--upload-pack`) when `abbreviations`
 * is set, or, for a glob word, when the glob could expand to it (a file named `-c` exists).
 */
export function matchesLongFlag(word: ResolvedWord, flag: string, abbreviations = false): boolean {
  if (word.glob) return globCouldBe(word, [flag, `${flag}=x`]);
  const name = word.value.split('=', 1)[0]!;
  if (name === flag) return true;
  return abbreviations && name.startsWith('--') && name.length >= 3 && flag.startsWith(name);
}

/**
 * True when `word` is a short-option cluster (`-xvc`) that holds one of `letters`, or a glob that
 * could expand to one.
 */
export function matchesShortFlag(word: ResolvedWord, letters: string): boolean {
  if (word.glob)
    return globCouldBe(
      word,
      [...letters].map((letter) => `-${letter}`),
    );
  const value = word.value;
  if (!value.startsWith('-') || value.startsWith('--') || value.length < 2) return false;
  return [...value.slice(1)].some((letter) => letters.includes(letter));
}

/** True when a glob word could expand to any of `candidates`. */
export function globCouldBe(word: ResolvedWord, candidates: readonly string[]): boolean {
  if (!word.glob) return candidates.includes(word.value);
  const matcher = picomatch(word.value, { bash: true, dot: true, nonegate: true, noextglob: true });
  return candidates.some((candidate) => matcher(candidate));
}

/** True when `word` looks like an option (or is a glob that could expand to one). */
export function isOptionLike(word: ResolvedWord): boolean {
  if (word.glob) return globCouldBe(word, ['-x', '--x']);
  return word.value.startsWith('-') && word.value !== '-';
}
