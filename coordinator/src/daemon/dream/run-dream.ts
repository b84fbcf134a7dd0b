import { isDaemonError } from '../errors.js';
import type { TaskUsage } from '../queue/types.js';
import type { DreamAgent } from './dream-agent.js';
import type { MemoryClient } from './memory-client.js';

/** Memory tools the dreaming subagent never sees: the daemon begins, ends and undoes dreams itself. */
export const DREAM_HIDDEN_TOOLS = new Set(['begin_dream', 'end_dream', 'restore_dream', 'append_transcript']);

/** What a dream changed, as end_dream reports it. */
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
  /** The index after the dream, from maintain_memory. */
  index: { lines: number; bytes: number; withinBounds: boolean } | null;
  usage: TaskUsage;
  error?: { code: string; message: string };
}

/** Options for {@link runDream}. */
export interface RunDreamOptions {
  memory: MemoryClient;
  agent: DreamAgent;
  signal: AbortSignal;
  progress?(message: string, usage?: TaskUsage): void;
  focus?: string | undefined;
  /** The memory server's name in the project config (tool names shown to the model derive from it). */
  server?: string;
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

const FALLBACK_PROMPT = `Consolidate this memory with the memory tools, in four phases:
1. orient: read_index and the related topics;
2. gather narrowly: search_memory in the recent transcripts, read only small slices;
3. consolidate: merge duplicate topics, turn relative dates into absolute ones, delete facts that newer ones contradict;
4. prune: bring the index back within its bounds (maintain_memory).`;

/**
 * One dream: take the lock (begin_dream), run the memory-only subagent over the four-phase prompt,
 * enforce the index bounds (maintain_memory) and record it (end_dream). Any failure, abort included,
 * ends the dream as `failed`, which restores the snapshot and rolls the lock back.
 */
export async function runDream(options: RunDreamOptions): Promise<DreamReport> {
  const { memory, signal } = options;
  const noUsage: TaskUsage = { inputTokens: 0, outputTokens: 0, costUsd: 0 };
  let begun: BeginDreamOutput;
  try {
    begun = await memory.call<BeginDreamOutput>('begin_dream');
  } catch (error) {
    if (isDaemonError(error) && error.code === 'E_DREAM_RUNNING') {
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
    const tools = (await memory.listTools()).filter((tool) => !DREAM_HIDDEN_TOOLS.has(tool.name));
    const instructions = (await memory.dreamPrompt(options.focus)) ?? FALLBACK_PROMPT;
    const result = await options.agent({
      system: `${instructions}

This dream was started for you: begin_dream returned dream_id ${begun.dream_id}. Do not call begin_dream or
end_dream (they are not available); the coordinator checks the index bounds and records the dream when you
finish. End your turn with a short summary of what you merged, corrected and pruned.`,
      task: [
        `Dream ${begun.dream_id}. Last dream: ${begun.last_dream_at ?? 'never'}.`,
        `Sessions since then (${begun.sessions_since_total}): ${begun.sessions_since_last_dream.map((session) => session.session).join(', ') || 'none'}.`,
        `Index now: ${begun.index.lines} of ${begun.index.max_lines} lines, ${begun.index.bytes} of ${begun.index.max_bytes} bytes${begun.index.exceeded.length > 0 ? ` (over: ${begun.index.exceeded.join('; ')})` : ''}.`,
        'Run the four phases now.',
      ].join('\n'),
      tools,
      server: options.server ?? 'memory',
      callTool: (name, args, callSignal) => memory.callForModel(name, args, callSignal),
      signal,
      progress: (message, current) => {
        usage = { ...current };
        options.progress?.(message, current);
      },
    });
    usage = result.usage;
    signal.throwIfAborted();
    // The deterministic part: whatever the model did, the index ends within bounds with no dangling pointer.
    const maintained = await memory.call<MaintainOutput>('maintain_memory', { dry_run: false });
    const ended = await memory.call<{ dream_id: string; changes: DreamChange[] }>('end_dream', {
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
    const code = isDaemonError(error) ? error.code : signal.aborted ? 'E_ABORTED' : 'E_DREAM_FAILED';
    try {
      await memory.call('end_dream', {
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
