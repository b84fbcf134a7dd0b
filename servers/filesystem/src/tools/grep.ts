import { lstat } from 'node:fs/promises';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { FilesystemError } from '../errors.js';
import { type GrepPosition, runGrep } from '../grep/grep.js';
import { compilePattern } from '../grep/pattern.js';
import { decodeCursor, encodeCursor } from '../text/cursor.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';

const CHUNK_BYTES = 128 * 1024;

const inputSchema = z.object({
  pattern: z
    .string()
    .describe(
      'Regular expression (JavaScript syntax, no lookaround or backreferences), or plain text with literal: true',
    ),
  path: z
    .string()
    .optional()
    .describe('Absolute directory or file to search (default: the first allowed directory)'),
  literal: z.boolean().default(false).describe('Match the pattern as plain text (fastest)'),
  ignoreCase: z.boolean().default(false),
  include: z
    .array(z.string())
    .optional()
    .default([])
    .describe(
      "Only files matching one of these globs; a glob without '/' matches file names at any depth ('*.ts'), one with '/' matches the path relative to path ('src/**/*.ts')",
    ),
  exclude: z
    .array(z.string())
    .optional()
    .default([])
    .describe('Skip files and directories matching these globs (same rules as include)'),
  respectGitignore: z
    .boolean()
    .default(true)
    .describe('Skip what .gitignore files ignore, and .git directories'),
  outputMode: z
    .enum(['content', 'files_with_matches', 'count'])
    .default('content')
    .describe('content: matching lines; files_with_matches: paths only; count: matching lines per file'),
  maxResults: z.number().int().min(1).optional().describe('Most results to return (default 100)'),
  cursor: z
    .string()
    .optional()
    .describe('nextCursor from a previous call with the same arguments, to get the next page'),
});

const hitSchema = z.object({
  path: z.string(),
  line: z.number().int().optional(),
  column: z.number().int().optional(),
  text: z.string().optional(),
  count: z.number().int().optional(),
});

const outputSchema = z.object({
  content: z.string(),
  results: z.array(hitSchema),
  nextCursor: z.string().optional(),
  filesScanned: z.number().int(),
  binaryFilesSkipped: z.number().int(),
  timedOut: z.boolean(),
});

/**
 * `grep`: content search by regex or literal, with include/exclude globs, .gitignore support,
 * binary files skipped (NUL in the first 8 KiB), results capped and paginated by cursor.
 * Regexes run with a linear-time fallback, so no pattern can hang the server. Subject: `path`.
 */
export function createGrepTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'grep',
      title: 'Search File Contents',
      description:
        'Search the contents of files for a regular expression or, with literal: true, plain text. ' +
        'Searches a directory recursively (or one file), skipping binary files and what .gitignore ignores. ' +
        "Narrow it with include/exclude globs such as '*.ts' or 'src/**'. Returns matching lines as path:line:text " +
        '(or only paths, or counts per file). Results are capped; pass nextCursor back as cursor for more. ' +
        'Only searches within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input, toolContext) {
        const confinement = await context.confinement();
        const target = await confinement.resolve(input.path ?? confinement.rootPaths[0]!);
        if (!target.exists) throw new FilesystemError('E_NOT_FOUND', `${target.requested} does not exist.`);
        const stats = await lstat(target.real);
        if (!stats.isDirectory() && !stats.isFile()) {
          throw new FilesystemError(
            'E_NOT_REGULAR_FILE',
            `${target.requested} is neither a directory nor a regular file.`,
          );
        }
        const pattern = compilePattern(input.pattern, input.literal, input.ignoreCase);
        const limits = context.limits;
        const maxResults = Math.min(input.maxResults ?? limits.grepDefaultResults, limits.grepMaxResults);
        const { cursor, maxResults: _pageSize, ...queryArguments } = input;
        const query = { tool: 'grep', ...queryArguments, real: target.real };
        const resume = cursor ? decodeCursor<GrepPosition & { q: string }>(cursor, query) : undefined;
        const outcome = await runGrep({
          confinement,
          root: target.root,
          start: target.real,
          display: target.requested,
          startIsFile: stats.isFile(),
          pattern,
          mode: input.outputMode,
          include: input.include,
          exclude: input.exclude,
          gitignore: input.respectGitignore,
          maxResults,
          resume: resume ? { file: resume.file, skip: resume.skip } : undefined,
          timeBudgetMs: limits.grepTimeBudgetMs,
          concurrency: limits.grepConcurrency,
          chunkBytes: CHUNK_BYTES,
          signal: toolContext.signal,
        });
        const lines = outcome.hits.map((hit) =>
          input.outputMode === 'content'
            ? `${hit.path}:${hit.line}:${hit.text}`
            : input.outputMode === 'count'
              ? `${hit.path}:${hit.count}`
              : hit.path,
        );
        const content = lines.length > 0 ? lines.join('\n') : 'No matches found';
        return {
          content,
          results: outcome.hits,
          ...(outcome.next
            ? { nextCursor: encodeCursor(query, { file: outcome.next.file, skip: outcome.next.skip }) }
            : {}),
          filesScanned: outcome.filesScanned,
          binaryFilesSkipped: outcome.binaryFilesSkipped,
          timedOut: outcome.timedOut,
        };
      },
      toText(output) {
        if (!output.nextCursor) return output.content;
        const why = output.timedOut ? 'The search hit its time budget.' : 'More results exist.';
        return `${output.content}\n\n[${why} Call grep again with the same arguments and cursor="${output.nextCursor}".]`;
      },
    }),
  );
}
