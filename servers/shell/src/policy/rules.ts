import { basename } from 'node:path';
import picomatch from 'picomatch';
import { ShellError } from '../errors.js';
import type { Escape } from './escape-tables.js';

/** What a rule does when it matches. */
export type RuleKind = 'allow' | 'deny' | 'ask';

/** A compiled rule: a glob over the canonical text of one simple command. */
export interface Rule {
  kind: RuleKind;
  pattern: string;
  /** True when the rule matches `text`. */
  matches(text: string): boolean;
  /** True when the rule names every token of an escape's signature (so it may allow it). */
  names(found: Escape): boolean;
}

const GLOB_SYNTAX = /[*?[\]{}()!+@]/;

/**
 * Compiles a rule. The pattern is a glob over the command's canonical text (as explain_command
 * shows it): `*` matches anything, including `/` and spaces. A pattern ending in ` *` also matches
 * the command with no further words, so `npm test *` covers `npm test`.
 */
export function compileRule(kind: RuleKind, pattern: string): Rule {
  const trimmed = pattern.trim().replace(/\s+/g, ' ');
  if (trimmed === '') throw new ShellError('E_RULE', `An empty ${kind} rule is not allowed.`);
  const options = { bash: true, dot: true, nonegate: true, strictBrackets: true } as const;
  let matchers: Array<(text: string) => boolean>;
  try {
    matchers = [picomatch(trimmed, options)];
    if (trimmed.endsWith(' *')) matchers.push(picomatch(trimmed.slice(0, -2), options));
  } catch (error) {
    throw new ShellError('E_RULE', `The ${kind} rule ${JSON.stringify(pattern)} is not a valid glob.`, {
      cause: error,
    });
  }
  const ruleWords = trimmed.split(' ');
  return {
    kind,
    pattern: trimmed,
    matches: (text) => matchers.some((matcher) => matcher(text)),
    names(found) {
      const [program, ...tokens] = found.signature;
      const head = ruleWords[0]!;
      if (GLOB_SYNTAX.test(head) || basename(head) !== basename(program!)) return false;
      return tokens.every((token) =>
        ruleWords.slice(1).some((word) => word === token || word.startsWith(`${token}=`)),
      );
    },
  };
}
