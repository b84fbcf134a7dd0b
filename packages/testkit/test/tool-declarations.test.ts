import { toolMeta } from '@meshwork/kit';
import type { Tool } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { toolDeclarationProblems } from '../src/tool-declarations.js';

const tool = (name: string, meta: Record<string, unknown>, readOnly: boolean, args: string[]): Tool =>
  ({
    name,
    inputSchema: {
      type: 'object',
      properties: Object.fromEntries(args.map((arg) => [arg, { type: 'string' }])),
    },
    annotations: { readOnlyHint: readOnly },
    _meta: meta,
  }) as Tool;

describe('toolDeclarationProblems', () => {
  const declared = { write_file: { subject: 'path', writes: { paths: ['path'] } } } as const;

  it('finds nothing wrong with a tool that declares what it must', () => {
    const tools = [tool('write_file', toolMeta(declared.write_file), false, ['path', 'content'])];
    expect(toolDeclarationProblems(tools, declared)).toEqual([]);
  });

  it('names a missing, an extra, a misdeclared, a dishonestly annotated tool and a missing argument', () => {
    expect(toolDeclarationProblems([], declared)).toEqual(['write_file: not listed']);
    const extra = tool('read_file', toolMeta({ writes: false }), true, []);
    expect(toolDeclarationProblems([extra], {})).toEqual(['read_file: listed but not declared']);
    const undeclared = tool('write_file', {}, false, ['path']);
    expect(toolDeclarationProblems([undeclared], declared)).toEqual([
      expect.stringMatching(/^write_file: _meta declares \{\}/),
    ]);
    const readOnly = tool('write_file', toolMeta(declared.write_file), true, ['path']);
    expect(toolDeclarationProblems([readOnly], declared)).toEqual([
      expect.stringMatching(/^write_file: readOnlyHint true/),
    ]);
    const noPath = tool('write_file', toolMeta(declared.write_file), false, ['file']);
    expect(toolDeclarationProblems([noPath], declared)).toEqual([
      'write_file: declares argument path, not in its input schema',
    ]);
  });
});
