import type { TaskUsage } from '../queue/types.js';

/** What the dreaming agent gets for one dream; its standing instructions are its system prompt. */
export interface DreamAgentRequest {
  /** This dream: its id, the sessions since the last one, the index, the focus. */
  task: string;
  signal: AbortSignal;
  progress(message: string, usage: TaskUsage): void;
}

/** How the dreaming agent ended. */
export interface DreamAgentResult {
  summary: string;
  usage: TaskUsage;
  turns: number;
}

/** Runs the dreaming agent; throws on failure (the dream is then rolled back). */
export type DreamAgent = (request: DreamAgentRequest) => Promise<DreamAgentResult>;
