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
 * Whether process group `pgid` still has a member, zombies included: right after its leader was
 * reaped, false means nothing is left in the group to end (an empty group stays empty).
 */
export function groupExists(pgid: number): boolean {
  // ESRCH is the usual answer, and capturing a stack for it would be most of the cost.
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
}

/**
 * True while group `pgid` has a member that is not a zombie. Zombies cannot be killed, only
 * reaped by their parent, so counting them would make every kill wait out its grace period.
 */
export function groupIsAlive(pgid: number): boolean {
  if (!signalGroup(pgid, 0)) return false;
  if (process.platform !== 'linux') return true;
  return listGroupMembers(pgid).length > 0;
}

/** Live (non-zombie) members of group `pgid`, read from /proc (Linux only). */
export function listGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return members;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // The command name in field 2 may hold spaces or parentheses; fields after the last ')' are fixed.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const state = fields[0];
    const group = Number(fields[2]);
    if (group === pgid && state !== 'Z' && state !== 'X') members.push(Number(entry));
  }
  return members;
}

/**
 * Ends a whole process group: SIGTERM to every member, then SIGKILL to whatever is still alive
 * after `graceMs`. Resolves once no live member remains (or right after the SIGKILL).
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
