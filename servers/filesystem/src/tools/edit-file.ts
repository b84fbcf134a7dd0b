import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { assertExpectedHash, readExisting, writeEntry } from '../confinement/safe-write.js';
import { FilesystemError } from '../errors.js';
import { applyEdits, formatDiff } from '../text/edits.js';
import { type FsToolContext, withSystemErrors } from './context.js';
import { expectedSha256Schema } from './write-file.js';

const inputSchema = z.object({
  path: z.string(),
  edits: z.array(
    z.object({
      oldText: z.string().describe('Text to search for - must match exactly'),
      newText: z.string().describe('Text to replace with'),
    }),
  ),
  dryRun: z.boolean().default(false).describe('Preview changes using git-style diff format'),
  expected_sha256: expectedSha256Schema,
});

const outputSchema = z.object({
  content: z.string().describe('The unified diff, fenced'),
  sha256: z.string().describe('sha256 of the file after the edit (before it, on a dry run)'),
  applied: z.boolean(),
});

/**
 * `edit_file`: applies exact (or whitespace-tolerant, line-based) replacements and returns a
 * unified diff; `dryRun` only previews. The read-modify-write is atomic with respect to other
 * calls in this server, and `expected_sha256` guards against other writers. Subject: `path`.
 */
export function createEditFileTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'edit_file',
      title: 'Edit File',
      description:
        'Make line-based edits to a text file. Each edit replaces exact line sequences ' +
        'with new content. Returns a git-style diff showing the changes made. ' +
        'Pass expected_sha256 to refuse the edit if the file changed since you read it. ' +
        'Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
      meta: toolMeta({ subject: 'path', writes: { paths: ['path'] } }),
      async handler(input) {
        const confinement = await context.confinement();
        const first = await confinement.resolveEntry(input.path);
        return confinement.writeLock.run(first.real, async () => {
          const entry = await confinement.resolveEntry(input.path);
          if (!entry.exists)
            throw new FilesystemError(
              'E_NOT_FOUND',
              `${entry.requested} does not exist; use write_file to create it.`,
            );
          const previous = await readExisting(confinement, entry, 'content', context.limits.maxReadBytes);
          assertExpectedHash(entry.requested, input.expected_sha256, previous);
          const original = (previous.content ?? Buffer.alloc(0)).toString('utf8');
          const modified = applyEdits(original, input.edits);
          const diff = formatDiff(original, modified, input.path);
          if (input.dryRun) return { content: diff, sha256: previous.sha256 ?? '', applied: false };
          const outcome = await writeEntry(confinement, entry, Buffer.from(modified, 'utf8'), previous);
          return { content: diff, sha256: outcome.sha256, applied: true };
        });
      },
      toText(output) {
        return output.content;
      },
    }),
  );
}
