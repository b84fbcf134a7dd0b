import { isCliError } from '../errors.js';
import type { TaskUsage } from '../queue/types.js';
import type { DreamAgent } from './dream-agent.js';
import type { DreamMemory } from './dream-memory.js';

/** What a dream changed, as the memory server's end-dream tool reports it. */
export interface DreamChange {
  path: string;
  change: 'added' | 'removed' | 'modified';
}

/** How a dream ended. */
export interface DreamReport {
  outcome: 'completed' | 'failed' | 'skipped';
  dreamId: string | null;
  summary: string;
  changes: DreamChange[];
  /** The index after the dream, from the memory server's maintain tool. */
  index: { lines: number; bytes: number; withinBounds: boolean } | null;
  usage: TaskUsage;
  error?: { code: string; message: string };
}

/** Options for {@link runDream}. */
export interface RunDreamOptions {
  memory: DreamMemory;
  agent: DreamAgent;
  signal: AbortSignal;
  progress?(message: string, usage?: TaskUsage): void;
  /** A theme for this dream, passed on to the agent. */
  focus?: string | undefined;
}

interface BeginDreamOutput {
  dream_id: string;
  token: string;
  last_dream_at: string | null;
  sessions_since_last_dream: Array<{ session: string }>;
  sessions_since_total: number;
  index: { lines: number; bytes: number; max_lines: number; max_bytes: number; exceeded: string[] };
}

interface MaintainOutput {
  index_after: { lines: number; bytes: number; exceeded: string[]; within_bounds: boolean };
}

/**
 * One dream: take the lock (the memory server's begin-dream tool), run the memory-only agent,
 * enforce the index bounds (maintain) and record the dream (end-dream). Any failure, abort included,
 * ends the dream as `failed`, which restores the snapshot and rolls the lock back.
 */
export async function runDream(options: RunDreamOptions): Promise<DreamReport> {
  const { memory, signal } = options;
  const noUsage: TaskUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  let begun: BeginDreamOutput;
  try {
    begun = await memory.call<BeginDreamOutput>('memory/begin-dream', {}, signal);
  } catch (error) {
    if (isCliError(error) && error.code === 'E_DREAM_RUNNING') {
      return {
        outcome: 'skipped',
        dreamId: null,
        summary: error.message,
        changes: [],
        index: null,
        usage: noUsage,
      };
    }
    throw error;
  }
  options.progress?.(
    `dream ${begun.dream_id} begun: ${begun.sessions_since_total} session(s) since the last dream`,
  );
  let usage = noUsage;
  try {
    const result = await options.agent({
      task: [
        `Dream ${begun.dream_id}. Last dream: ${begun.last_dream_at ?? 'never'}.`,
        `Sessions since then (${begun.sessions_since_total}): ${begun.sessions_since_last_dream.map((session) => session.session).join(', ') || 'none'}.`,
        `Index now: ${begun.index.lines} of ${begun.index.max_lines} lines, ${begun.index.bytes} of ${begun.index.max_bytes} bytes${begun.index.exceeded.length > 0 ? ` (over: ${begun.index.exceeded.join('; ')})` : ''}.`,
        ...(options.focus ? [`Focus of this dream: ${options.focus}.`] : []),
        'Run the four phases now.',
      ].join('\n'),
      signal,
      progress: (message, current) => {
        usage = { ...current };
        options.progress?.(message, current);
      },
    });
    usage = result.usage;
    signal.throwIfAborted();
    // The deterministic part: whatever the model did, the index ends within bounds with no dangling pointer.
    const maintained = await memory.call<MaintainOutput>('memory/maintain', { dry_run: false });
    const ended = await memory.call<{ dream_id: string; changes: DreamChange[] }>('memory/end-dream', {
      token: begun.token,
      summary: result.summary.slice(0, 4000),
      outcome: 'completed',
    });
    return {
      outcome: 'completed',
      dreamId: ended.dream_id,
      summary: result.summary,
      changes: ended.changes,
      index: {
        lines: maintained.index_after.lines,
        bytes: maintained.index_after.bytes,
        withinBounds: maintained.index_after.within_bounds,
      },
      usage,
    };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = isCliError(error) ? error.code : signal.aborted ? 'E_ABORTED' : 'E_DREAM_FAILED';
    try {
      await memory.call('memory/end-dream', {
        token: begun.token,
        summary: `failed: ${message}`.slice(0, 4000),
        outcome: 'failed',
      });
    } catch {
      // The memory server treats a dream left running as abandoned after its stale timeout.
    }
    return {
      outcome: 'failed',
      dreamId: begun.dream_id,
      summary: `dream ${begun.dream_id} failed and was rolled back: ${message}`,
      changes: [],
      index: null,
      usage,
      error: { code, message },
    };
  }
}
