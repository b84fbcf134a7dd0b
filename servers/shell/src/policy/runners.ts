import { resolve } from 'node:path';
import { programName } from './escapes.js';
import type { CompiledPathRules } from './path-rules.js';
import type { ResolvedWord } from './words.js';
import { isInsideRoots } from './writes.js';

/** node's built-in test reporters; any other value is a module node loads and runs. */
const BUILTIN_REPORTERS = new Set(['spec', 'tap', 'dot', 'junit', 'lcov']);
/** node options that load and run a module, or program text, given as their value. */
const NODE_CODE_OPTIONS = [
  '--import',
  '--require',
  '--loader',
  '--experimental-loader',
  '--eval',
  '--print',
  '--env-file',
  '--env-file-if-exists',
  '--experimental-config-file',
  '--experimental-default-config-file',
];
/** Package managers whose script runners pass the words after `--` on to the script. */
const SCRIPT_RUNNERS = new Set(['npm', 'pnpm', 'yarn']);

/** What a runner check needs. */
export interface RunnerContext {
  roots: readonly string[];
  paths: CompiledPathRules;
  cwd: string;
}

/** node reads `_` in an option name as `-`. */
function nodeOption(value: string): string {
  const equals = value.indexOf('=');
  const name = equals === -1 ? value : value.slice(0, equals);
  return name.replaceAll('_', '-');
}

/** Why node's options in `words` run code, or undefined (test reporters and their destinations). */
function nodeOptionProblem(words: readonly ResolvedWord[]): string | undefined {
  for (let index = 0; index < words.length; index += 1) {
    const value = words[index]!.value;
    if (!value.startsWith('--')) continue;
    const name = nodeOption(value);
    const inline = value.includes('=') ? value.slice(value.indexOf('=') + 1) : undefined;
    const next = inline ?? words[index + 1]?.value;
    if (name === '--test-reporter' && next !== undefined && !BUILTIN_REPORTERS.has(next))
      return `--test-reporter ${next} loads and runs a module; use a built-in reporter (${[...BUILTIN_REPORTERS].join(', ')})`;
    if (name === '--test-reporter-destination' && next !== undefined && !['stdout', 'stderr'].includes(next))
      return `--test-reporter-destination ${next} writes a file; report to stdout instead`;
    const code = NODE_CODE_OPTIONS.find((option) => name === option);
    if (code && name !== value.split('=', 1)[0])
      return `${value} is node's ${code}, which runs code it is given`;
  }
  return undefined;
}

/**
 * Why a test runner or script runner in `words` would run code the policy did not see, or
 * undefined: `node --test <file>` on a file this profile may write (so a builder's file runs under a
 * reviewer), node options that load modules (`--test-reporter=<module>`, underscore spellings), npm
 * passing such options on after `--`, and `npm --prefix` pointing at a directory the profile may
 * write or outside the roots. Ordinary `npm test` and `node --test` pass.
 */
export function findRunnerProblem(
  words: readonly ResolvedWord[],
  context: RunnerContext,
): string | undefined {
  const first = words[0];
  if (!first) return undefined;
  const name = programName(first.value);
  const args = words.slice(1);
  const writable = (path: string): boolean => context.paths.mayBeWritten(resolve(context.cwd, path));
  if (name === 'node') {
    const problem = nodeOptionProblem(args);
    if (problem) return problem;
    const testRunner = args.some((word) => nodeOption(word.value) === '--test');
    for (const word of testRunner ? args : []) {
      if (word.value.startsWith('-')) continue;
      if (writable(word.value))
        return `node would run ${word.value}, a file this server may write: code written by an agent does not run through the shell. Run the tests it already has (node --test) instead`;
    }
  }
  if (SCRIPT_RUNNERS.has(name)) {
    const separator = args.findIndex((word) => word.value === '--');
    const before = separator === -1 ? args : args.slice(0, separator);
    const passed = separator === -1 ? [] : args.slice(separator + 1);
    for (let index = 0; index < before.length; index += 1) {
      const value = before[index]!.value;
      const prefix = /^--pre(f(ix?)?)?(=|$)/.test(value) || value === '-C' || value.startsWith('--dir');
      if (!prefix) continue;
      const directory = value.includes('=') ? value.slice(value.indexOf('=') + 1) : before[index + 1]?.value;
      if (directory === undefined) return `${value} needs a directory`;
      const absolute = resolve(context.cwd, directory);
      if (!isInsideRoots(absolute, context.roots))
        return `${name} ${value} ${directory} runs the scripts of a package outside the roots`;
      if (
        context.paths.mayBeWritten(absolute) ||
        context.paths.mayBeWritten(resolve(absolute, 'package.json'))
      )
        return `${name} ${value} ${directory} runs the scripts of a package this server may write`;
    }
    for (const word of passed) {
      if (word.value.startsWith('-')) {
        const problem = nodeOptionProblem([word]);
        if (problem) return `${name} passes ${word.value} on to the script: ${problem}`;
        const option = nodeOption(word.value);
        if (NODE_CODE_OPTIONS.includes(option) || /^-[^-]*[erp]/.test(word.value))
          return `${name} passes ${word.value} on to the script, where it could run code`;
        continue;
      }
      if (writable(word.value))
        return `${name} passes ${word.value} on to the script, and this server may write it: the script could run it`;
    }
  }
  return undefined;
}
