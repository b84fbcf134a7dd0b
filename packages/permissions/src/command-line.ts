/** Result of {@link splitCommandLine}. */
export type CommandLineSplit = { ok: true; commands: string[] } | { ok: false; reason: string };

const KEYWORDS = new Set([
  '{',
  '}',
  '[[',
  ']]',
  'if',
  'then',
  'else',
  'elif',
  'fi',
  'for',
  'while',
  'until',
  'do',
  'done',
  'case',
  'esac',
  'function',
  'select',
  'coproc',
]);
const SAFE_REDIRECT_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr']);

function refuse(reason: string): CommandLineSplit {
  return { ok: false, reason };
}

/**
 * Splits a shell command line into its simple commands at unquoted `;`, `&&`, `||`, `|`, `|&`, `&`
 * and newlines, so that each one can be checked on its own. Whitespace outside quotes is collapsed.
 *
 * Fails closed (`ok: false`) on what it cannot see through: command or process substitution
 * (`$(…)`, backticks, `<(…)`), subshells and groups, compound statements (`if`, `for`, `{ … }`),
 * heredocs, ANSI-C quotes (`$'…'`), output redirection to a file (only `/dev/null`, `/dev/stdout`,
 * `/dev/stderr` and fd duplication like `2>&1` pass), unbalanced quotes and empty commands.
 */
export function splitCommandLine(line: string): CommandLineSplit {
  if (typeof line !== 'string' || line.includes('\0')) return refuse('the command is not plain text');
  const commands: string[] = [];
  let current = '';
  let needsCommand = false;
  let index = 0;
  const length = line.length;

  const finish = (operator: string): CommandLineSplit | undefined => {
    const command = current.trim();
    current = '';
    const binary = operator === '&&' || operator === '||' || operator === '|' || operator === '|&';
    if (command === '') {
      // Blank lines (and a line break after `&&` / `|`) are fine; `; ;` or `&& &&` are not.
      if (operator === '\n') return undefined;
      return refuse(`empty command before '${operator}'`);
    }
    const first = command.split(' ')[0]!;
    if (KEYWORDS.has(first)) return refuse(`shell keyword '${first}' (compound statements are not checked)`);
    commands.push(command);
    needsCommand = binary;
    return undefined;
  };
  const space = (): void => {
    if (current !== '' && !current.endsWith(' ')) current += ' ';
  };

  while (index < length) {
    const char = line[index]!;
    const next = line[index + 1];
    if (char === '\\') {
      if (next === undefined) return refuse('trailing backslash');
      if (next === '\n') {
        index += 2;
        continue;
      }
      current += char + next;
      index += 2;
      continue;
    }
    if (char === "'") {
      const end = line.indexOf("'", index + 1);
      if (end === -1) return refuse('unbalanced single quote');
      current += line.slice(index, end + 1);
      index = end + 1;
      continue;
    }
    if (char === '"') {
      let cursor = index + 1;
      let closed = false;
      while (cursor < length) {
        const inner = line[cursor]!;
        if (inner === '\\') {
          cursor += 2;
          continue;
        }
        if (inner === '`' || (inner === '$' && line[cursor + 1] === '(')) {
          return refuse('command substitution inside double quotes');
        }
        if (inner === '"') {
          closed = true;
          break;
        }
        cursor++;
      }
      if (!closed) return refuse('unbalanced double quote');
      current += line.slice(index, cursor + 1);
      index = cursor + 1;
      continue;
    }
    if (char === '`') return refuse('command substitution (backticks)');
    if (char === '$' && next === '(') return refuse('command substitution $(…)');
    if (char === '$' && next === "'") return refuse("ANSI-C quoting $'…'");
    if ((char === '<' || char === '>') && next === '(') return refuse('process substitution');
    if (char === '(' || char === ')') return refuse('subshell or grouping parentheses');
    if (char === ' ' || char === '\t') {
      space();
      index++;
      continue;
    }
    if (char === '\n' || char === '\r') {
      const failure = finish('\n');
      if (failure) return failure;
      index++;
      continue;
    }
    if (char === ';') {
      if (next === ';') return refuse("';;' outside a case statement");
      const failure = finish(';');
      if (failure) return failure;
      index++;
      continue;
    }
    if (char === '|') {
      const operator = next === '|' ? '||' : next === '&' ? '|&' : '|';
      const failure = finish(operator);
      if (failure) return failure;
      index += operator.length;
      continue;
    }
    if (char === '&') {
      if (next === '&') {
        const failure = finish('&&');
        if (failure) return failure;
        index += 2;
        continue;
      }
      if (next === '>') {
        // `&>file` / `&>>file`: both streams to a file.
        const target = readRedirectTarget(line, index + (line[index + 2] === '>' ? 3 : 2));
        if (!SAFE_REDIRECT_TARGETS.has(target.word)) return refuse('output redirection to a file');
        current += `${line.slice(index, target.start).trim()}${target.word}`;
        index = target.end;
        continue;
      }
      // `>&` is handled with `>`; a lone `&` runs the command in the background.
      const failure = finish('&');
      if (failure) return failure;
      index++;
      continue;
    }
    if (char === '>') {
      let cursor = index + 1;
      if (line[cursor] === '>' || line[cursor] === '|') cursor++;
      if (line[cursor] === '&') {
        // fd duplication or close: `>&2`, `2>&1`, `>&-`.
        const target = readRedirectTarget(line, cursor + 1);
        if (!/^(\d+|-)$/.test(target.word)) return refuse('output redirection to a file');
        current += `${line.slice(index, cursor + 1)}${target.word}`;
        index = target.end;
        continue;
      }
      const target = readRedirectTarget(line, cursor);
      if (!SAFE_REDIRECT_TARGETS.has(target.word)) return refuse('output redirection to a file');
      current += `${line.slice(index, cursor)}${target.word}`;
      index = target.end;
      continue;
    }
    if (char === '<' && next === '<') return refuse('heredoc or herestring');
    current += char;
    index++;
  }
  const failure = finish('\n');
  if (failure) return failure;
  if (commands.length === 0) return refuse('the command is empty');
  if (needsCommand) return refuse('the command line ends with an operator');
  return { ok: true, commands };
}

/** Reads the word after a redirection operator (unquoted, up to whitespace or an operator). */
function readRedirectTarget(line: string, from: number): { word: string; start: number; end: number } {
  let start = from;
  while (line[start] === ' ' || line[start] === '\t') start++;
  let end = start;
  while (end < line.length && !/[\s;&|<>()'"`$\\]/.test(line[end]!)) end++;
  // A quoted or expanded target is not a plain word: report it as unsafe by returning it raw.
  if (end < line.length && /['"`$\\]/.test(line[end]!))
    return { word: `${line.slice(start, end)}…`, start, end };
  return { word: line.slice(start, end), start, end };
}
