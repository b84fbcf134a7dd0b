/**
 * The documented read-only set used when no rule is given. Every pattern also matches the bare
 * command (see `compileRule`). Writes are refused with this set, redirections included.
 */
export const DEFAULT_ALLOW: readonly string[] = [
  'ls *',
  'cat *',
  'head *',
  'tail *',
  'wc *',
  'grep *',
  'find *',
  'git status *',
  'git log *',
  'git diff *',
  'git show *',
  'pwd *',
  'echo *',
];

/** Deny rules that come with the read-only set: `find` actions that delete or write files. */
export const DEFAULT_DENY: readonly string[] = [
  'find *-delete*',
  'find *-fprint*',
  'find *-fls*',
  'git *--output*',
];

/**
 * Builtins that change the shell itself or evaluate text (eval, exec, source, cd, set, trap, …).
 * They are refused whatever the rules say: use the cwd and env arguments instead.
 */
export const REFUSED_BUILTINS: ReadonlySet<string> = new Set([
  'eval',
  'exec',
  'source',
  '.',
  'command',
  'builtin',
  'enable',
  'alias',
  'unalias',
  'hash',
  'trap',
  'set',
  'shopt',
  'cd',
  'pushd',
  'popd',
  'dirs',
  'export',
  'declare',
  'typeset',
  'local',
  'readonly',
  'unset',
  'let',
  'fc',
  'history',
  'coproc',
  'mapfile',
  'readarray',
  'read',
  'getopts',
  'ulimit',
  'umask',
  'exit',
  'logout',
  'return',
  'shift',
  'wait',
  'jobs',
  'fg',
  'bg',
  'disown',
  'suspend',
  'caller',
  'compgen',
  'complete',
  'compopt',
  'bind',
  'times',
]);

/** Bash builtins with no program on disk; a line using one runs through bash, never directly. */
export const SHELL_ONLY_BUILTINS: ReadonlySet<string> = new Set(['type', 'help']);
