import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import {
  assertExpectedHash,
  assertWritableEntry,
  readExisting,
  writeEntry,
} from '../confinement/safe-write.js';
import { type FsToolContext, withSystemErrors } from './context.js';

/** `expected_sha256`: the optimistic-concurrency guard shared by write_file and edit_file. */
export const expectedSha256Schema = z
  .string()
  .regex(/^[0-9a-fA-F]{64}$/, 'expected_sha256 must be 64 hex characters')
  .optional()
  .describe(
    "sha256 of the file as you last read it (read_text_file and get_file_info return it). If the file changed since, the write is refused, so no other agent's update is lost.",
  );

const inputSchema = z.object({
  path: z.string(),
  content: z.string(),
  expected_sha256: expectedSha256Schema,
});

const outputSchema = z.object({
  content: z.string(),
  sha256: z.string(),
  created: z.boolean(),
  bytes: z.number().int(),
});

/**
 * `write_file`: creates or atomically replaces a file. Never writes through a symlink or to a
 * file with other hard links; with `expected_sha256`, refuses if the file changed. Subject
 * argument: `path`.
 */
export function createWriteFileTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'write_file',
      title: 'Write File',
      description:
        'Create a new file or completely overwrite an existing file with new content. ' +
        'Use with caution as it will overwrite existing files without warning, unless you pass expected_sha256. ' +
        'Handles text content with proper encoding. Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
      meta: toolMeta({ subject: 'path', writes: { paths: ['path'] } }),
      async handler(input) {
        const confinement = await context.confinement();
        const entry = await confinement.resolveEntry(input.path);
        assertWritableEntry(entry);
        return confinement.writeLock.run(entry.real, async () => {
          // Re-resolve under the lock: another call may have changed the entry meanwhile.
          const current = await confinement.resolveEntry(input.path);
          const previous = current.exists
            ? await readExisting(confinement, current, input.expected_sha256 ? 'hash' : 'metadata')
            : undefined;
          assertExpectedHash(current.requested, input.expected_sha256, previous);
          const outcome = await writeEntry(
            confinement,
            current,
            Buffer.from(input.content, 'utf8'),
            previous,
          );
          return { content: `Successfully wrote to ${input.path}`, ...outcome };
        });
      },
      toText(output) {
        return `${output.content}\nsha256: ${output.sha256}`;
      },
    }),
  );
}
