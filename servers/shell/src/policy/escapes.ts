import { basename } from 'node:path';
import {
  ALWAYS,
  type Escape,
  FLAGGED,
  type FlagTable,
  INTERPRETERS,
  type Interpreter,
  SHELLS,
} from './escape-tables.js';
import { matchesLongFlag, matchesShortFlag } from './flags.js';
import { findGitEscapes } from './git-escapes.js';
import type { ResolvedWord } from './words.js';

/** The program name rules and escapes are keyed by: the basename, with python3.12 → python. */
export function programName(word: string): string {
  const name = basename(word);
  if (/^(python|pypy)[0-9.]*$/.test(name)) return 'python';
  if (name === 'nodejs') return 'node';
  return name;
}

/** Lists the interpreter escapes in a command (its argv after wrapper stripping). */
export function findEscapes(words: readonly ResolvedWord[]): Escape[] {
  const first = words[0];
  if (!first) return [];
  const typed = basename(first.value);
  const name = programName(first.value);
  const args = words.slice(1);
  if (/^ld(-linux[^/]*)?\.so/.test(typed))
    return [{ signature: [typed], reason: 'the dynamic loader runs any program' }];
  if (SHELLS.has(name)) {
    const withC = args.some((word) => matchesShortFlag(word, 'c'));
    return [{ signature: withC ? [typed, '-c'] : [typed], reason: `${typed} runs shell code` }];
  }
  const always = ALWAYS[name];
  if (always) return [{ signature: [typed], reason: `${typed} ${always}` }];
  if (name === 'env') return findEnvEscapes(typed, args);
  if (name === 'git') return findGitEscapes(typed, args);
  const interpreter = INTERPRETERS[name];
  if (interpreter) return findInterpreterEscapes(typed, args, interpreter);
  const table = FLAGGED[name];
  if (table) return findFlaggedEscapes(typed, name, args, table);
  return [];
}

function findInterpreterEscapes(typed: string, args: readonly ResolvedWord[], spec: Interpreter): Escape[] {
  for (let index = 0; index < args.length; index += 1) {
    const word = args[index]!;
    const codeFlag = [...spec.code].find((letter) => matchesShortFlag(word, letter));
    if (codeFlag)
      return [
        {
          signature: [typed, `-${codeFlag}`],
          reason: `${typed} -${codeFlag} runs program text from the command line`,
        },
      ];
    const codeLong = spec.codeLong?.find((flag) => matchesLongFlag(word, flag));
    if (codeLong)
      return [
        {
          signature: [typed, codeLong],
          reason: `${typed} ${codeLong} runs program text from the command line`,
        },
      ];
    const value = word.value;
    if (word.glob) continue;
    if (value === '-')
      return [{ signature: [typed], reason: `${typed} - reads its program from standard input` }];
    if (value === '--') return index + 1 < args.length ? [] : stdinEscape(typed, spec);
    if (value.startsWith('--')) {
      if (spec.valuedLong?.includes(value) && !value.includes('=')) index += 1;
      continue;
    }
    if (value.startsWith('-')) {
      const letters = value.slice(1);
      if (spec.stops && [...letters].some((letter) => spec.stops!.includes(letter))) return [];
      const valuedAt = [...letters].findIndex((letter) => spec.valued?.includes(letter));
      if (valuedAt === letters.length - 1) index += 1;
      continue;
    }
    return [];
  }
  return stdinEscape(typed, spec);
}

function stdinEscape(typed: string, spec: Interpreter): Escape[] {
  return spec.readsStdin
    ? [{ signature: [typed], reason: `${typed} without a script reads its program from standard input` }]
    : [];
}

function findEnvEscapes(typed: string, args: readonly ResolvedWord[]): Escape[] {
  for (let index = 0; index < args.length; index += 1) {
    const word = args[index]!;
    if (word.glob) return [{ signature: [typed], reason: 'env with a glob argument could run a command' }];
    const value = word.value;
    if (matchesShortFlag(word, 'S') || matchesLongFlag(word, '--split-string', true)) {
      return [{ signature: [typed, '-S'], reason: 'env -S splits a string into a command and runs it' }];
    }
    if (value === '--') continue;
    if (/^(-[iv0]+|--ignore-environment|--null|--debug)$/.test(value)) continue;
    if (/^(-u|-C|--unset|--chdir)$/.test(value)) {
      index += 1;
      continue;
    }
    if (/^(-u.|-C.|--unset=|--chdir=)/.test(value)) continue;
    if (value.startsWith('-'))
      return [{ signature: [typed], reason: `env option ${value} is not understood` }];
    if (/^[^=]+=/.test(value)) continue;
    return [{ signature: [typed], reason: `env runs the command ${value}` }];
  }
  return [];
}

function findFlaggedEscapes(
  typed: string,
  name: string,
  args: readonly ResolvedWord[],
  table: FlagTable,
): Escape[] {
  const escapes: Escape[] = [];
  const subcommand = args.find((word) => !word.value.startsWith('-'));
  if (subcommand && table.subcommands?.includes(subcommand.value)) {
    escapes.push({
      signature: [typed, subcommand.value],
      reason: `${typed} ${subcommand.value} ${table.reason}`,
    });
  }
  // Old-style tar (`tar xIf …`): the first word is an option cluster without a dash.
  const oldTar =
    name === 'tar' && args[0] && !args[0].value.startsWith('-')
      ? [{ ...args[0], value: `-${args[0].value}` }]
      : [];
  for (const word of [...oldTar, ...args]) {
    const letter = table.short
      ? [...table.short].find((candidate) => matchesShortFlag(word, candidate))
      : undefined;
    if (letter)
      escapes.push({ signature: [typed, `-${letter}`], reason: `${typed} -${letter} ${table.reason}` });
    const long = table.long?.find((flag) => matchesLongFlag(word, flag, table.abbreviations === true));
    if (long) escapes.push({ signature: [typed, long], reason: `${typed} ${long} ${table.reason}` });
    if ((name === 'make' || name === 'gmake') && /^(SHELL|MAKESHELL|\.SHELLFLAGS)\+?:*=/.test(word.value)) {
      escapes.push({
        signature: [typed, 'SHELL'],
        reason: `${typed} ${word.value} replaces the shell make runs recipes with`,
      });
    }
  }
  return escapes;
}
