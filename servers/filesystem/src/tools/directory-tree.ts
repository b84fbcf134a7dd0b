import type { Dirent } from 'node:fs';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import picomatch from 'picomatch';
import { z } from 'zod';
import type { ResolvedPath } from '../confinement/path-confinement.js';
import { type FsToolContext, READ_ONLY_HINTS, withSystemErrors } from './context.js';
import { readAllowedEntries } from './list-directory.js';

const inputSchema = z.object({
  path: z.string(),
  excludePatterns: z.array(z.string()).optional().default([]),
  maxDepth: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Levels to expand (default: the server default, usually 10)'),
  maxEntries: z
    .number()
    .int()
    .min(1)
    .optional()
    .describe('Most entries in the whole tree (default and maximum: the server cap)'),
});

/** A node of the tree, as the reference prints it, plus `truncated` on unexpanded directories. */
interface TreeEntry {
  name: string;
  type: 'file' | 'directory';
  children?: TreeEntry[];
  truncated?: boolean;
}

const outputSchema = z.object({
  content: z.string(),
  entries: z.number().int(),
  truncated: z.boolean(),
});

/** The reference's exclude semantics: globs with `*` match the relative path; bare names match anywhere. */
function createExcluder(patterns: readonly string[]): (relative: string) => boolean {
  if (patterns.length === 0) return () => false;
  const expanded = patterns.flatMap((pattern) =>
    pattern.includes('*') ? [pattern] : [pattern, `**/${pattern}`, `**/${pattern}/**`],
  );
  return picomatch(expanded, { dot: true });
}

/**
 * `directory_tree`: the reference's JSON tree, expanded breadth-first up to `maxDepth` levels
 * and `maxEntries` entries, so the shallow structure is always complete. A directory that was
 * not expanded carries `"truncated": true`: call directory_tree on it to see inside. Symlinks are
 * listed as files and never followed. Subject argument: `path`.
 */
export function createDirectoryTreeTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'directory_tree',
      title: 'Directory Tree',
      description:
        'Get a recursive tree view of files and directories as a JSON structure. ' +
        "Each entry includes 'name', 'type' (file/directory), and 'children' for directories. " +
        'Files have no children array, while directories always have a children array (which may be empty). ' +
        'The tree is limited in depth and size: a directory that was not expanded has "truncated": true; ' +
        'call directory_tree on it to see inside. ' +
        'The output is formatted with 2-space indentation for readability. Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: READ_ONLY_HINTS,
      meta: toolMeta({ subject: 'path', writes: false }),
      async handler(input, toolContext) {
        const confinement = await context.confinement();
        const top = await confinement.resolve(input.path);
        const maxDepth = input.maxDepth ?? context.limits.treeMaxDepth;
        const maxEntries = Math.min(
          input.maxEntries ?? context.limits.treeMaxEntries,
          context.limits.treeMaxEntries,
        );
        const excluded = createExcluder(input.excludePatterns);
        const roots: TreeEntry[] = [];
        let count = 0;
        let truncated = false;
        // Breadth-first: each queued directory fills its `children` from its own listing.
        let level: Array<{
          directory: ResolvedPath;
          relative: string;
          children: TreeEntry[];
          node?: TreeEntry;
        }> = [{ directory: top, relative: '', children: roots }];
        for (let depth = 1; level.length > 0; depth += 1) {
          const next: typeof level = [];
          for (const item of level) {
            if (toolContext.signal.aborted || count >= maxEntries) {
              if (item.node) item.node.truncated = true;
              truncated = true;
              continue;
            }
            let entries: Dirent[];
            try {
              entries = readAllowedEntries(confinement, item.directory);
            } catch {
              continue; // unreadable directories stay empty
            }
            for (const entry of entries) {
              const relative = item.relative ? `${item.relative}/${entry.name}` : entry.name;
              if (excluded(relative)) continue;
              if (count >= maxEntries) {
                if (item.node) item.node.truncated = true;
                truncated = true;
                break;
              }
              count += 1;
              const isDirectory = entry.isDirectory();
              const node: TreeEntry = { name: entry.name, type: isDirectory ? 'directory' : 'file' };
              if (isDirectory) {
                node.children = [];
                if (depth >= maxDepth) {
                  node.truncated = true;
                  truncated = true;
                } else {
                  const real = `${item.directory.real === '/' ? '' : item.directory.real}/${entry.name}`;
                  next.push({
                    directory: {
                      ...item.directory,
                      real,
                      requested: `${item.directory.requested}/${entry.name}`,
                    },
                    relative,
                    children: node.children,
                    node,
                  });
                }
              }
              item.children.push(node);
            }
          }
          level = next;
        }
        return { content: JSON.stringify(roots, null, 2), entries: count, truncated };
      },
      toText(output) {
        return output.content;
      },
    }),
  );
}
