import type { ToolRole } from '@meshwork/kit';
import type { ToolView } from '../gate/tool-view.js';
import { toolWithRole } from '../servers/tool-with-role.js';

/**
 * The name of the memory server's tool that declares `role` in its `_meta`, when the subagent's
 * profile reaches a memory server that has one. The coordinator calls memory tools by the part they
 * play, never by their names.
 */
export function memoryToolFor(view: ToolView, role: ToolRole): string | undefined {
  return view.memory === undefined ? undefined : toolWithRole(view.memory.tools, role)?.name;
}
