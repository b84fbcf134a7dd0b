import { MemoryError } from '../errors.js';

/** A user query turned into an FTS5 MATCH expression plus the words to place snippets on. */
export interface SearchQuery {
  match: string;
  /** Lower-cased words, for finding where a snippet should start. */
  terms: string[];
}

const HAS_WORD = /[\p{L}\p{N}]/u;

/**
 * Turns free text into a safe FTS5 expression: every word becomes a quoted phrase, so FTS5 syntax
 * in the input is never interpreted (no injection, no syntax errors); `"exact phrase"` stays a
 * phrase, a trailing `*` asks for a prefix, and a bare `OR` between two words is kept. Words are
 * ANDed. Identifiers such as `TCK-12345` or `snake_case_name` stay one token (the index keeps `-`
 * and `_` inside tokens), so they match exactly and fast.
 */
export function parseSearchQuery(query: string): SearchQuery {
  const pieces = query.match(/"[^"]*"|\S+/g) ?? [];
  const parts: string[] = [];
  const terms: string[] = [];
  for (const piece of pieces) {
    if (piece === 'OR') {
      if (parts.length > 0 && parts[parts.length - 1] !== 'OR') parts.push('OR');
      continue;
    }
    const quoted = piece.length >= 2 && piece.startsWith('"') && piece.endsWith('"');
    let word = quoted ? piece.slice(1, -1) : piece;
    let prefix = false;
    if (!quoted && word.endsWith('*')) {
      prefix = true;
      word = word.replace(/\*+$/, '');
    }
    if (!quoted) word = word.replace(/^["'(]+|["'),.;:!?]+$/g, '');
    if (!HAS_WORD.test(word)) continue;
    parts.push(`"${word.replace(/"/g, '""')}"${prefix ? '*' : ''}`);
    terms.push(word.toLowerCase());
  }
  while (parts[parts.length - 1] === 'OR') parts.pop();
  if (terms.length === 0) {
    throw new MemoryError(
      'E_BAD_QUERY',
      `Query ${JSON.stringify(query)} has no words to search for; give at least one word or identifier.`,
    );
  }
  return { match: parts.join(' '), terms };
}

const HAS_LETTER = /[A-Za-z]/;

/** True for the ASCII characters a compound identifier is made of: letters, digits, `-` and `_`. */
function isIdentifierCode(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 45 ||
    code === 95
  );
}

/**
 * The parts of hyphenated or snake_case words (`pnpm-lock` gives `pnpm lock`), to index next to the
 * original text. The tokenizer keeps `-` and `_` inside tokens so identifiers are single tokens
 * (exact and fast to find); these parts keep plain words findable inside them. Parts without a
 * letter (the `12345` of `TCK-12345`) are left out: they would bloat the index for little recall.
 * Linear: it only visits the words around each `-` or `_`; it runs on every indexed line.
 */
export function compoundParts(text: string): string {
  const extra = new Set<string>();
  let from = 0;
  for (;;) {
    const dash = text.indexOf('-', from);
    const underscore = text.indexOf('_', from);
    const at = dash < 0 ? underscore : underscore < 0 ? dash : Math.min(dash, underscore);
    if (at < 0) break;
    let start = at;
    while (start > 0 && isIdentifierCode(text.charCodeAt(start - 1))) start -= 1;
    let end = at + 1;
    while (end < text.length && isIdentifierCode(text.charCodeAt(end))) end += 1;
    const compound = text.slice(start, end);
    for (const part of compound.split(/[-_]+/)) {
      if (part.length > 1 && part.length < compound.length && HAS_LETTER.test(part)) extra.add(part);
    }
    from = end;
  }
  return [...extra].join(' ');
}

/** Text as it is fed to the index: the original plus its {@link compoundParts}. */
export function indexableText(text: string): string {
  const extra = compoundParts(text);
  return extra === '' ? text : `${text}\n${extra}`;
}

/**
 * A short excerpt of `text` around the first occurrence of any of `terms`, whitespace collapsed,
 * at most about `width` characters.
 */
export function makeSnippet(text: string, terms: readonly string[], width = 160): string {
  const lower = text.toLowerCase();
  let at = -1;
  for (const term of terms) {
    const index = lower.indexOf(term);
    if (index >= 0 && (at < 0 || index < at)) at = index;
  }
  const start = at < 0 ? 0 : Math.max(0, at - Math.floor(width / 3));
  const slice = text
    .slice(start, start + width * 2)
    .replace(/\s+/g, ' ')
    .trim();
  const cut = [...slice].slice(0, width).join('');
  return `${start > 0 ? '…' : ''}${cut}${cut.length < slice.length || start + width * 2 < text.length ? '…' : ''}`;
}
