import type { Logger } from 'pino';
import type { DreamSettings } from '../daemon/settings.js';
import type { DreamTriggerCheck } from '../daemon/worker.js';
import type { DreamMemory } from './dream-memory.js';

interface StatsOutput {
  dream: { running: boolean; last_dream_at: string | null };
}

/** Why the daemon did or did not dream; logged at debug. */
export interface DreamDecision {
  dream: boolean;
  reason: string;
}

/** Options for {@link createDreamTrigger}. */
export interface DreamTriggerOptions {
  settings: DreamSettings;
  /** The memory server, through the daemon's pool. */
  memory: DreamMemory;
  logger?: Logger;
  /** When the worker started: idleness counts from here at the earliest. */
  startedAt?: number;
}

/**
 * The idle-time dream triggers, checked cheapest first: idle for N minutes (queue timestamps, no
 * I/O beyond SQLite); then, over the pooled memory-server connection, H hours since the last dream
 * and the lock free (the stats tool), and M sessions since the last dream (the list-sessions tool).
 * The begin-dream tool takes the lock for real when the dream starts.
 */
export function createDreamTrigger(options: DreamTriggerOptions): DreamTriggerCheck & {
  decide(context: { lastActivityAt: number; now: number }): Promise<DreamDecision>;
} {
  const { settings } = options;
  const startedAt = options.startedAt ?? Date.now();
  // Known from an earlier check: no dream before this (the last dream + minHours). Another client
  // dreaming meanwhile only moves it later, so skipping the memory server until then is safe.
  let notBefore = 0;
  const decide = async ({
    lastActivityAt,
    now,
  }: {
    lastActivityAt: number;
    now: number;
  }): Promise<DreamDecision> => {
    const idleMs = now - Math.max(lastActivityAt, startedAt);
    if (idleMs < settings.idleMinutes * 60_000) {
      return {
        dream: false,
        reason: `idle ${Math.floor(idleMs / 60_000)} of ${settings.idleMinutes} minutes`,
      };
    }
    if (now < notBefore) {
      return {
        dream: false,
        reason: `next possible dream at ${new Date(notBefore).toISOString()} (minHours)`,
      };
    }
    const { memory } = options;
    const stats = await memory.call<StatsOutput>('memory/stats');
    const last = stats.dream.last_dream_at === null ? null : Date.parse(stats.dream.last_dream_at);
    if (last !== null) {
      const hours = (now - last) / 3_600_000;
      if (hours < settings.minHours) {
        notBefore = last + settings.minHours * 3_600_000;
        return {
          dream: false,
          reason: `${hours.toFixed(1)} of ${settings.minHours} hours since the last dream`,
        };
      }
    }
    if (stats.dream.running) return { dream: false, reason: 'another dream holds the lock' };
    const sessions = await memory.call<{ total: number }>('memory/list-sessions', {
      limit: 1,
      ...(stats.dream.last_dream_at === null ? {} : { since: stats.dream.last_dream_at }),
    });
    if (sessions.total < settings.minSessions) {
      return {
        dream: false,
        reason: `${sessions.total} of ${settings.minSessions} sessions since the last dream`,
      };
    }
    return { dream: true, reason: `idle, ${sessions.total} new session(s), lock free` };
  };
  return {
    decide,
    async shouldDream(context) {
      try {
        const decision = await decide(context);
        options.logger?.debug(decision, 'dream trigger check');
        return decision.dream;
      } catch (error) {
        options.logger?.warn({ err: error }, 'dream trigger check failed; not dreaming now');
        return false;
      }
    },
  };
}
