import { ToolError } from '@meshwork/kit';
import { z } from 'zod';
import { isMemoryError } from '../errors.js';
import type { MemoryStore } from '../store/memory-store.js';

/** What every tool factory receives. */
export interface ToolDependencies {
  store: MemoryStore;
}

/**
 * Runs a store call; a {@link MemoryError} (bad slug, missing topic, version conflict...) becomes
 * a {@link ToolError}, so the model sees an `isError` result it can act on.
 */
export async function callStore<T>(work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isMemoryError(error)) throw new ToolError(error.code, error.message, { cause: error });
    throw error;
  }
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
