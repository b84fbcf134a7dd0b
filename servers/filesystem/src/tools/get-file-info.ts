import { lstat } from 'node:fs/promises';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { openForRead, readWhole } from '../confinement/safe-open.js';
import { FilesystemError } from '../errors.js';
import { sha256Of } from '../text/hash.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';

const inputSchema = z.object({ path: z.string() });

const outputSchema = z.object({
  content: z.string(),
  size: z.number(),
  created: z.string(),
  modified: z.string(),
  accessed: z.string(),
  isDirectory: z.boolean(),
  isFile: z.boolean(),
  permissions: z.string(),
  sha256: z
    .string()
    .optional()
    .describe('For regular files up to the read cap; pass as expected_sha256 when writing'),
});

/**
 * `get_file_info`: the reference's `key: value` lines (size, created, modified, accessed,
 * isDirectory, isFile, permissions) plus the file's sha256, for expected_sha256. Subject: `path`.
 */
export function createGetFileInfoTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'get_file_info',
      title: 'Get File Info',
      description:
        'Retrieve detailed metadata about a file or directory. Returns comprehensive ' +
        'information including size, creation time, last modified time, permissions, ' +
        'type, and for files the sha256 to pass as expected_sha256 when writing. This tool is perfect for understanding file characteristics ' +
        'without reading the actual content. Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input) {
        const confinement = await context.confinement();
        const resolved = await confinement.resolve(input.path);
        if (!resolved.exists)
          throw new FilesystemError('E_NOT_FOUND', `${resolved.requested} does not exist.`);
        // `real` is symlink-free, so lstat describes the target without following anything new.
        const stats = await lstat(resolved.real);
        const lines: Array<[string, unknown]> = [
          ['size', stats.size],
          ['created', stats.birthtime],
          ['modified', stats.mtime],
          ['accessed', stats.atime],
          ['isDirectory', stats.isDirectory()],
          ['isFile', stats.isFile()],
          ['permissions', stats.mode.toString(8).slice(-3)],
        ];
        let sha256: string | undefined;
        if (stats.isFile() && stats.size <= context.limits.maxReadBytes) {
          const opened = openForRead(confinement, resolved);
          try {
            sha256 = sha256Of(await readWhole(opened, context.limits.maxReadBytes, resolved.requested));
          } finally {
            opened.close();
          }
          lines.push(['sha256', sha256]);
        }
        return {
          content: lines.map(([key, value]) => `${key}: ${String(value)}`).join('\n'),
          size: stats.size,
          created: stats.birthtime.toISOString(),
          modified: stats.mtime.toISOString(),
          accessed: stats.atime.toISOString(),
          isDirectory: stats.isDirectory(),
          isFile: stats.isFile(),
          permissions: stats.mode.toString(8).slice(-3),
          ...(sha256 ? { sha256 } : {}),
        };
      },
      toText(output) {
        return output.content;
      },
    }),
  );
}
