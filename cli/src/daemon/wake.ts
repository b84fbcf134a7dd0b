import { type FSWatcher, mkdirSync, watch, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Tells a running worker that the queue changed (a submission, a cancel). It touches the wake file;
 * the worker watches the directory with inotify/FSEvents, so it wakes within milliseconds and
 * uses no CPU while nothing happens. Without a worker, the touch is harmless.
 */
export function notifyWorker(wakeFile: string): void {
  try {
    writeFileSync(wakeFile, String(Date.now()));
  } catch {
    // Best effort: the worker's slow fallback poll picks the change up anyway.
  }
}

/** Stops a {@link watchWakeFile} watcher. */
export interface WakeWatcher {
  close(): void;
}

/**
 * Calls `onWake` whenever the wake file is written. Returns a no-op watcher when the platform cannot
 * watch (the worker then relies on its fallback poll).
 */
export function watchWakeFile(
  wakeFile: string,
  onWake: () => void,
  onError?: (error: unknown) => void,
): WakeWatcher {
  const directory = dirname(wakeFile);
  const name = basename(wakeFile);
  mkdirSync(directory, { recursive: true });
  let watcher: FSWatcher;
  try {
    watcher = watch(directory, { persistent: true }, (_event, filename) => {
      // A null filename happens on some platforms; waking once too often is cheap.
      if (filename === null || filename === name) onWake();
    });
  } catch (error) {
    onError?.(error);
    return { close() {} };
  }
  watcher.on('error', (error) => onError?.(error));
  return {
    close() {
      watcher.close();
    },
  };
}
