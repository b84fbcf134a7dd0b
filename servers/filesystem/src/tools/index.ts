import type { ToolDefinition } from '@meshwork/kit';
import type { FsToolContext } from './context.js';
import { createCreateDirectoryTool } from './create-directory.js';
import { createDirectoryTreeTool } from './directory-tree.js';
import { createEditFileTool } from './edit-file.js';
import { createGetFileInfoTool } from './get-file-info.js';
import { createGrepTool } from './grep.js';
import { createListAllowedDirectoriesTool } from './list-allowed-directories.js';
import { createListDirectoryTool } from './list-directory.js';
import { createListDirectoryWithSizesTool } from './list-directory-with-sizes.js';
import { createMoveFileTool } from './move-file.js';
import { createReadMediaFileTool } from './read-media-file.js';
import { createReadMultipleFilesTool } from './read-multiple-files.js';
import { createReadTextFileTool } from './read-text-file.js';
import { createSearchFilesTool } from './search-files.js';
import { createWriteFileTool } from './write-file.js';

/** Names of the tools that change the filesystem; `--read-only` leaves them out entirely. */
export const WRITE_TOOL_NAMES = ['write_file', 'edit_file', 'create_directory', 'move_file'] as const;

/**
 * Every tool of the server, in the reference's order, then grep. With `readOnly`, the write
 * tools are not created at all, so they are not even listed.
 */
export function createFilesystemTools(
  context: FsToolContext,
  options: { readOnly: boolean },
): ToolDefinition[] {
  const tools: ToolDefinition[] = [
    createReadTextFileTool(context, 'read_file'),
    createReadTextFileTool(context),
    createReadMediaFileTool(context),
    createReadMultipleFilesTool(context),
  ];
  if (!options.readOnly)
    tools.push(createWriteFileTool(context), createEditFileTool(context), createCreateDirectoryTool(context));
  tools.push(
    createListDirectoryTool(context),
    createListDirectoryWithSizesTool(context),
    createDirectoryTreeTool(context),
  );
  if (!options.readOnly) tools.push(createMoveFileTool(context));
  tools.push(
    createSearchFilesTool(context),
    createGetFileInfoTool(context),
    createListAllowedDirectoriesTool(context),
    createGrepTool(context),
  );
  return tools;
}
