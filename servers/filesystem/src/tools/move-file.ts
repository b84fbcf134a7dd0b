import { lstat, rename } from 'node:fs/promises';
import * as path from 'node:path';
import { defineTool, type ToolDefinition, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { deniedBeneath } from '../confinement/denied-beneath.js';
import { pinDirectory } from '../confinement/pinned-directory.js';
import { FilesystemError, isSystemError } from '../errors.js';
import { type FsToolContext, withSystemErrors } from './context.js';

const inputSchema = z.object({ source: z.string(), destination: z.string() });
const outputSchema = z.object({ content: z.string() });

/**
 * `move_file`: renames an entry (a symlink is moved as a link, never followed); the destination
 * must not exist. Subject argument: `source`; the destination is checked by the confinement just
 * the same. A directory is moved only when nothing beneath it is denied, where it is or where it
 * would land: a move must not carry a denied file to a name the deny does not cover.
 */
export function createMoveFileTool(context: FsToolContext): ToolDefinition {
  return withSystemErrors(
    defineTool({
      name: 'move_file',
      title: 'Move File',
      description:
        'Move or rename files and directories. Can move files between directories ' +
        'and rename them in a single operation. If the destination exists, the ' +
        'operation will fail. Works across different directories and can be used ' +
        'for simple renaming within the same directory. Both source and destination must be within allowed directories.',
      inputSchema,
      outputSchema,
      annotations: {
        readOnlyHint: false,
        destructiveHint: true,
        idempotentHint: false,
        openWorldHint: false,
      },
      meta: toolMeta({ subject: 'source', writes: { paths: ['source', 'destination'] } }),
      async handler(input) {
        const confinement = await context.confinement();
        const source = await confinement.resolveEntry(input.source);
        const destination = await confinement.resolveEntry(input.destination);
        if (!source.exists) throw new FilesystemError('E_NOT_FOUND', `${source.requested} does not exist.`);
        if (destination.exists) {
          throw new FilesystemError(
            'E_EXISTS',
            `Destination already exists: ${destination.requested}. Choose another name or move it away first.`,
          );
        }
        if (source.stats?.isDirectory()) {
          const why = await deniedBeneath(confinement, source, destination);
          if (why !== undefined) {
            throw new FilesystemError(
              'E_DENIED',
              `Access denied: moving ${source.requested} would move what --deny protects (${why}; ${confinement.deny.patterns.join(', ')}). Move the files you need one by one.`,
            );
          }
        }
        // Both parents are pinned by descriptor, so neither can be swapped for a symlink meanwhile.
        const from = pinDirectory(confinement, source.parentReal, source.requested);
        try {
          const to = pinDirectory(confinement, destination.parentReal, destination.requested);
          try {
            const target = to.entry(path.basename(destination.real));
            const taken = await lstat(target).then(
              () => true,
              (error: unknown) => !isSystemError(error, 'ENOENT'),
            );
            if (taken)
              throw new FilesystemError('E_EXISTS', `Destination already exists: ${destination.requested}.`);
            await confinement.writeLock.run(source.real, () =>
              rename(from.entry(path.basename(source.real)), target),
            );
          } finally {
            to.close();
          }
        } finally {
          from.close();
        }
        return { content: `Successfully moved ${input.source} to ${input.destination}` };
      },
      toText(output) {
        return output.content;
      },
    }),
  );
}
