import { isAbsolute, relative, resolve, sep } from 'node:path';
import { programName } from './escapes.js';
import { matchesLongFlag } from './flags.js';
import type { ResolvedWord } from './words.js';

/** Paths a command may write to whatever the roots are: the bit bucket and the standard streams. */
const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2']);

/** Programs whose every operand is a path they create, change or remove. */
const OPERAND_WRITERS = new Set(['rm', 'rmdir', 'touch', 'mkdir', 'truncate', 'shred', 'unlink', 'tee']);
/** Programs whose last operand (or -t DIR) is the destination. */
const DESTINATION_WRITERS = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);
// Options of those programs that take a separate value word.
const VALUED_OPTIONS: Record<string, readonly string[]> = {
  truncate: ['-s', '--size', '-r', '--reference'],
  mkdir: ['-m', '--mode'],
  install: ['-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix'],
  cp: ['-S', '--suffix'],
  mv: ['-S', '--suffix'],
  ln: ['-S', '--suffix'],
  touch: ['-d', '--date', '-r', '--reference', '-t'],
  shred: ['-n', '--iterations', '-s', '--size'],
  rsync: ['-e', '--rsh', '--exclude', '--include', '--filter', '-f'],
};

/** A file a command will write, as written in the command (relative paths are against cwd). */
export interface WriteTarget {
  path: string;
  /** What writes it: `>` for a redirection, or the option that names it. */
  via: string;
  /** A glob whose expansion is only known at run time; checked by its literal directory. */
  glob: boolean;
}

/** Files a command writes through its own arguments (not redirections). */
export function findArgumentWrites(words: readonly ResolvedWord[]): WriteTarget[] {
  const first = words[0];
  if (!first) return [];
  const name = programName(first.value);
  const args = words.slice(1);
  const targets: WriteTarget[] = [];
  const add = (word: ResolvedWord | undefined, via: string) => {
    if (word) targets.push({ path: word.value, via, glob: word.glob });
  };
  const addValue = (word: ResolvedWord, index: number, via: string) => {
    const equals = word.value.indexOf('=');
    if (equals !== -1) targets.push({ path: word.value.slice(equals + 1), via, glob: word.glob });
    else add(args[index + 1], via);
  };
  args.forEach((word, index) => {
    if (name === 'find' && ['-fprint', '-fprint0', '-fprintf', '-fls'].includes(word.value))
      add(args[index + 1], word.value);
    if (
      name === 'git' &&
      (matchesLongFlag(word, '--output', true) || matchesLongFlag(word, '--output-directory', true))
    ) {
      addValue(word, index, '--output');
    }
    if (name === 'git' && word.value === '-o') add(args[index + 1], '-o');
    if (name === 'sort' && (matchesLongFlag(word, '--output', true) || word.value === '-o'))
      addValue(word, index, '--output');
    if (name === 'sort' && /^-o./.test(word.value))
      targets.push({ path: word.value.slice(2), via: '-o', glob: word.glob });
    if (name === 'dd' && word.value.startsWith('of='))
      targets.push({ path: word.value.slice(3), via: 'of=', glob: word.glob });
  });
  if (OPERAND_WRITERS.has(name)) for (const operand of operandsOf(name, args)) add(operand, name);
  if (DESTINATION_WRITERS.has(name)) {
    const targetDirectory = args.findIndex(
      (word) => word.value === '-t' || matchesLongFlag(word, '--target-directory', true),
    );
    if (targetDirectory !== -1) addValue(args[targetDirectory]!, targetDirectory, name);
    else {
      const operands = operandsOf(name, args);
      if (operands.length >= 2 || name === 'ln') add(operands[operands.length - 1], name);
    }
  }
  return targets;
}

function operandsOf(name: string, args: readonly ResolvedWord[]): ResolvedWord[] {
  const valued = VALUED_OPTIONS[name] ?? [];
  const operands: ResolvedWord[] = [];
  let optionsDone = false;
  for (let index = 0; index < args.length; index += 1) {
    const word = args[index]!;
    if (!optionsDone && word.value === '--') {
      optionsDone = true;
      continue;
    }
    if (!optionsDone && word.value.startsWith('-') && word.value !== '-') {
      if (valued.includes(word.value)) index += 1;
      continue;
    }
    operands.push(word);
  }
  return operands;
}

/** True for the bit bucket and the standard streams, which any command may write. */
export function isHarmlessTarget(absolutePath: string): boolean {
  return HARMLESS_TARGETS.has(absolutePath);
}

/** Why a write target is refused, or undefined when it is acceptable. */
export function checkWriteTarget(
  target: WriteTarget,
  cwd: string,
  roots: readonly string[],
  readOnly: boolean,
): string | undefined {
  const absolute = resolve(cwd, target.path);
  if (HARMLESS_TARGETS.has(absolute)) return undefined;
  if (absolute.startsWith('/dev/tcp/') || absolute.startsWith('/dev/udp/')) {
    return `${target.via} ${target.path} opens a network connection`;
  }
  if (readOnly) return `${target.via} ${target.path} writes a file, and the default policy is read-only`;
  const checked = target.glob ? literalDirectoryOf(absolute) : absolute;
  if (!isInsideRoots(checked, roots))
    return `${target.via} ${target.path} writes outside the roots (${roots.join(', ')})`;
  if (checked.split(sep).includes('.git')) {
    return `${target.via} ${target.path} writes inside a .git directory (hooks and config there run commands)`;
  }
  return undefined;
}

/** True when `path` (absolute) is one of the roots or inside one. */
export function isInsideRoots(path: string, roots: readonly string[]): boolean {
  return roots.some((root) => {
    const relation = relative(root, path);
    return (
      relation === '' || (relation !== '..' && !relation.startsWith(`..${sep}`) && !isAbsolute(relation))
    );
  });
}

function literalDirectoryOf(pattern: string): string {
  const parts = pattern.split(sep);
  const firstGlob = parts.findIndex((part) => /[*?[]/.test(part));
  return parts.slice(0, firstGlob === -1 ? parts.length : firstGlob).join(sep) || sep;
}
