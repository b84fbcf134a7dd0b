import { join, resolve } from 'node:path';

/** Where the daemon keeps its state for one project. */
export interface DaemonPaths {
  /** `<project>/.meshwork/daemon`. */
  directory: string;
  /** The SQLite queue (WAL mode). */
  database: string;
  /** Holds the pid of the process that owns the worker role. */
  pidFile: string;
  /** The background daemon's log (JSON lines). */
  logFile: string;
  /**
   * Touched by every submission; the daemon watches the directory for it so that a new task starts
   * within milliseconds without polling.
   */
  wakeFile: string;
}

/** The daemon paths for a project rooted at `cwd` (or at an explicit state directory). */
export function resolveDaemonPaths(cwd: string, stateDirectory?: string): DaemonPaths {
  const directory = stateDirectory ? resolve(cwd, stateDirectory) : join(resolve(cwd), '.meshwork', 'daemon');
  return {
    directory,
    database: join(directory, 'queue.db'),
    pidFile: join(directory, 'daemon.pid'),
    logFile: join(directory, 'daemon.log'),
    wakeFile: join(directory, 'wake'),
  };
}
