import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { openForRead, readWhole } from '../confinement/safe-open.js';
import { explainSystemError } from '../errors.js';
import { sha256Of } from '../text/hash.js';
import { type FsToolContext, READ_ONLY_HINTS } from './context.js';

/** Most paths accepted in one call. */
const MAX_PATHS = 100;

const inputSchema = z.object({
  paths: z
    .array(z.string())
    .min(1)
    .max(MAX_PATHS)
    .describe(
      'Array of file paths to read. Each path must be a string pointing to a valid file within allowed directories.',
    ),
});

const outputSchema = z.object({
  content: z.string(),
  files: z.array(
    z.object({
      path: z.string(),
      ok: z.boolean(),
      sha256: z.string().optional(),
      error: z.string().optional(),
    }),
  ),
});

/**
 * `read_multiple_files`: reads files concurrently; a failed file is reported inline and does not
 * fail the call. The combined output is capped at the read cap: files past it are reported as
 * skipped. Subject argument: `paths` (every element is checked).
 */
export function createReadMultipleFilesTool(context: FsToolContext): ToolDefinition {
  return defineTool({
    name: 'read_multiple_files',
    title: 'Read Multiple Files',
    description:
      'Read the contents of multiple files simultaneously. This is more ' +
      'efficient than reading files one by one when you need to analyze ' +
      "or compare multiple files. Each file's content is returned with its " +
      "path as a reference. Failed reads for individual files won't stop " +
      'the entire operation. The combined output is capped; read skipped files separately. ' +
      'Only works within allowed directories.',
    inputSchema,
    outputSchema,
    annotations: READ_ONLY_HINTS,
    meta: toolMeta({ subject: 'paths', writes: false }),
    async handler(input) {
      const confinement = await context.confinement();
      const cap = context.limits.maxReadBytes;
      const reads = await Promise.all(
        input.paths.map(async (requested) => {
          try {
            const resolved = await confinement.resolve(requested);
            const opened = openForRead(confinement, resolved);
            try {
              const bytes = await readWhole(opened, cap, resolved.requested);
              return { path: requested, bytes };
            } finally {
              opened.close();
            }
          } catch (error) {
            const explained = explainSystemError(error, requested);
            return {
              path: requested,
              error: explained instanceof Error ? explained.message : String(explained),
            };
          }
        }),
      );
      let budget = cap;
      const sections: string[] = [];
      const files: z.infer<typeof outputSchema>['files'] = [];
      for (const read of reads) {
        if ('bytes' in read && read.bytes) {
          if (read.bytes.length > budget) {
            const error = `Skipped: the combined output of this call reached the ${cap}-byte cap. Read this file on its own.`;
            sections.push(`${read.path}: Error - ${error}`);
            files.push({ path: read.path, ok: false, error });
            continue;
          }
          budget -= read.bytes.length;
          sections.push(`${read.path}:\n${read.bytes.toString('utf8')}\n`);
          files.push({ path: read.path, ok: true, sha256: sha256Of(read.bytes) });
        } else {
          const error = 'error' in read ? String(read.error) : 'unknown error';
          sections.push(`${read.path}: Error - ${error}`);
          files.push({ path: read.path, ok: false, error });
        }
      }
      return { content: sections.join('\n---\n'), files };
    },
    toText(output) {
      return output.content;
    },
  });
}
