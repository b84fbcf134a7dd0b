import type { Tool } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import type { ServerConfig } from '../../src/config/types.js';
import { contractOf } from '../../src/gate/tool-view.js';

const entry = (tools: ServerConfig['tools'] = {}): ServerConfig => ({
  name: 'ext',
  transport: 'stdio',
  command: 'ext',
  args: [],
  env: {},
  headers: {},
  tools,
});

const tool = (name: string, meta?: Record<string, unknown>, readOnlyHint?: boolean): Tool =>
  ({
    name,
    inputSchema: { type: 'object' },
    ...(meta === undefined ? {} : { _meta: meta }),
    ...(readOnlyHint === undefined ? {} : { annotations: { readOnlyHint } }),
  }) as Tool;

describe('contractOf', () => {
  it("takes the tool's declared subject and writes", () => {
    expect(
      contractOf(
        entry(),
        tool('move', {
          'meshwork/subject': 'source',
          'meshwork/writes': { paths: ['source', 'destination'] },
        }),
      ),
    ).toEqual({ subjectArg: 'source', writes: { paths: ['source', 'destination'] } });
    expect(
      contractOf(entry(), tool('read', { 'meshwork/subject': 'path', 'meshwork/writes': false })),
    ).toEqual({
      subjectArg: 'path',
      writes: false,
    });
  });

  it('treats a tool that declares no writes as writing, even when its annotations say read-only', () => {
    expect(contractOf(entry(), tool('save', { 'meshwork/subject': 'file' }))).toEqual({
      subjectArg: 'file',
      writes: { paths: ['file'] },
    });
    expect(contractOf(entry(), tool('lookup', undefined, true))).toEqual({ writes: { roots: true } });
    expect(
      contractOf(entry(), tool('query', { 'meshwork/subject': 'sql', 'meshwork/writes': 'no' })),
    ).toEqual({
      subjectArg: 'sql',
      writes: { roots: true },
    });
  });

  it('lets the meshwork.json entry declare or correct a third-party tool', () => {
    const configured = entry({
      read_doc: { subject: 'uri', writes: false },
      put: { writes: { paths: ['target'] } },
    });
    expect(contractOf(configured, tool('read_doc'))).toEqual({ subjectArg: 'uri', writes: false });
    expect(
      contractOf(configured, tool('put', { 'meshwork/subject': 'target', 'meshwork/writes': false })),
    ).toEqual({
      subjectArg: 'target',
      writes: { paths: ['target'] },
    });
  });
});
