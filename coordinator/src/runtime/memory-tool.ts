import { readToolMeta, type ToolRole } from '@meshwork/kit';
import type { ToolView } from '../mesh/tool-view.js';

/**
 * The name of the memory server's tool that declares `role` in its `_meta`, when the subagent's
 * profile reaches a memory server that has one. The coordinator calls memory tools by the part they
 * play, never by their names.
 */
export function memoryToolFor(view: ToolView, role: ToolRole): string | undefined {
  return view.memory?.tools.find((tool) => readToolMeta(tool._meta).role === role)?.name;
}
