import { toolMeta } from '@meshwork/kit';
import type { Tool } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import type { AgentDefinition } from '../../src/config/types.js';
import type { ToolView } from '../../src/gate/tool-view.js';
import { memoryToolFor } from '../../src/runtime/memory-tool.js';
import { buildSubagentPrompt, readMemoryIndex } from '../../src/runtime/subagent-prompt.js';
import type { ServerConnection, ToolCallOutcome } from '../../src/servers/server-connection.js';

const tool = (name: string, meta?: Record<string, unknown>): Tool =>
  ({ name, inputSchema: { type: 'object' }, ...(meta ? { _meta: meta } : {}) }) as Tool;

/** A memory view whose connection records the tools called and answers with `outcome`. */
function memoryView(tools: Tool[], outcome: ToolCallOutcome | Error) {
  const calls: string[] = [];
  const connection = {
    async call(name: string) {
      calls.push(name);
      if (outcome instanceof Error) throw outcome;
      return outcome;
    },
  } as unknown as ServerConnection;
  const view: ToolView = { tools: [], notes: [], memory: { server: 'notes', connection, tools } };
  return { view, calls };
}

const agent = { name: 'scout', systemPrompt: 'You scout.' } as AgentDefinition;

describe('memory tools by role', () => {
  it('finds the tool that declares the role, whatever its name, and nothing when none does', () => {
    const { view } = memoryView(
      [
        tool('read_index'),
        tool('show_the_index', toolMeta({ role: 'memory/read-index' })),
        tool('log_lines', toolMeta({ role: 'memory/append-transcript' })),
      ],
      { text: '', isError: false },
    );
    expect(memoryToolFor(view, 'memory/read-index')).toBe('show_the_index');
    expect(memoryToolFor(view, 'memory/append-transcript')).toBe('log_lines');
    expect(memoryToolFor(view, 'memory/stats')).toBeUndefined();
    expect(memoryToolFor({ tools: [], notes: [] }, 'memory/read-index')).toBeUndefined();
  });

  it('reads the index through the tool with the read-index role and puts it in the system prompt', async () => {
    const { view, calls } = memoryView(
      [tool('read_index'), tool('show_the_index', toolMeta({ role: 'memory/read-index' }))],
      { text: 'ignored', isError: false, structuredContent: { content: '  - [Stats](topics/stats.md)\n' } },
    );
    const prompt = await buildSubagentPrompt({ agent, view, localTools: [], projectDir: '/p' });
    expect(calls).toEqual(['show_the_index']);
    expect(prompt.system).toContain('## Memory index (layer 1)');
    expect(prompt.system).toContain('- [Stats](topics/stats.md)');
    expect(prompt.system.startsWith('You scout.')).toBe(true);
  });

  it('calls no memory tool by name: without the role, or when the read fails, the prompt has no index', async () => {
    const unlabelled = memoryView([tool('read_index')], { text: 'index', isError: false });
    expect(await readMemoryIndex(unlabelled.view)).toBeUndefined();
    expect(unlabelled.calls).toEqual([]);
    const failing = memoryView([tool('idx', toolMeta({ role: 'memory/read-index' }))], new Error('gone'));
    const prompt = await buildSubagentPrompt({ agent, view: failing.view, localTools: [], projectDir: '/p' });
    expect(failing.calls).toEqual(['idx']);
    expect(prompt.system).not.toContain('Memory index');
  });
});
