import { lstat } from 'node:fs/promises';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../text/cursor.js';
import { formatSize } from '../text/format-size.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';
import { DIRECTORY_PAGE_FIELDS, readAllowedEntries } from './list-directory.js';

const inputSchema = z.object({
  path: z.string(),
  sortBy: z.enum(['name', 'size']).optional().default('name').describe('Sort entries by name or size'),
  ...DIRECTORY_PAGE_FIELDS,
});

const outputSchema = z.object({
  content: z.string(),
  totalFiles: z.number().int(),
  totalDirectories: z.number().int(),
  totalBytes: z.number(),
  nextCursor: z.string().optional(),
});

/**
 * `list_directory_with_sizes`: the reference's format and summary. Sizes come from lstat, so a
 * symlink shows its own size and never reveals anything about a target outside the roots.
 * Subject argument: `path`.
 */
export function createListDirectoryWithSizesTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'list_directory_with_sizes',
      title: 'List Directory with Sizes',
      description:
        'Get a detailed listing of all files and directories in a specified path, including sizes. ' +
        'Results clearly distinguish between files and directories with [FILE] and [DIR] ' +
        'prefixes. This tool is useful for understanding directory structure and ' +
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
        const base = directory.real === '/' ? '' : directory.real;
        const detailed = await Promise.all(
          entries.map(async (entry) => {
            const stats = await lstat(`${base}/${entry.name}`).catch(() => undefined);
            return { name: entry.name, isDirectory: entry.isDirectory(), size: stats?.size ?? 0 };
          }),
        );
        const sorted = [...detailed].sort((left, right) =>
          input.sortBy === 'size' ? right.size - left.size : left.name.localeCompare(right.name),
        );
        const query = { tool: 'list_directory_with_sizes', path: directory.real, sortBy: input.sortBy };
        const start = input.cursor ? decodeCursor<{ offset: number }>(input.cursor, query).offset : 0;
        const pageSize = Math.min(input.limit ?? context.limits.listPageSize, context.limits.listPageSize);
        const page = sorted.slice(start, start + pageSize);
        const lines = page.map(
          (entry) =>
            `${entry.isDirectory ? '[DIR]' : '[FILE]'} ${entry.name.padEnd(30)} ${entry.isDirectory ? '' : formatSize(entry.size).padStart(10)}`,
        );
        const totalFiles = detailed.filter((entry) => !entry.isDirectory).length;
        const totalDirectories = detailed.length - totalFiles;
        const totalBytes = detailed.reduce((sum, entry) => sum + (entry.isDirectory ? 0 : entry.size), 0);
        const summary = [
          '',
          `Total: ${totalFiles} files, ${totalDirectories} directories`,
          `Combined size: ${formatSize(totalBytes)}`,
        ];
        const content = [...lines, ...summary].join('\n');
        const output = { content, totalFiles, totalDirectories, totalBytes };
        return start + pageSize < sorted.length
          ? { ...output, nextCursor: encodeCursor(query, { offset: start + pageSize }) }
          : output;
      },
      toText(output) {
        if (!output.nextCursor) return output.content;
        return `${output.content}\n\n[More entries: call list_directory_with_sizes again with cursor="${output.nextCursor}".]`;
      },
    }),
  );
}
