import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { openForRead, readWhole } from '../confinement/safe-open.js';
import { FilesystemError } from '../errors.js';
import { sha256Of } from '../text/hash.js';
import { readLastLines, readLineSlice } from '../text/lines.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';

const inputSchema = z.object({
  path: z.string().describe('Absolute path of the file, inside an allowed directory.'),
  tail: z.number().int().min(0).optional().describe('If provided, returns only the last N lines of the file'),
  head: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('If provided, returns only the first N lines of the file'),
  offset: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('1-based line number to start reading from (use with limit to page through a large file)'),
  limit: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Maximum number of lines to return, starting at offset (default: to the end)'),
});

const outputSchema = z.object({
  content: z.string(),
  sha256: z
    .string()
    .optional()
    .describe('sha256 of the whole file, when it was read whole; pass it as expected_sha256 when writing'),
  totalLines: z.number().int().optional(),
  nextOffset: z.number().int().optional().describe('Line to pass as offset to read on'),
  truncated: z.boolean().optional(),
});

type Output = z.infer<typeof outputSchema>;

const DESCRIPTION =
  'Read the complete contents of a file from the file system as text. ' +
  'Handles various text encodings and provides detailed error messages ' +
  'if the file cannot be read. Use this tool when you need to examine ' +
  "the contents of a single file. Use the 'head' parameter to read only " +
  "the first N lines of a file, or the 'tail' parameter to read only " +
  "the last N lines of a file, or 'offset' and 'limit' to read a range of lines (1-based) of a large file. " +
  'Operates on the file as text regardless of extension. Files over the read cap must be read in parts. ' +
  'Only works within allowed directories.';

/**
 * `read_text_file`: whole file, head, tail, or an offset/limit line range. Subject argument:
 * `path`. `read_file` is the reference server's deprecated alias with the same behaviour.
 */
export function createReadTextFileTool(
  context: FsToolContext,
  name: 'read_text_file' | 'read_file' = 'read_text_file',
): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name,
      title: name === 'read_file' ? 'Read File (Deprecated)' : 'Read Text File',
      description:
        name === 'read_file'
          ? 'Read the complete contents of a file as text. DEPRECATED: Use read_text_file instead.'
          : DESCRIPTION,
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input): Promise<Output> {
        // The reference treats 0 (and absence) as "not given"; keep that.
        const head = input.head || undefined;
        const tail = input.tail || undefined;
        if (head !== undefined && tail !== undefined) {
          throw new FilesystemError(
            'E_BAD_ARGUMENTS',
            'Cannot specify both head and tail parameters simultaneously',
          );
        }
        const ranged = input.offset !== undefined || input.limit !== undefined;
        if (ranged && (head !== undefined || tail !== undefined)) {
          throw new FilesystemError('E_BAD_ARGUMENTS', 'Use either head/tail or offset/limit, not both.');
        }
        const confinement = await context.confinement();
        const resolved = await confinement.resolve(input.path);
        const opened = openForRead(confinement, resolved);
        const maxBytes = context.limits.maxReadBytes;
        try {
          if (tail !== undefined) {
            const result = await readLastLines(opened, opened.stats.size, tail, maxBytes);
            return { content: result.lines.join('\n'), ...(result.truncated ? { truncated: true } : {}) };
          }
          if (head !== undefined || ranged) {
            const first = input.offset ?? 1;
            const take = head ?? input.limit ?? Number.POSITIVE_INFINITY;
            const slice = await readLineSlice(opened, opened.stats.size, first, take, maxBytes);
            const output: Output = { content: slice.lines.join('\n') };
            if (slice.totalLines !== undefined) output.totalLines = slice.totalLines;
            if (slice.hasMore && ranged) output.nextOffset = first + slice.lines.length;
            if (slice.truncated) output.truncated = true;
            return output;
          }
          const bytes = await readWhole(opened, maxBytes, resolved.requested);
          return { content: bytes.toString('utf8'), sha256: sha256Of(bytes) };
        } finally {
          opened.close();
        }
      },
      toText(output) {
        if (output.nextOffset === undefined) return output.content;
        const total = output.totalLines === undefined ? '' : ` of ${output.totalLines}`;
        return `${output.content}\n\n[Showing lines up to ${output.nextOffset - 1}${total}. Call read_text_file with offset=${output.nextOffset} to read on.]`;
      },
    }),
  );
}
