/** A compiled command (or text) pattern. */
export interface CommandMatcher {
  /** Strict match of one simple command, for allow and ask rules. */
  allows(command: string): boolean;
  /**
   * Broad match, for deny rules: also tries the command without leading `VAR=value` assignments,
   * wrappers (`sudo`, `env`, `command`, `nice`, `timeout 5`, …), quoting of the program name and
   * its directory (`/bin/rm` → `rm`), so `rm *` also denies `sudo /bin/rm -rf x`.
   */
  denies(command: string): boolean;
}

/** Collapses runs of whitespace and trims. */
export function normalizeCommandText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Compiles a command pattern: `*` matches any text, spaces included; `\*` is a literal star; all
 * else is literal (whitespace collapsed). A trailing ` *` also matches the bare prefix, so
 * `npm test *` matches `npm test` and `npm test -- --watch` but not `npm testing`. Claude Code's
 * legacy suffix `:*` means the same (`npm test:*` = `npm test *`).
 */
export function compileCommandPattern(pattern: string): CommandMatcher {
  let text = normalizeCommandText(pattern);
  if (text.endsWith(':*') && !text.endsWith('\\:*') && text.length > 2)
    text = `${text.slice(0, -2).trimEnd()} *`;
  const regex = new RegExp(`^${wildcardSource(text)}$`);
  const allows = (command: string): boolean => regex.test(normalizeCommandText(command));
  return {
    allows,
    denies: (command) => commandVariants(command).some((variant) => regex.test(variant)),
  };
}

/**
 * Compiles a text pattern (for `text` subjects): like a command pattern but without the trailing
 * ` *` rule. `allows` is exact and case-sensitive; `denies` ignores case.
 */
export function compileTextPattern(pattern: string): CommandMatcher {
  const source = `^${wildcardSource(pattern.trim(), false)}$`;
  const strict = new RegExp(source);
  const broad = new RegExp(source, 'i');
  return { allows: (text) => strict.test(text), denies: (text) => broad.test(text.trim()) };
}

function wildcardSource(text: string, optionalTail = true): string {
  let source = '';
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (char === '\\' && text[index + 1] === '*') {
      source += '\\*';
      index++;
    } else if (char === '*') {
      const isTail = optionalTail && index === text.length - 1 && index > 0 && text[index - 1] === ' ';
      if (isTail) source = `${source.slice(0, -1)}(?: [^]*)?`;
      else source += '[^]*';
    } else source += char.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return source;
}

const WRAPPERS = new Set([
  'sudo',
  'doas',
  'env',
  'command',
  'builtin',
  'exec',
  'nohup',
  'nice',
  'ionice',
  'time',
  'timeout',
  'stdbuf',
  'xargs',
  'unbuffer',
  'chronic',
  'setsid',
  'caffeinate',
  '!',
]);
const SHELLS = new Set(['sh', 'bash', 'zsh', 'dash', 'ksh', 'fish', 'busybox']);

/** Removes quotes and backslashes from a word: `"rm"`, `'rm'`, `\rm` → `rm`. */
function unquote(word: string): string {
  return word.replace(/\\(.)/g, '$1').replace(/["']/g, '');
}

function basename(word: string): string {
  const slash = word.lastIndexOf('/');
  return slash === -1 ? word : word.slice(slash + 1);
}

/**
 * Forms of one simple command that deny rules are tried against (see {@link CommandMatcher.denies}).
 * Always includes the normalised command itself.
 */
export function commandVariants(command: string): string[] {
  const variants = new Set<string>();
  let words = normalizeCommandText(command).split(' ');
  variants.add(words.join(' '));
  for (let guard = 0; guard < 16 && words.length > 0; guard++) {
    const first = unquote(words[0]!);
    const program = basename(first);
    variants.add([program, ...words.slice(1)].join(' '));
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(first)) {
      words = words.slice(1);
    } else if (WRAPPERS.has(program)) {
      // Options of a wrapper may take arguments (`sudo -u root rm`): try every suffix after it.
      for (let start = 1; start < words.length; start++) {
        const suffix = words.slice(start);
        variants.add(suffix.join(' '));
        variants.add([basename(unquote(suffix[0]!)), ...suffix.slice(1)].join(' '));
      }
      // Then drop the wrapper and its options (and a numeric argument: `timeout 5`, `nice -n 5`).
      let rest = words.slice(1);
      while (
        rest.length > 0 &&
        (/^-/.test(rest[0]!) ||
          /^[0-9.]+[smhd]?$/.test(rest[0]!) ||
          /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0]!))
      ) {
        rest = rest.slice(1);
      }
      words = rest;
    } else break;
    if (words.length > 0) variants.add(words.join(' '));
  }
  return [...variants];
}

/**
 * True when a simple command runs code we cannot see: `eval`, `source` / `.`, or a shell with
 * `-c`. Deny rules on a command subject match such commands (fail closed).
 */
export function isOpaqueCommand(command: string): boolean {
  for (const variant of commandVariants(command)) {
    const words = variant.split(' ');
    const program = basename(unquote(words[0] ?? ''));
    if (program === 'eval' || program === 'source' || program === '.') return true;
    if (SHELLS.has(program) && words.slice(1).some((word) => /^-[A-Za-z]*c/.test(word))) return true;
  }
  return false;
}
