import type { SubjectKind } from './types.js';

/**
 * Guesses how to read a tool's subject from the name of the argument a server declared in its
 * `_meta` (`meshwork/subject`): `path`, `paths`, `file`, `filename`, `source`, `destination`, `directory`, … →
 * `path`; `command`, `cmd`, `script`, `commandLine` → `command`; anything else → `text`.
 */
export function inferSubjectKind(argumentName: string): SubjectKind {
  const name = argumentName.toLowerCase();
  if (/^(command|commands|cmd|script|command_?line|shell_?command)$/.test(name)) return 'command';
  if (
    /(path|file|dir|directory|folder|source|destination|target|root)s?$/.test(name) ||
    /^(file|path)_?name$/.test(name) ||
    name === 'src' ||
    name === 'dest'
  ) {
    return 'path';
  }
  return 'text';
}
