import { realpath } from 'node:fs/promises';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import picomatch from 'picomatch';
import { z } from 'zod';
import type { PathConfinement } from '../confinement/path-confinement.js';
import { decodeCursor, encodeCursor } from '../text/cursor.js';
import { walk } from '../walk/walk.js';
import { type FsToolContext, joinDisplay, READ_ONLY_HINTS, withSystemErrors } from './context.js';

const inputSchema = z.object({
  path: z.string(),
  pattern: z.string(),
  excludePatterns: z.array(z.string()).optional().default([]),
  maxResults: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Most paths to return (default: the server page size)'),
  cursor: z.string().optional().describe('nextCursor from a previous call, to get the next page'),
});

const outputSchema = z.object({
  content: z.string(),
  matches: z.number().int(),
  nextCursor: z.string().optional(),
});

/** True when a symlink found in a walk leads somewhere allowed (it is only reported then). */
async function linkStaysInside(confinement: PathConfinement, real: string): Promise<boolean> {
  try {
    const target = await realpath(real);
    const root = confinement.rootOf(target);
    return root !== undefined && !confinement.isDenied(target, root);
  } catch {
    return false;
  }
}

/**
 * `search_files`: the reference's glob search (minimatch-style, `dot: true`, patterns relative to
 * `path`; excluded entries are not descended), in a stable order and paginated with a cursor.
 * Symlinks are reported only when they lead inside the roots, and never followed. Subject: `path`.
 */
export function createSearchFilesTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'search_files',
      title: 'Search Files',
      description:
        'Recursively search for files and directories matching a pattern. ' +
        'The patterns should be glob-style patterns that match paths relative to the working directory. ' +
        "Use pattern like '*.ext' to match files in current directory, and '**/*.ext' to match files in all subdirectories. " +
        "Returns full paths to all matching items. Great for finding files when you don't know their exact location. " +
        'Results are paginated: pass nextCursor back as cursor. To search file contents, use grep. ' +
        'Only searches within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input, toolContext) {
        const confinement = await context.confinement();
        const start = await confinement.resolve(input.path);
        const matches = picomatch(input.pattern, { dot: true });
        const excluded =
          input.excludePatterns.length > 0 ? picomatch(input.excludePatterns, { dot: true }) : () => false;
        const pageSize = input.maxResults ?? context.limits.searchPageSize;
        const query = {
          tool: 'search_files',
          path: start.real,
          pattern: input.pattern,
          exclude: input.excludePatterns,
        };
        const resume = input.cursor
          ? decodeCursor<{ after: string[] }>(input.cursor, query).after
          : undefined;
        const found: Array<{ display: string; segments: string[] }> = [];
        let more = false;
        for await (const entry of walk({
          confinement,
          root: start.root,
          start: start.real,
          signal: toolContext.signal,
          pruneDirectory: (relative) => excluded(relative),
          ...(resume ? { resumeFrom: { segments: resume, inclusive: false } } : {}),
        })) {
          if (excluded(entry.relative) || !matches(entry.relative)) continue;
          if (entry.kind === 'symlink' && !(await linkStaysInside(confinement, entry.real))) continue;
          if (found.length >= pageSize) {
            more = true;
            break;
          }
          found.push({
            display: joinDisplay(start.requested, entry.relative),
            segments: entry.relative.split('/'),
          });
        }
        const content = found.length > 0 ? found.map((item) => item.display).join('\n') : 'No matches found';
        const last = found[found.length - 1];
        return more && last
          ? { content, matches: found.length, nextCursor: encodeCursor(query, { after: last.segments }) }
          : { content, matches: found.length };
      },
      toText(output) {
        if (!output.nextCursor) return output.content;
        return `${output.content}\n\n[More matches: call search_files again with cursor="${output.nextCursor}".]`;
      },
    }),
  );
}
