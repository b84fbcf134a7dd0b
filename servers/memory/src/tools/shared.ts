import { z } from 'zod';
import type { MemoryStore } from '../store/memory-store.js';

/** What every tool factory receives. */
export interface ToolDependencies {
  store: MemoryStore;
}

/** Index size against its bounds, shared by several outputs. */
export const indexReportSchema = z.object({
  lines: z.number().int(),
  bytes: z.number().int(),
  max_lines: z.number().int(),
  max_bytes: z.number().int(),
  max_line_chars: z.number().int(),
  exceeded: z.array(z.string()),
  needs_consolidation: z.boolean(),
});

/** A slug argument; checked again (and explained) by the store. */
export const slugSchema = z
  .string()
  .min(1)
  .max(100)
  .describe(
    'Topic slug: lowercase letters, digits, "-" or "_", e.g. "build-setup". The file is topics/<slug>.md.',
  );

/** A session argument; checked again (and explained) by the store. */
export const sessionSchema = z
  .string()
  .min(1)
  .max(128)
  .describe('Session name: letters, digits, ".", "-" or "_". The file is transcripts/<session>.jsonl.');

/** Behaviour hints of a tool that only reads. */
export const READ_ONLY = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;
