import type { Escape } from './escape-tables.js';
import { matchesLongFlag, matchesShortFlag } from './flags.js';
import type { ResolvedWord } from './words.js';

// Global options (before the subcommand) that take a separate value word.
const GLOBAL_VALUED = new Set([
  '-C',
  '-c',
  '--git-dir',
  '--work-tree',
  '--namespace',
  '--config-env',
  '--super-prefix',
  '--attr-source',
  '--list-cmds',
]);

/** Subcommands that exist to run commands, change configuration or start servers. */
const RISKY_SUBCOMMANDS: Record<string, string> = {
  config: 'git config can set core.pager, core.fsmonitor or aliases that run commands later',
  'filter-branch': 'git filter-branch runs shell snippets',
  instaweb: 'git instaweb starts a web server',
  daemon: 'git daemon starts a server',
  'send-email': 'git send-email runs mail commands',
  mergetool: 'git mergetool runs merge tools',
  hook: 'git hook runs hook programs',
  credential: 'git credential exposes stored credentials',
  'credential-store': 'git credential-store exposes stored credentials',
  'credential-cache': 'git credential-cache exposes stored credentials',
  'web--browse': 'git web--browse runs a browser command',
};

/** Long options of any subcommand that run a command or read code. Git accepts abbreviations. */
const RISKY_LONG: Record<string, string> = {
  '--upload-pack': 'runs the program it names as the upload-pack',
  '--receive-pack': 'runs the program it names as the receive-pack',
  '--exec': 'runs the command it is given',
  '--extcmd': 'runs the diff command it is given',
  '--open-files-in-pager': 'runs the pager command it is given',
  '--ext-diff': 'runs the external diff command from configuration',
  '--config': 'sets configuration (core.*, alias.*) that can run commands',
  '--template': 'copies hooks from a template directory',
  '--sendmail-cmd': 'runs the command it is given',
  '--smtp-server': 'runs the program it names',
};

/** Short options that are risky only under particular subcommands. */
const RISKY_SHORT: Record<string, { letters: string; reason: string }> = {
  clone: { letters: 'uc', reason: '-u runs an upload-pack program, -c sets configuration' },
  'ls-remote': { letters: 'u', reason: '-u runs an upload-pack program' },
  rebase: { letters: 'x', reason: '-x runs a command after each commit' },
  difftool: { letters: 'xt', reason: '-x runs the diff command it is given' },
  grep: { letters: 'O', reason: '-O runs the pager command it is given' },
};

/** Escapes in a git command line: `-c`, `--config-env`, `--upload-pack`, `submodule foreach`, … */
export function findGitEscapes(typed: string, args: readonly ResolvedWord[]): Escape[] {
  const escapes: Escape[] = [];
  let index = 0;
  for (; index < args.length; index += 1) {
    const word = args[index]!;
    if (word.glob) {
      escapes.push({
        signature: [typed, '-c'],
        reason: 'a glob among git global options could expand to -c',
      });
      continue;
    }
    const value = word.value;
    if (!value.startsWith('-')) break;
    if (value.startsWith('-c') || matchesLongFlag(word, '--config-env', true)) {
      escapes.push({
        signature: [typed, '-c'],
        reason: 'git -c/--config-env sets configuration (core.pager, alias.*) that runs commands',
      });
    }
    if (matchesLongFlag(word, '--exec-path', true) && value.includes('=')) {
      escapes.push({
        signature: [typed, '--exec-path'],
        reason: 'git --exec-path runs git subcommands from another directory',
      });
    }
    if (GLOBAL_VALUED.has(value)) index += 1;
  }
  const subcommand = args[index]?.value;
  if (subcommand === undefined) return escapes;
  const rest = args.slice(index + 1);
  const risky = RISKY_SUBCOMMANDS[subcommand];
  if (risky) escapes.push({ signature: [typed, subcommand], reason: risky });
  if (subcommand === 'submodule' && rest.some((word) => word.value === 'foreach' || word.glob)) {
    escapes.push({
      signature: [typed, 'submodule', 'foreach'],
      reason: 'git submodule foreach runs a shell command',
    });
  }
  if (subcommand === 'bisect' && rest.some((word) => word.value === 'run' || word.glob)) {
    escapes.push({ signature: [typed, 'bisect', 'run'], reason: 'git bisect run runs a command' });
  }
  const short = RISKY_SHORT[subcommand];
  for (const word of rest) {
    if (word.value === '--') break;
    for (const [flag, reason] of Object.entries(RISKY_LONG)) {
      if (matchesLongFlag(word, flag, true))
        escapes.push({ signature: [typed, flag], reason: `git ${flag} ${reason}` });
    }
    const letter = short
      ? [...short.letters].find((candidate) => matchesShortFlag(word, candidate))
      : undefined;
    if (letter)
      escapes.push({ signature: [typed, `-${letter}`], reason: `git ${subcommand} ${short!.reason}` });
  }
  return escapes;
}
