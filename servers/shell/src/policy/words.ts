import { decodeAnsiC, isBareSafe, quoteWord } from './quoting.js';
import { Refusal } from './refusal.js';
import { asNodes, type ShellParser, type ShNode } from './shell-parser.js';

/** Where a word appears; expansion rules and refusals differ by position. */
export type WordRole = 'command' | 'argument' | 'redirect' | 'assignment';

/** A word whose value is known before anything runs. */
export interface ResolvedWord {
  /** The literal value; for a glob word, the pattern as written (quoted glob characters included). */
  value: string;
  /** Canonical shell text that reproduces the word exactly; rules are matched against it. */
  text: string;
  /** True when unquoted glob characters remain, which the shell expands at run time. */
  glob: boolean;
  /** True when `$'…'` quoting produced part of the value. */
  ansiC: boolean;
}

/** What word resolution needs to know about the run. */
export interface WordContext {
  parser: ShellParser;
  /** HOME as the command will see it, for `~` expansion; undefined refuses `~`. */
  home: string | undefined;
}

interface Segment {
  text: string;
  /** Quoted (or escaped) characters never glob. */
  quoted: boolean;
}

const GLOB_CHARACTERS = new Set(['*', '?', '[']);
// Characters that may stay unquoted inside a glob word: plain word characters plus glob syntax.
const GLOB_SAFE = /^[A-Za-z0-9_@%+=:,./\-*?[\]!^]*$/;

const PART_REFUSALS: Record<string, string> = {
  CmdSubst: 'command substitution ($(…) or backticks) cannot be checked before it runs',
  ProcSubst: 'process substitution (<(…) or >(…)) cannot be checked before it runs',
  ArithmExp: 'arithmetic expansion $((…)) cannot be resolved before running',
  ExtGlob: 'extended globs (@(…), !(…)) are not supported; write the words out',
  BraceExp: 'brace expansion ({a,b} or {1..3}) is not supported; write the words out',
};

/**
 * Resolves a word from its literal and quoted parts. Anything whose value depends on the shell at
 * run time (substitutions, parameters, brace expansion) is refused.
 */
export function resolveWord(word: ShNode, role: WordRole, context: WordContext): ResolvedWord {
  const { parser } = context;
  const split = parser.splitBraces(word);
  const parts = asNodes(split.Parts);
  const segments: Segment[] = [];
  let ansiC = false;
  parts.forEach((part, index) => {
    const type = parser.typeOf(part);
    switch (type) {
      case 'Lit': {
        const raw = String(part.Value);
        const tilde = index === 0 && role !== 'redirect' ? expandTilde(raw, context.home) : undefined;
        if (tilde) segments.push({ text: tilde.home, quoted: true });
        segments.push(...unescapeUnquoted(tilde ? tilde.rest : raw));
        break;
      }
      case 'SglQuoted': {
        const raw = String(part.Value);
        if (part.Dollar === true) {
          const decoded = decodeAnsiC(raw);
          if (decoded === undefined) throw new Refusal("an ANSI-C string ($'…') that holds a NUL byte");
          ansiC = true;
          segments.push({ text: decoded, quoted: true });
        } else {
          segments.push({ text: raw, quoted: true });
        }
        break;
      }
      case 'DblQuoted': {
        if (part.Dollar === true) throw new Refusal('locale-translated strings ($"…") are not supported');
        for (const inner of asNodes(part.Parts)) {
          const innerType = parser.typeOf(inner);
          if (innerType !== 'Lit') throw new Refusal(describePart(innerType, role, true));
          segments.push({ text: unescapeDoubleQuoted(String(inner.Value)), quoted: true });
        }
        break;
      }
      default:
        throw new Refusal(describePart(type, role, false));
    }
  });
  const value = segments.map((segment) => segment.text).join('');
  const glob = role !== 'assignment' && segments.some((segment) => !segment.quoted && hasGlob(segment.text));
  if (!glob) return { value, text: quoteWord(value), glob: false, ansiC };
  if (role === 'command') throw new Refusal(`glob characters in a command name (${value}) are not allowed`);
  if (role === 'redirect')
    throw new Refusal(`glob characters in a redirection target (${value}) are not allowed`);
  return { value, text: globText(segments, value), glob: true, ansiC };
}

/** Resolves the body of a here-document; bodies with expansions are refused. */
export function resolveHeredocBody(body: ShNode | undefined, literal: boolean, parser: ShellParser): string {
  if (!body) return '';
  let text = '';
  for (const part of asNodes(body.Parts)) {
    const type = parser.typeOf(part);
    if (type !== 'Lit')
      throw new Refusal('here-documents with expansions ($VAR, $(…)) cannot be checked; quote the delimiter');
    const raw = String(part.Value);
    text += literal ? raw : unescapeHeredoc(raw);
  }
  return text;
}

/** True when a here-document delimiter word is quoted in any way (which makes the body literal). */
export function isQuotedDelimiter(word: ShNode, parser: ShellParser): boolean {
  return asNodes(word.Parts).some(
    (part) => parser.typeOf(part) !== 'Lit' || String(part.Value).includes('\\'),
  );
}

function describePart(type: string, role: WordRole, quoted: boolean): string {
  const known = PART_REFUSALS[type];
  if (known) return known;
  if (type === 'ParamExp') {
    if (role === 'command') return 'parameter expansion in the command position ($X x) is never allowed';
    return `parameter expansion${quoted ? ' inside double quotes' : ''} ($VAR) cannot be resolved before running; write the value literally or pass it through the env argument`;
  }
  return `unsupported word part ${type}`;
}

function expandTilde(raw: string, home: string | undefined): { home: string; rest: string } | undefined {
  if (!raw.startsWith('~')) return undefined;
  const slash = raw.indexOf('/');
  const prefix = slash === -1 ? raw : raw.slice(0, slash);
  if (prefix !== '~') throw new Refusal(`tilde expansion ${prefix} is not supported; write the path out`);
  if (home === undefined) throw new Refusal('~ cannot be expanded because HOME is not set');
  return { home, rest: slash === -1 ? '' : raw.slice(slash) };
}

/** Unquoted text: a backslash quotes the next character; backslash-newline disappears. */
function unescapeUnquoted(raw: string): Segment[] {
  const segments: Segment[] = [];
  let plain = '';
  for (let index = 0; index < raw.length; index += 1) {
    const character = raw[index]!;
    if (character === '\\' && index + 1 < raw.length) {
      const next = raw[index + 1]!;
      index += 1;
      if (next === '\n') continue;
      if (plain) segments.push({ text: plain, quoted: false });
      plain = '';
      segments.push({ text: next, quoted: true });
      continue;
    }
    plain += character;
  }
  if (plain) segments.push({ text: plain, quoted: false });
  return segments;
}

/** Inside double quotes a backslash only escapes $ ` " \ and newline. */
function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\([$`"\\\n])/g, (_match, next: string) => (next === '\n' ? '' : next));
}

/** In an unquoted here-document a backslash only escapes $ ` \ and newline. */
function unescapeHeredoc(raw: string): string {
  return raw.replace(/\\([$`\\\n])/g, (_match, next: string) => (next === '\n' ? '' : next));
}

function hasGlob(text: string): boolean {
  for (const character of text) if (GLOB_CHARACTERS.has(character)) return true;
  return false;
}

function globText(segments: readonly Segment[], value: string): string {
  let text = '';
  for (const segment of segments) {
    if (segment.quoted) {
      text += isBareSafe(segment.text) ? segment.text : quoteWord(segment.text);
    } else {
      if (!GLOB_SAFE.test(segment.text)) {
        throw new Refusal(
          `the glob ${value} mixes in characters that cannot be checked; quote the non-glob parts`,
        );
      }
      text += segment.text;
    }
  }
  return text;
}
