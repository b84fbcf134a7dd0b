import { basename } from 'node:path';
import type { ServerKind } from './types.js';

const BIN_KINDS: ReadonlyArray<[RegExp, ServerKind]> = [
  [/^meshwork-fs$|[\\/]filesystem[\\/]dist[\\/]cli\.js$|^@meshwork\/filesystem-server$/, 'filesystem'],
  [/^meshwork-shell$|[\\/]shell[\\/]dist[\\/]cli\.js$|^@meshwork\/shell-server$/, 'shell'],
  [/^meshwork-memory$|[\\/]memory[\\/]dist[\\/]cli\.js$|^@meshwork\/memory-server$/, 'memory'],
];

/**
 * Recognises a meshwork server by its bin: `meshwork-fs`, `meshwork-shell`, `meshwork-memory`, the
 * built `servers/<name>/dist/cli.js`, or the npm package name (e.g. behind `npx`). Anything else is
 * `other`: a third-party server, guarded by the gate only.
 */
export function detectServerKind(command: string | undefined, args: readonly string[]): ServerKind {
  const words = [command ?? '', ...args];
  for (const word of words) {
    // `@meshwork/filesystem-server@1.2.3` (npx) → `@meshwork/filesystem-server`.
    const unversioned = word.replace(/(.)@[^@/]*$/, '$1');
    for (const [pattern, kind] of BIN_KINDS) {
      if (pattern.test(word) || pattern.test(unversioned) || pattern.test(basename(word))) return kind;
    }
  }
  return 'other';
}
