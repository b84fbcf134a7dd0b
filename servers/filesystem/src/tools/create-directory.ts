import { lstatSync, mkdirSync } from 'node:fs';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { relativeTo } from '../confinement/lexical.js';
import { type PinnedDirectory, pinChild, pinDirectory } from '../confinement/pinned-directory.js';
import { FilesystemError, isSystemError } from '../errors.js';
import { type FsToolContext, withSystemErrors } from './context.js';

const inputSchema = z.object({ path: z.string() });
const outputSchema = z.object({ content: z.string(), created: z.boolean() });

/**
 * `create_directory`: mkdir -p, one component at a time, each created inside its parent pinned
 * by descriptor and then opened with O_NOFOLLOW, so a file or symlink in the way (or swapped in
 * meanwhile) is refused rather than followed. Subject argument: `path`.
 */
export function createCreateDirectoryTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'create_directory',
      title: 'Create Directory',
      description:
        'Create a new directory or ensure a directory exists. Can create multiple ' +
        'nested directories in one operation. If the directory already exists, ' +
        'this operation will succeed silently. Perfect for setting up directory ' +
        'structures for projects or ensuring required paths exist. Only works within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: {
        readOnlyHint: false,
        destructiveHint: false,
        idempotentHint: true,
        openWorldHint: false,
      },
      meta: toolMeta({ subject: 'path', writes: { paths: ['path'] } }),
      async handler(input) {
        const confinement = await context.confinement();
        const resolved = await confinement.resolve(input.path);
        const content = `Successfully created directory ${input.path}`;
        if (resolved.exists) {
          if (!lstatSync(resolved.real).isDirectory()) {
            throw new FilesystemError(
              'E_NOT_DIRECTORY',
              `${resolved.requested} exists and is not a directory.`,
            );
          }
          return { content, created: false };
        }
        const parts = relativeTo(resolved.real, resolved.root.path).split('/');
        let current: PinnedDirectory = pinDirectory(confinement, resolved.root.path, resolved.requested);
        try {
          for (const part of parts) {
            try {
              mkdirSync(current.entry(part));
            } catch (error) {
              if (!isSystemError(error, 'EEXIST')) throw error;
            }
            let next: PinnedDirectory;
            try {
              next = pinChild(confinement, current, part, resolved.requested);
            } catch (error) {
              throw new FilesystemError(
                'E_NOT_DIRECTORY',
                `Refused: ${current.real}/${part} is not a real directory (a file or symbolic link is in the way).`,
                { cause: error },
              );
            }
            current.close();
            current = next;
          }
        } finally {
          current.close();
        }
        return { content, created: true };
      },
      toText(output) {
        return output.content;
      },
    }),
  );
}
