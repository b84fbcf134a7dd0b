import { basename, dirname, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { RedirectInfo } from './analyze.js';
import { programName } from './escapes.js';
import { matchesLongFlag, matchesShortFlag } from './flags.js';
import type { CompiledPathRules } from './path-rules.js';
import type { ResolvedWord } from './words.js';
import { isHarmlessTarget, isInsideRoots } from './writes.js';

/**
 * Programs the policy knows only read (or print): their path arguments outside the roots are reads,
 * not writes. Any other program given a path outside the roots is refused, because the policy
 * cannot tell whether it writes there (the OS sandbox is the wall for what the policy does not know).
 */
const READERS = new Set([
  'cat',
  'head',
  'tail',
  'less',
  'more',
  'wc',
  'grep',
  'egrep',
  'fgrep',
  'rg',
  'ls',
  'stat',
  'file',
  'du',
  'df',
  'diff',
  'cmp',
  'comm',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'sha512sum',
  'cksum',
  'readlink',
  'realpath',
  'basename',
  'dirname',
  'echo',
  'printf',
  'pwd',
  'test',
  '[',
  'true',
  'false',
  'which',
  'type',
  'find',
  'tree',
  'jq',
  'od',
  'xxd',
  'hexdump',
  'strings',
  'nl',
  'cut',
  'tr',
  'column',
  'sort',
  'git',
  'tar',
  'cp',
  'mv',
  'ln',
  'rm',
  'rmdir',
  'touch',
  'mkdir',
  'chmod',
  'chown',
  'chgrp',
  'tee',
  'dd',
  'truncate',
  'install',
  'rsync',
]);

/** Programs that read whole directory trees when given a directory (or by default). */
function recursiveOperands(name: string, args: readonly ResolvedWord[]): ResolvedWord[] | undefined {
  const operands = args.filter((word) => !word.value.startsWith('-'));
  const dot: ResolvedWord = { value: '.', text: '.', glob: false, ansiC: false };
  if (name === 'rg' || name === 'ag' || name === 'ack')
    return operands.slice(1).length > 0 ? operands.slice(1) : [dot];
  if (name === 'grep' || name === 'egrep' || name === 'fgrep') {
    const recursive = args.some(
      (word) =>
        matchesShortFlag(word, 'rR') ||
        matchesLongFlag(word, '--recursive', true) ||
        matchesLongFlag(word, '--dereference-recursive', true) ||
        /^(-d|--directories)=?recurse$/.test(word.value),
    );
    if (!recursive) return undefined;
    const explicitPattern = args.some((word) => /^(-e|-f|--regexp|--file)/.test(word.value));
    const files = explicitPattern ? operands : operands.slice(1);
    return files.length > 0 ? files : [dot];
  }
  if (name === 'cp' || name === 'scp' || name === 'zip') {
    const recursive = args.some(
      (word) =>
        matchesShortFlag(word, name === 'zip' ? 'r' : 'rRa') ||
        matchesLongFlag(word, '--recursive', true) ||
        matchesLongFlag(word, '--archive', true),
    );
    return recursive ? operands : undefined;
  }
  if (name === 'rsync' || name === 'tar' || name === 'du') return operands;
  if (name === 'git') {
    const subcommand = operands[0]?.value;
    if (subcommand === 'grep' || subcommand === 'archive') return [dot, ...operands.slice(2)];
  }
  return undefined;
}

/** What a path-argument check needs. */
export interface PathArgumentContext {
  roots: readonly string[];
  paths: CompiledPathRules;
  cwd: string;
}

/** The path a word names, if it could name one: its value, or the value of `--opt=value`, or git's `rev:path`. */
function pathsOf(name: string, word: ResolvedWord): string[] {
  const value = word.value;
  if (value === '' || value === '-' || value === '--') return [];
  const found: string[] = [];
  if (value.startsWith('-')) {
    const equals = value.indexOf('=');
    if (equals !== -1) found.push(value.slice(equals + 1));
    return found.filter((path) => path !== '');
  }
  found.push(value);
  if (name === 'git' && value.includes(':') && !value.includes('://'))
    found.push(value.slice(value.indexOf(':') + 1));
  return found;
}

/**
 * Why a command's path arguments are refused, or undefined: a path that a deny rule covers (read
 * or written), a recursive reader over a directory that could hold one, or a program that the
 * policy does not know to be read-only given a path outside the roots.
 */
export function checkPathArguments(
  words: readonly ResolvedWord[],
  redirects: readonly RedirectInfo[],
  context: PathArgumentContext,
): string | undefined {
  const first = words[0];
  if (!first) return undefined;
  const name = programName(first.value);
  const args = words.slice(1);
  for (const redirect of redirects) {
    if (redirect.kind !== 'read' && redirect.kind !== 'write') continue;
    const absolute = resolve(context.cwd, redirect.target);
    const denied = context.paths.deniedBy(absolute);
    if (denied !== undefined)
      return `${redirect.operator} ${redirect.target} names a path the deny path \`${denied}\` covers`;
  }
  for (const word of args) {
    for (const path of pathsOf(name, word)) {
      const absolute = resolve(context.cwd, path);
      const denied = context.paths.deniedBy(word.glob ? `${absolute}` : absolute);
      if (denied !== undefined)
        return `${path} names a path the deny path \`${denied}\` covers; denied paths are not readable through the shell either`;
      if (word.glob && globCouldHitDeny(absolute, context.paths))
        return `the glob ${path} could expand to a path a deny path covers; name the files instead`;
    }
  }
  const recursive = recursiveOperands(name, args);
  for (const operand of recursive ?? []) {
    const absolute = resolve(context.cwd, operand.value);
    const denied = context.paths.deniedBeneath(absolute);
    if (denied !== undefined)
      return `${name} reads the whole tree under ${operand.value}, which could hold a path the deny path \`${denied}\` covers; name the files or directories to read instead`;
  }
  if (!READERS.has(name)) {
    for (const word of args) {
      for (const path of pathsOf(name, word)) {
        if (!looksLikePath(path)) continue;
        const absolute = resolve(context.cwd, path);
        if (isHarmlessTarget(absolute) || isInsideRoots(absolute, context.roots)) continue;
        return `${name} is not known to be read-only, and its argument ${path} is outside the roots (${context.roots.join(', ')}); the policy cannot tell whether it writes there`;
      }
    }
  }
  return undefined;
}

function looksLikePath(text: string): boolean {
  return (
    text.startsWith('/') ||
    text.startsWith('~') ||
    text === '..' ||
    text.startsWith('../') ||
    text.includes('/../')
  );
}

/** True when a glob word could expand to a path some deny pattern covers. */
function globCouldHitDeny(absolute: string, paths: CompiledPathRules): boolean {
  const matcher = picomatch(basename(absolute), { bash: true, dot: false, nocase: true });
  return paths.source.deny.some((pattern) => {
    const last = pattern.replace(/\/+$/, '').split('/').pop() ?? '';
    if (/[*?[\]{}!()]/.test(last)) return paths.deniedBeneath(dirname(absolute)) !== undefined;
    return matcher(last) && paths.deniedBeneath(dirname(absolute)) !== undefined;
  });
}
