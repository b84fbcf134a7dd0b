import type { ToolDefinition } from '@meshwork/kit';
import type { z } from 'zod';
import type { PathConfinement } from '../confinement/path-confinement.js';
import { explainSystemError } from '../errors.js';

/** Limits tools apply to their outputs and work. */
export interface ToolLimits {
  /** Largest file read whole, and largest combined read_multiple_files output. */
  maxReadBytes: number;
  /** Default and largest page of list_directory / list_directory_with_sizes entries. */
  listPageSize: number;
  /** Default page of search_files results. */
  searchPageSize: number;
  /** Default and largest number of directory_tree entries. */
  treeMaxEntries: number;
  /** Default directory_tree depth. */
  treeMaxDepth: number;
  /** Default and largest number of grep results per call. */
  grepDefaultResults: number;
  grepMaxResults: number;
  /** Files grep reads at once. */
  grepConcurrency: number;
  /** How long one grep call may scan before returning a cursor. */
  grepTimeBudgetMs: number;
}

/** Default {@link ToolLimits}. */
export const DEFAULT_TOOL_LIMITS: Readonly<ToolLimits> = Object.freeze({
  maxReadBytes: 10 * 1024 * 1024,
  listPageSize: 2000,
  searchPageSize: 1000,
  treeMaxEntries: 2000,
  treeMaxDepth: 10,
  grepDefaultResults: 100,
  grepMaxResults: 2000,
  grepConcurrency: 24,
  grepTimeBudgetMs: 20_000,
});

/** What every filesystem tool gets from the server that registers it. */
export interface FsToolContext {
  /** The connection's confinement, after any pending narrowing by client roots has settled. */
  confinement(): Promise<PathConfinement>;
  limits: ToolLimits;
}

/**
 * Wraps a tool so a raw Node system error (ENOENT, EACCES, ...) thrown by its handler reaches
 * the model as a clear `isError` result rather than a protocol fault.
 */
export function withSystemErrors<Input extends z.ZodObject, Output extends z.ZodObject>(
  tool: ToolDefinition<Input, Output>,
): ToolDefinition<Input, Output> {
  return {
    ...tool,
    async handler(input, context) {
      try {
        return await tool.handler(input, context);
      } catch (error) {
        const record = input as Record<string, unknown>;
        const subject =
          typeof record.path === 'string'
            ? record.path
            : typeof record.source === 'string'
              ? record.source
              : 'the path';
        throw explainSystemError(error, subject);
      }
    },
  };
}

/** Hints for a tool that only reads. */
export const READ_ONLY_HINTS = {
  readOnlyHint: true,
  destructiveHint: false,
  idempotentHint: true,
  openWorldHint: false,
} as const;

/** Joins a directory as the client named it with a child name. */
export function joinDisplay(directory: string, name: string): string {
  return directory === '/' ? `/${name}` : `${directory}/${name}`;
}
