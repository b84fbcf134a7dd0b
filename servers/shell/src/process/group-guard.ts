import type { Writable } from 'node:stream';

/** Options of {@link createGroupGuard}. */
export interface GroupGuardOptions {
  /** The input of the guard process while one runs, else undefined. */
  current(): Writable | undefined;
  /**
   * Starts a guard process. Its input must begin with `lines`, which register every group watched
   * so far (a new guard takes over from a dead one).
   */
  start(lines: string): void;
}

/**
 * The set of process groups that a guard process ends if this process dies. The guard is the
 * group watchdog (native/watchdog.c) or the spawn helper; both read the same lines.
 */
export interface GroupGuard {
  /** Registers a group just started, starting the guard process if none runs. */
  watch(pgid: number): void;
  /** Forgets a group that is done. */
  unwatch(pgid: number): void;
  /** Lines that register every watched group, for a guard process started by someone else. */
  watchedLines(): string;
  /** The guard process died: a new one takes over the watched groups soon. */
  lost(): void;
  close(): void;
}

/** How long a finished group may wait before the guard is told to forget it. */
const UNWATCH_DELAY_MS = 100;
/** Least time between two guard starts after a loss, so one that cannot start is not retried in a loop. */
const RESTART_INTERVAL_MS = 1000;

const lineOf = (op: 'watch' | 'unwatch', pgid: number) => `${JSON.stringify({ op, pgid })}\n`;

/**
 * Creates the guard's bookkeeping. A group is registered in the same tick as its spawn, so a
 * SIGKILL of this process can leave it unwatched only in the few microseconds between the two
 * system calls.
 */
export function createGroupGuard(options: GroupGuardOptions): GroupGuard {
  const watched = new Set<number>();
  let closed = false;
  let lastStart = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  /** Groups that are done but not yet forgotten by the guard (see `unwatch`). */
  let unwatchPending: number[] = [];
  let unwatchTimer: NodeJS.Timeout | undefined;

  const unwatchLines = () => {
    clearTimeout(unwatchTimer);
    unwatchTimer = undefined;
    const lines = unwatchPending.map((pgid) => lineOf('unwatch', pgid)).join('');
    unwatchPending = [];
    return lines;
  };
  const watchedLines = () => [...watched].map((pgid) => lineOf('watch', pgid)).join('');
  const start = () => {
    lastStart = Date.now();
    options.start(watchedLines());
  };

  return {
    watch(pgid) {
      watched.add(pgid);
      if (closed) return;
      const input = options.current();
      if (input) input.write(`${unwatchLines()}${lineOf('watch', pgid)}`);
      else {
        unwatchLines();
        start();
      }
    },
    /**
     * The line waits for the next `watch`, or {@link UNWATCH_DELAY_MS}: back to back, a command then
     * costs the guard one wake-up instead of two. Meanwhile the guard could only end an empty
     * group, whose id the kernel does not hand out again that soon.
     */
    unwatch(pgid) {
      watched.delete(pgid);
      if (closed || !options.current()) return;
      unwatchPending.push(pgid);
      unwatchTimer ??= setTimeout(() => {
        const lines = unwatchLines();
        if (lines) options.current()?.write(lines);
      }, UNWATCH_DELAY_MS).unref();
    },
    watchedLines,
    lost() {
      unwatchPending = [];
      if (closed || watched.size === 0 || restartTimer) return;
      restartTimer = setTimeout(
        () => {
          restartTimer = undefined;
          if (!closed && !options.current() && watched.size > 0) start();
        },
        Math.max(0, lastStart + RESTART_INTERVAL_MS - Date.now()),
      );
      restartTimer.unref();
    },
    close() {
      closed = true;
      clearTimeout(unwatchTimer);
      clearTimeout(restartTimer);
    },
  };
}
