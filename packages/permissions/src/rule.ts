import { PermissionsError } from './errors.js';
import type { Rule } from './types.js';

const SERVER_CHAR = /[A-Za-z0-9_.\-*?]/;
const TOOL_CHAR = /[A-Za-z0-9_.\-/*?]/;

function fail(text: string, problem: string): never {
  throw new PermissionsError('E_RULE', `invalid rule ${JSON.stringify(text)}: ${problem}`);
}

function checkName(text: string, name: string, part: 'server' | 'tool', offset: number): void {
  if (name === '') fail(text, `empty ${part} name; expected server:tool, for example fs:read_*`);
  const allowed = part === 'server' ? SERVER_CHAR : TOOL_CHAR;
  for (let index = 0; index < name.length; index++) {
    const char = name[index]!;
    if (!allowed.test(char)) {
      const shown = /\s/.test(char) ? 'whitespace' : `character ${JSON.stringify(char)}`;
      fail(
        text,
        `bad ${shown} in ${part} name at position ${offset + index + 1}; ${part} names allow letters, digits, _ . -${part === 'tool' ? ' /' : ''} and the globs * ?`,
      );
    }
  }
}

/**
 * Parses `server:tool` or `server:tool(pattern)`. Server and tool are globs over names (`*` any run
 * of characters, `?` one character; `/` is an ordinary character). The pattern is everything inside
 * the outer parentheses (nested parentheses must balance) and is interpreted per subject kind at
 * match time. Throws {@link PermissionsError} `E_RULE` naming the problem and its position.
 */
export function parseRule(text: string): Rule {
  if (typeof text !== 'string') fail(String(text), 'expected a string');
  const rule = text.trim();
  if (rule === '') fail(text, 'rule is empty; expected server:tool, for example fs:read_*');
  if (/[\0\r\n]/.test(rule)) fail(text, 'rule contains a line break or NUL character');

  const open = rule.indexOf('(');
  const closeInHead = rule.indexOf(')');
  if (closeInHead !== -1 && (open === -1 || closeInHead < open)) {
    fail(text, `unbalanced parentheses: ')' at position ${closeInHead + 1} has no matching '('`);
  }
  const head = open === -1 ? rule : rule.slice(0, open);
  let pattern: string | undefined;
  if (open !== -1) {
    let depth = 0;
    let close = -1;
    for (let index = open; index < rule.length; index++) {
      const char = rule[index];
      if (char === '(') depth++;
      else if (char === ')') {
        depth--;
        if (depth === 0) {
          close = index;
          break;
        }
      }
    }
    if (close === -1) fail(text, `unbalanced parentheses: '(' at position ${open + 1} is never closed`);
    if (close !== rule.length - 1) {
      fail(
        text,
        `unexpected text after ')' at position ${close + 1}; the argument pattern must end the rule`,
      );
    }
    pattern = rule.slice(open + 1, close).trim();
    if (pattern === '')
      fail(text, 'empty argument pattern "()"; drop the parentheses to match any arguments');
  }

  const colon = head.indexOf(':');
  if (colon === -1) fail(text, "missing ':'; expected server:tool, for example fs:read_* or memory:*");
  if (head.indexOf(':', colon + 1) !== -1) {
    fail(text, `unexpected second ':' at position ${head.indexOf(':', colon + 1) + 1}; expected server:tool`);
  }
  const server = head.slice(0, colon);
  const tool = head.slice(colon + 1);
  checkName(text, server, 'server', 0);
  checkName(text, tool, 'tool', colon + 1);
  return pattern === undefined ? { text: rule, server, tool } : { text: rule, server, tool, pattern };
}

/** Renders a rule back to its canonical text, `server:tool` or `server:tool(pattern)`. */
export function formatRule(rule: Pick<Rule, 'server' | 'tool' | 'pattern'>): string {
  return rule.pattern === undefined
    ? `${rule.server}:${rule.tool}`
    : `${rule.server}:${rule.tool}(${rule.pattern})`;
}

/** True when `text` parses as a rule. */
export function isValidRule(text: string): boolean {
  try {
    parseRule(text);
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles a name glob (`*` any run of characters including none, `?` exactly one character, all
 * else literal) to a predicate. Matching is case-sensitive, like MCP tool names.
 */
export function compileNameGlob(glob: string): (name: string) => boolean {
  if (glob === '*') return () => true;
  if (!/[*?]/.test(glob)) return (name) => name === glob;
  let source = '';
  for (const char of glob) {
    if (char === '*') source += '[^]*';
    else if (char === '?') source += '[^]';
    else source += char.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const regex = new RegExp(`^${source}$`);
  return (name) => regex.test(name);
}
