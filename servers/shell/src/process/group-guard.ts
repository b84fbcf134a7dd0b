import { type ChildProcess, spawn } from 'node:child_process';

/** The guard's `$0`, so that `ps` says what the process is. */
export const GUARD_NAME = 'meshwork-shell-guard';

/**
 * The guard, a POSIX sh script. Its input is a pipe from the server: `+PGID` registers a process
 * group, `-PGID` forgets it. At end of input (the kernel closes the server's end however the
 * server died, SIGKILL included) it SIGKILLs every group still registered, then exits.
 *
 * Invariants: it ignores the signals a terminal or a polite stop sends (INT, TERM, HUP, QUIT), so a
 * server stopped that way still has its commands ended; it refuses (on stderr) any line that is not
 * a sign and a pid of 2 to 10 digits without a leading zero, so it never signals group 0 or 1; a
 * line cut off by the server's death has no newline and is not acted on. Only builtins run: no fork.
 */
export const GUARD_SCRIPT = `trap '' INT TERM HUP QUIT
groups=' '
while IFS= read -r line; do
  pgid=\${line#[+-]}
  case $line in [+-]*) ;; *) pgid=refused ;; esac
  case $pgid in
    '' | 0* | 1 | *[!0-9]* | ???????????*)
      printf '%s: refused line %s\\n' "$0" "$line" >&2
      continue ;;
  esac
  case $line in
    +*) case $groups in *" $pgid "*) ;; *) groups="$groups$pgid " ;; esac ;;
    *) case $groups in *" $pgid "*) groups="\${groups%%" $pgid "*} \${groups#*" $pgid "}" ;; esac ;;
  esac
done
for pgid in $groups; do kill -KILL "-$pgid" 2>/dev/null; done
`;

/** The process groups that must not outlive the server, and the guard process that kills them if it dies. */
export interface GroupGuard {
  /** Starts the guard process if none runs (at most one start a second): call it before a spawn. */
  ensure(): void;
  /** Registers a group. Synchronous: call it right after spawn returns the pid. */
  add(pgid: number): void;
  /** Forgets a group that is done. */
  remove(pgid: number): void;
  /** Ends the guard's input; it kills whatever is still registered (normally nothing) and exits. */
  close(): void;
}

/** Options of {@link createGroupGuard}. */
export interface GroupGuardOptions {
  /** A POSIX shell to run the script with; default `/bin/sh`. */
  shellPath?: string | undefined;
  /** Told when the guard could not start or died; a new one follows (at most one start a second). */
  onLost?: ((reason: string) => void) | undefined;
}

/** Least time between two guard starts, so that one which cannot start is not retried in a loop. */
const RESTART_INTERVAL_MS = 1000;

/**
 * Creates the guard of one server. The guard process starts with the first command, runs in its own
 * session (a signal to the server's group does not reach it) and never keeps the event loop alive.
 * If it dies, a new one is started and given every live group.
 */
export function createGroupGuard(options: GroupGuardOptions = {}): GroupGuard {
  const groups = new Set<number>();
  let guard: ChildProcess | undefined;
  let lastStart = Number.NEGATIVE_INFINITY;
  let restartTimer: NodeJS.Timeout | undefined;
  let closed = false;

  const start = () => {
    lastStart = Date.now();
    const child = spawn(options.shellPath ?? '/bin/sh', ['-c', GUARD_SCRIPT, GUARD_NAME], {
      stdio: ['pipe', 'ignore', 'inherit'],
      env: {},
      detached: true,
    });
    guard = child;
    child.unref();
    child.stdin!.on('error', () => {
      // The guard died; its exit event below starts the next one.
    });
    const lost = (reason: string) => {
      if (guard !== child) return;
      guard = undefined;
      options.onLost?.(reason);
      if (groups.size > 0) later();
    };
    child.on('error', (error) => lost(`the group guard could not run: ${error.message}`));
    child.once('exit', (code, signal) => lost(`the group guard exited (${signal ?? `code ${code}`})`));
    if (groups.size > 0) child.stdin!.write([...groups].map((pgid) => `+${pgid}\n`).join(''));
  };
  const later = () => {
    if (closed || restartTimer) return;
    const wait = Math.max(0, lastStart + RESTART_INTERVAL_MS - Date.now());
    restartTimer = setTimeout(() => {
      restartTimer = undefined;
      if (!closed && !guard && groups.size > 0) start();
    }, wait).unref();
  };

  return {
    ensure() {
      if (!guard && !closed && Date.now() - lastStart >= RESTART_INTERVAL_MS) start();
    },
    add(pgid) {
      groups.add(pgid);
      if (closed) return;
      if (guard) guard.stdin!.write(`+${pgid}\n`);
      else if (Date.now() - lastStart >= RESTART_INTERVAL_MS) start();
      else later();
    },
    remove(pgid) {
      if (groups.delete(pgid) && guard && !closed) guard.stdin!.write(`-${pgid}\n`);
    },
    close() {
      closed = true;
      clearTimeout(restartTimer);
      guard?.stdin?.end();
      guard = undefined;
    },
  };
}
