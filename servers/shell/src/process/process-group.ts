import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

const POLL_MS = 25;

/** Sends `signal` to every process in group `pgid`; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * True while group `pgid` has a member that is not a zombie. Zombies cannot be killed, only
 * reaped by their parent, so counting them would make every kill wait out its grace period.
 */
function groupIsAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return true;
  }
  return entries.some((entry) => {
    if (!/^\d+$/.test(entry)) return false;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name in field 2 may hold spaces or parentheses; fields after the last ')' are fixed.
      const [state, , group] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return Number(group) === pgid && state !== 'Z' && state !== 'X';
    } catch {
      return false;
    }
  });
}

/**
 * Ends a whole process group: SIGTERM to every member, then SIGKILL to whatever is still alive
 * after `graceMs`. Resolves once no live member remains (or shortly after the SIGKILL).
 */
export async function killGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    await delay(POLL_MS);
    if (!groupIsAlive(pgid)) return;
  }
  signalGroup(pgid, 'SIGKILL');
  for (let attempt = 0; attempt < 40 && groupIsAlive(pgid); attempt += 1) await delay(POLL_MS);
}
