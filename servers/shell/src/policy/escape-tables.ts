/**
 * Which programs can run code or other commands, and through which options. Data only; the
 * detection logic is in escapes.ts.
 */

/**
 * A way a command can run code it was handed (or another command) rather than do its own job.
 * It is denied unless an allow rule names every token of `signature` literally, e.g. `bash -c *`
 * names `bash` and `-c`.
 */
export interface Escape {
  signature: string[];
  reason: string;
}

/** Shells: any invocation runs shell code (a script, stdin or -c). */
export const SHELLS: ReadonlySet<string> = new Set([
  'sh',
  'bash',
  'rbash',
  'zsh',
  'dash',
  'ksh',
  'mksh',
  'pdksh',
  'fish',
  'csh',
  'tcsh',
  'ash',
  'yash',
]);

/** Programs whose whole purpose is to run another command or a program text. */
export const ALWAYS: Record<string, string> = {
  xargs: 'runs the command it is given',
  sudo: 'runs a command as another user',
  su: 'runs a shell as another user',
  doas: 'runs a command as another user',
  pkexec: 'runs a command as another user',
  runuser: 'runs a command as another user',
  sg: 'runs a command with another group',
  chroot: 'runs a command in another root',
  setsid: 'runs a command outside the process group (it would escape the kill on timeout)',
  unshare: 'runs a command in new namespaces',
  nsenter: 'runs a command in other namespaces',
  stdbuf: 'runs the command it is given',
  ionice: 'runs the command it is given',
  taskset: 'runs the command it is given',
  chrt: 'runs the command it is given',
  flock: 'runs the command it is given',
  watch: 'runs the command it is given, repeatedly',
  script: 'runs the command it is given',
  unbuffer: 'runs the command it is given',
  time: 'runs the command it is given',
  strace: 'runs the command it is given',
  ltrace: 'runs the command it is given',
  gdb: 'runs programs and debugger scripts',
  lldb: 'runs programs and debugger scripts',
  valgrind: 'runs the command it is given',
  parallel: 'runs the commands it is given',
  'systemd-run': 'runs the command it is given',
  at: 'schedules a command',
  batch: 'schedules a command',
  crontab: 'schedules commands',
  ssh: 'runs commands on another host',
  busybox: 'is a shell and every other tool in one',
  toybox: 'is many tools in one',
  awk: 'runs an awk program (system(), pipes)',
  gawk: 'runs an awk program (system(), pipes)',
  mawk: 'runs an awk program (system(), pipes)',
  nawk: 'runs an awk program (system(), pipes)',
  sed: 'runs a sed script (e, w and s///e run commands or write files)',
  ed: 'runs ed commands, including !command',
  ex: 'runs editor commands, including :!command',
  vi: 'runs editor commands, including :!command',
  vim: 'runs editor commands, including :!command',
  nvim: 'runs editor commands, including :!command',
  view: 'runs editor commands, including :!command',
  emacs: 'runs Lisp code',
  dc: 'runs !command',
  m4: 'runs syscmd/esyscmd',
  expect: 'runs Tcl scripts',
  tclsh: 'runs Tcl scripts',
  wish: 'runs Tcl scripts',
  irb: 'runs Ruby code',
  R: 'runs R code',
  npx: 'downloads and runs packages',
  pnpx: 'downloads and runs packages',
  bunx: 'downloads and runs packages',
  nc: 'can run a command on a socket (-e/-c)',
  ncat: 'can run a command on a socket (-e/-c)',
  netcat: 'can run a command on a socket (-e/-c)',
  socat: 'can run commands (EXEC:, SYSTEM:)',
};

/** How an interpreter takes program text: options, and whether it reads stdin without a script. */
export interface Interpreter {
  /** Short option letters that take program text. */
  code: string;
  /** Long options that take program text. */
  codeLong?: readonly string[];
  /** Short option letters that take a value (so the next word is not the script). */
  valued?: string;
  valuedLong?: readonly string[];
  /** Short option letters that end option parsing and name what to run (python -m). */
  stops?: string;
  /** With no script operand the program reads its code from standard input. */
  readsStdin: boolean;
}

/** Interpreters keyed by program name (python3.12 is looked up as python). */
export const INTERPRETERS: Record<string, Interpreter> = {
  python: { code: 'c', valued: 'WXQ', stops: 'm', readsStdin: true },
  node: {
    code: 'epr',
    // Loaders, preloads, env files and config files all run code before the script does.
    codeLong: [
      '--eval',
      '--print',
      '--run',
      '--require',
      '--import',
      '--loader',
      '--experimental-loader',
      '--env-file',
      '--env-file-if-exists',
      '--experimental-config-file',
      '--experimental-default-config-file',
      '--inspect',
      '--inspect-brk',
      '--inspect-wait',
    ],
    valued: 'C',
    valuedLong: [
      '--conditions',
      '--input-type',
      '--test-reporter',
      '--test-reporter-destination',
      '--test-name-pattern',
      '--test-concurrency',
      '--test-timeout',
      '--test-shard',
    ],
    readsStdin: true,
  },
  bun: { code: 'e', codeLong: ['--eval', '--print'], readsStdin: false },
  perl: { code: 'eEmM', readsStdin: true },
  ruby: { code: 'e', valued: 'rIC', readsStdin: true },
  php: { code: 'rBRFE', valued: 'cdz', readsStdin: true },
  lua: { code: 'e', valued: 'l', readsStdin: true },
  luajit: { code: 'e', valued: 'l', readsStdin: true },
  Rscript: { code: 'e', readsStdin: false },
  julia: { code: 'eE', codeLong: ['--eval', '--print'], readsStdin: true },
  osascript: { code: 'e', readsStdin: true },
};

/** Options and subcommands through which an otherwise ordinary program runs commands. */
export interface FlagTable {
  short?: string;
  long?: readonly string[];
  /** GNU getopt_long accepts unambiguous abbreviations of long options. */
  abbreviations?: boolean;
  /** Subcommands that run arbitrary commands or packages. */
  subcommands?: readonly string[];
  reason: string;
}

/** Programs that are only an escape with certain options or subcommands. */
export const FLAGGED: Record<string, FlagTable> = {
  find: { long: ['-exec', '-execdir', '-ok', '-okdir'], reason: 'runs a command for each file' },
  tar: {
    short: 'IF',
    long: [
      '--to-command',
      '--checkpoint-action',
      '--use-compress-program',
      '--info-script',
      '--new-volume-script',
      '--rsh-command',
      '--rmt-command',
    ],
    abbreviations: true,
    reason: 'runs a command it is given',
  },
  rsync: {
    short: 'e',
    long: ['--rsh', '--rsync-path'],
    abbreviations: true,
    reason: 'runs a remote-shell command it is given',
  },
  zip: { long: ['-TT', '--unzip-command'], abbreviations: true, reason: 'runs a test command it is given' },
  rg: { long: ['--pre'], abbreviations: false, reason: 'runs a preprocessor command for each file' },
  fd: { short: 'xX', long: ['--exec', '--exec-batch'], reason: 'runs a command for each result' },
  fdfind: { short: 'xX', long: ['--exec', '--exec-batch'], reason: 'runs a command for each result' },
  sort: {
    long: ['--compress-program'],
    abbreviations: true,
    reason: 'runs a compression program it is given',
  },
  man: {
    short: 'PH',
    long: ['--pager', '--html'],
    abbreviations: true,
    reason: 'runs a pager or browser command it is given',
  },
  scp: { short: 'SoF', reason: 'runs a program or ssh options it is given' },
  sftp: { short: 'SDoF', reason: 'runs a program or ssh options it is given' },
  make: { short: 'E', long: ['--eval'], abbreviations: true, reason: 'evaluates make code it is given' },
  gmake: { short: 'E', long: ['--eval'], abbreviations: true, reason: 'evaluates make code it is given' },
  npm: {
    // npm (nopt) accepts any unambiguous abbreviation: --node-opt, --script-sh.
    long: [
      '--script-shell',
      '--node-options',
      '--userconfig',
      '--globalconfig',
      '--init-module',
      '--call',
      '--shell',
    ],
    abbreviations: true,
    subcommands: ['exec', 'x', 'explore', 'config', 'c', 'set', 'edit'],
    reason: 'runs packages or commands it is given, or changes how scripts run',
  },
  pnpm: {
    long: ['--script-shell', '--node-options', '--config'],
    abbreviations: true,
    subcommands: ['exec', 'dlx', 'x', 'config', 'c', 'set'],
    reason: 'runs packages or commands it is given, or changes how scripts run',
  },
  yarn: {
    long: ['--script-shell', '--node-options'],
    subcommands: ['exec', 'dlx', 'x', 'config', 'set'],
    reason: 'runs packages or commands it is given, or changes how scripts run',
  },
  deno: { long: ['--eval'], subcommands: ['eval', 'repl', 'x'], reason: 'runs code it is given' },
};
