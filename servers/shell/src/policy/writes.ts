import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { programName } from './escapes.js';
import { matchesLongFlag, matchesShortFlag } from './flags.js';
import { type CompiledPathRules, isAlwaysWritable } from './path-rules.js';
import type { ResolvedWord } from './words.js';

/** Paths a command may write to whatever the roots are: the bit bucket and the standard streams. */
const HARMLESS_TARGETS = new Set(['/dev/null', '/dev/stdout', '/dev/stderr', '/dev/fd/1', '/dev/fd/2']);

/** Programs whose every operand is a path they create, change or remove. */
const OPERAND_WRITERS = new Set([
  'rm',
  'rmdir',
  'touch',
  'mkdir',
  'mkfifo',
  'mknod',
  'truncate',
  'shred',
  'unlink',
  'tee',
  'gzip',
  'gunzip',
  'bzip2',
  'bunzip2',
  'xz',
  'unxz',
  'zstd',
  'unzstd',
  'setfacl',
  'chattr',
]);
/** Programs whose first operand is a mode or owner and whose other operands are changed. */
const MODE_WRITERS = new Set(['chmod', 'chown', 'chgrp']);
/** Programs whose last operand (or -t DIR) is the destination. */
const DESTINATION_WRITERS = new Set(['cp', 'mv', 'ln', 'install', 'rsync']);
/** Programs that write into their working directory (or the directory an option names). */
const DIRECTORY_WRITERS: Record<string, readonly string[]> = {
  unzip: ['-d'],
  patch: ['-d', '--directory'],
  split: [],
  csplit: [],
  cpio: ['-D', '--directory'],
};
/** git subcommands that only read the repository; every other one may write the work tree or .git. */
const GIT_READERS = new Set([
  'status',
  'log',
  'diff',
  'show',
  'blame',
  'annotate',
  'ls-files',
  'ls-tree',
  'cat-file',
  'rev-parse',
  'rev-list',
  'describe',
  'shortlog',
  'grep',
  'whatchanged',
  'reflog',
  'name-rev',
  'merge-base',
  'for-each-ref',
  'show-ref',
  'version',
  'help',
  'var',
  'check-ignore',
  'check-attr',
  'count-objects',
  'diff-tree',
  'diff-files',
  'diff-index',
  'range-diff',
]);
// Options of those programs that take a separate value word.
const VALUED_OPTIONS: Record<string, readonly string[]> = {
  truncate: ['-s', '--size', '-r', '--reference'],
  mkdir: ['-m', '--mode'],
  install: ['-m', '--mode', '-o', '--owner', '-g', '--group', '-S', '--suffix', '-t', '--target-directory'],
  cp: ['-S', '--suffix', '-t', '--target-directory'],
  mv: ['-S', '--suffix', '-t', '--target-directory'],
  ln: ['-S', '--suffix', '-t', '--target-directory'],
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
  if (MODE_WRITERS.has(name)) {
    const reference = args.some((word) => matchesLongFlag(word, '--reference', true));
    for (const operand of operandsOf(name, args).slice(reference ? 0 : 1)) add(operand, name);
  }
  if (name === 'find' && args.some((word) => word.value === '-delete')) {
    const starts = findStartPaths(args);
    if (starts.length === 0) targets.push({ path: '.', via: 'find -delete', glob: false });
    for (const start of starts) add(start, 'find -delete');
  }
  if (name === 'mv') {
    // mv removes its sources: each one is written as much as the destination.
    const operands = operandsOf(name, args);
    const targeted = args.some(
      (word) => word.value === '-t' || matchesLongFlag(word, '--target-directory', true),
    );
    for (const source of targeted ? operands : operands.slice(0, -1)) add(source, 'mv (source)');
  }
  if (name === 'rsync' && args.some((word) => matchesLongFlag(word, '--remove-source-files', true))) {
    for (const source of operandsOf(name, args).slice(0, -1)) add(source, 'rsync --remove-source-files');
  }
  if (
    name === 'sed' &&
    args.some((word) => matchesShortFlag(word, 'i') || matchesLongFlag(word, '--in-place', true))
  )
    for (const file of sedFiles(args)) add(file, 'sed -i');
  if (name === 'tar') targets.push(...tarWrites(args));
  if (name === 'git') targets.push(...gitWrites(args));
  const directoryOptions = DIRECTORY_WRITERS[name];
  if (directoryOptions) {
    const index = args.findIndex((word) => directoryOptions.some((flag) => word.value === flag));
    const attached = args.find((word) => directoryOptions.some((flag) => word.value.startsWith(`${flag}=`)));
    if (attached)
      targets.push({
        path: attached.value.slice(attached.value.indexOf('=') + 1),
        via: name,
        glob: attached.glob,
      });
    else if (index !== -1) add(args[index + 1], name);
    else targets.push({ path: '.', via: name, glob: false });
  }
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

/** What a write target is checked against. */
export interface WriteContext {
  roots: readonly string[];
  paths: CompiledPathRules;
  /** The default read-only set applies (no rule was given). */
  defaultSet: boolean;
}

/** What a writer does to its target, as a verb: `rm` removes, `mv` moves, `chmod` changes, others write. */
function verbOf(via: string): string {
  const program = via.split(' ')[0] ?? via;
  if (['rm', 'rmdir', 'unlink', 'shred'].includes(program) || via === 'find -delete') return 'removes';
  if (program === 'mv') return 'moves';
  if (['chmod', 'chown', 'chgrp', 'touch', 'truncate'].includes(program)) return 'changes';
  return 'writes';
}

/** Why a write target is refused, or undefined when it is acceptable. */
export function checkWriteTarget(
  target: WriteTarget,
  cwd: string,
  context: WriteContext,
): string | undefined {
  const absolute = resolve(cwd, target.path);
  if (HARMLESS_TARGETS.has(absolute)) return undefined;
  if (absolute.startsWith('/dev/tcp/') || absolute.startsWith('/dev/udp/')) {
    return `${target.via} ${target.path} opens a network connection`;
  }
  const checked = target.glob ? literalDirectoryOf(absolute) : absolute;
  const denied = context.paths.deniedBy(checked);
  if (denied !== undefined)
    return `${target.via} ${target.path} writes ${checked}, which the deny path \`${denied}\` covers`;
  if (isAlwaysWritable(context.paths.source, checked)) return undefined;
  if (context.defaultSet && !context.paths.canWrite)
    return `${target.via} ${target.path} ${verbOf(target.via)} ${checked}, and the default policy is read-only`;
  if (!isInsideRoots(checked, context.roots))
    return `${target.via} ${target.path} ${verbOf(target.via)} outside the roots (${context.roots.join(', ')})`;
  if (checked.split(sep).includes('.git')) {
    return `${target.via} ${target.path} writes inside a .git directory (hooks and config there run commands)`;
  }
  const missing = context.paths.missingWriteGrant(checked);
  if (missing === undefined) return undefined;
  const suggestion = suggestGrant(checked, context.roots);
  if (missing === '')
    return `${target.via} ${target.path} ${verbOf(target.via)} ${checked}, and no write grant covers it: a rule that names a command grants running it, not writing files. Start the server with --allow-write '${suggestion}' (or, from a profile, add a write rule such as fs:write_file(${suggestion}))`;
  return `${target.via} ${target.path} ${verbOf(target.via)} ${checked}, outside the write grant (${missing}); add '${suggestion}' to it (--allow-write, or a profile write rule)`;
}

function suggestGrant(absolute: string, roots: readonly string[]): string {
  const root = roots.find((candidate) => isInsideRoots(absolute, [candidate]));
  if (root === undefined) return absolute;
  const relation = relative(root, absolute).split(sep).join('/');
  return relation === '' ? '**' : relation;
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

/** The start paths of a find command: the operands before the first expression word. */
function findStartPaths(args: readonly ResolvedWord[]): ResolvedWord[] {
  const starts: ResolvedWord[] = [];
  for (const word of args) {
    if (/^-[HLP]$/.test(word.value) || word.value.startsWith('-D') || word.value.startsWith('-O')) continue;
    if (word.value.startsWith('-') || word.value === '(' || word.value === '!' || word.value === ',') break;
    starts.push(word);
  }
  return starts;
}

/** The files `sed -i` edits: its operands after the script (the first operand without -e/-f). */
function sedFiles(args: readonly ResolvedWord[]): ResolvedWord[] {
  let scripted = false;
  const operands: ResolvedWord[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const value = args[index]!.value;
    if (value === '-e' || value === '-f' || value === '--expression' || value === '--file') {
      scripted = true;
      index += 1;
      continue;
    }
    if (/^(-e|-f|--expression=|--file=)/.test(value) || /^-[^-]*[ef]/.test(value)) {
      scripted = true;
      continue;
    }
    if (value === '-l' || value === '--line-length') index += 1;
    if (value.startsWith('-') && value !== '-') continue;
    operands.push(args[index]!);
  }
  return scripted ? operands : operands.slice(1);
}

/** What tar writes: the archive it creates or updates, or the directory it extracts into. */
function tarWrites(args: readonly ResolvedWord[]): WriteTarget[] {
  const words = args.map((word, index) =>
    index === 0 && !word.value.startsWith('-') ? { ...word, value: `-${word.value}` } : word,
  );
  let creates = false;
  let extracts = false;
  let file: ResolvedWord | undefined;
  let directory: ResolvedWord | undefined;
  for (let index = 0; index < words.length; index += 1) {
    const word = words[index]!;
    const value = word.value;
    if (value.startsWith('--')) {
      if (
        ['--create', '--append', '--update', '--catenate', '--concatenate', '--delete'].some((flag) =>
          matchesLongFlag(word, flag, true),
        )
      )
        creates = true;
      if (['--extract', '--get'].some((flag) => matchesLongFlag(word, flag, true))) extracts = true;
      for (const [flag, set] of [
        [
          '--file',
          (found: ResolvedWord) => {
            file = found;
          },
        ],
        [
          '--directory',
          (found: ResolvedWord) => {
            directory = found;
          },
        ],
      ] as const) {
        if (!matchesLongFlag(word, flag, true)) continue;
        if (value.includes('=')) set({ ...word, value: value.slice(value.indexOf('=') + 1) });
        else if (words[index + 1]) {
          set(words[index + 1]!);
          index += 1;
        }
      }
      continue;
    }
    if (!value.startsWith('-') || value === '-') continue;
    const letters = value.slice(1);
    let consumed = 0;
    for (let at = 0; at < letters.length; at += 1) {
      const letter = letters[at]!;
      if ('cruA'.includes(letter)) creates = true;
      if (letter === 'x') extracts = true;
      if ('fCTXbHKNVgL'.includes(letter)) {
        const rest = letters.slice(at + 1);
        let found: ResolvedWord | undefined;
        if (rest !== '' && index > 0) found = { ...word, value: rest };
        else {
          consumed += 1;
          found = words[index + consumed];
        }
        if (letter === 'f') file = found;
        if (letter === 'C') directory = found;
        if (rest !== '' && index > 0) break;
      }
    }
    index += consumed;
  }
  const targets: WriteTarget[] = [];
  if (creates && file) targets.push({ path: file.value, via: 'tar -f', glob: file.glob });
  if (extracts || !creates)
    targets.push({ path: directory?.value ?? '.', via: 'tar (extract)', glob: directory?.glob ?? false });
  return targets;
}

/** What git writes: for a subcommand that is not read-only, the repository it runs in (or init/clone's directory). */
function gitWrites(args: readonly ResolvedWord[]): WriteTarget[] {
  let directory = '.';
  let index = 0;
  for (; index < args.length; index += 1) {
    const value = args[index]!.value;
    if (!value.startsWith('-')) break;
    if (value === '-C' && args[index + 1]) {
      directory = under(directory, args[index + 1]!.value);
      index += 1;
      continue;
    }
    if (['-c', '--git-dir', '--work-tree', '--namespace', '--config-env'].includes(value)) index += 1;
  }
  const subcommand = args[index]?.value;
  if (subcommand === undefined || GIT_READERS.has(subcommand)) return [];
  const operands = args.slice(index + 1).filter((word) => !word.value.startsWith('-'));
  // Without operands these list (branches, tags, remotes) and change nothing.
  if (
    ['branch', 'tag', 'remote', 'stash', 'worktree'].includes(subcommand) &&
    operands.every((word) => word.value === 'list')
  )
    return [];
  if (subcommand === 'init') {
    const target = operands[0];
    return [{ path: target ? under(directory, target.value) : directory, via: 'git init', glob: false }];
  }
  if (subcommand === 'clone') {
    const target = operands[1];
    if (target) return [{ path: under(directory, target.value), via: 'git clone', glob: false }];
  }
  return [{ path: directory, via: `git ${subcommand}`, glob: false }];
}

function under(directory: string, path: string): string {
  return isAbsolute(path) ? path : join(directory, path);
}
