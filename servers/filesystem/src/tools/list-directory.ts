import { type Dirent, readdirSync } from 'node:fs';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { relativeTo } from '../confinement/lexical.js';
import type { PathConfinement, ResolvedPath } from '../confinement/path-confinement.js';
import { decodeCursor, encodeCursor } from '../text/cursor.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';

/** The paging fields both directory listings take. */
export const DIRECTORY_PAGE_FIELDS = {
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Most entries to return (default and maximum: the server page size)'),
  cursor: z.string().optional().describe('nextCursor from a previous call, to list the next page'),
};

const inputSchema = z.object({ path: z.string(), ...DIRECTORY_PAGE_FIELDS });

const outputSchema = z.object({
  content: z.string(),
  nextCursor: z.string().optional(),
});

/** Reads a directory's entries, drops denied ones, and sorts by name (code units). */
export function readAllowedEntries(confinement: PathConfinement, directory: ResolvedPath): Dirent[] {
  // Synchronous on purpose: the async form builds the same array on this thread anyway and adds
  // a thread-pool round trip, which dominates the latency of listing a normal directory.
  const entries = readdirSync(directory.real, { withFileTypes: true });
  const base = directory.real === '/' ? '' : directory.real;
  const kept =
    confinement.deny.patterns.length === 0
      ? entries
      : entries.filter((entry) => {
          const real = `${base}/${entry.name}`;
          return !confinement.deny.matchesEntry(relativeTo(real, directory.root.path), real);
        });
  return kept.sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0));
}

/**
 * `list_directory`: `[DIR]` / `[FILE]` lines like the reference, sorted by name, denied entries
 * hidden, paginated with a cursor. Subject argument: `path`.
 */
export function createListDirectoryTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'list_directory',
      title: 'List Directory',
      description:
        'Get a detailed listing of all files and directories in a specified path. ' +
        'Results clearly distinguish between files and directories with [FILE] and [DIR] ' +
        'prefixes. This tool is essential for understanding directory structure and ' +
        'finding specific files within a directory. Long listings are paginated: pass nextCursor back as cursor. ' +
        'Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input) {
        const confinement = await context.confinement();
        const directory = await confinement.resolve(input.path);
        const entries = readAllowedEntries(confinement, directory);
        const pageSize = Math.min(input.limit ?? context.limits.listPageSize, context.limits.listPageSize);
        const query = { tool: 'list_directory', path: directory.real };
        let start = 0;
        if (input.cursor) {
          const { after } = decodeCursor<{ after: string }>(input.cursor, query);
          start = entries.findIndex((entry) => entry.name > after);
          if (start === -1) start = entries.length;
        }
        const page = entries.slice(start, start + pageSize);
        const content = page
          .map((entry) => `${entry.isDirectory() ? '[DIR]' : '[FILE]'} ${entry.name}`)
          .join('\n');
        const last = page[page.length - 1];
        return start + pageSize < entries.length && last
          ? { content, nextCursor: encodeCursor(query, { after: last.name }) }
          : { content };
      },
      toText(output) {
        if (!output.nextCursor) return output.content;
        return `${output.content}\n\n[More entries: call list_directory again with cursor="${output.nextCursor}".]`;
      },
    }),
  );
}
