import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { assertProtocolOnly, collectStdioFrames, createTempDir, type TempDir } from '@meshwork/testkit';
import { Client, type ClientOptions } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FS_BIN, MEMORY_BIN, processesIn, runBin, SHELL_BIN } from './support.js';

// Each server is started the way an MCP client starts an `.mcp.json` / `mcpServers` entry:
// `{ command: 'node', args: [bin, ...], env? }`, resolved through PATH, cwd = the project, and the
// SDK's minimal default environment (HOME, LOGNAME, PATH, SHELL, TERM, USER) plus the entry's env.

/** One `mcpServers` entry as a client config holds it. */
interface McpServerEntry {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

interface ClientConfigCase {
  label: string;
  entry: (project: string) => McpServerEntry;
  /** Tools that must be listed. */
  tools: string[];
  /** One harmless call and what its structured result must contain. */
  call: (project: string) => { name: string; arguments: Record<string, unknown> };
  expected: (project: string) => Record<string, unknown>;
}

const CASES: ClientConfigCase[] = [
  {
    label: 'filesystem (. as the root, .env denied)',
    entry: () => ({ command: 'node', args: [FS_BIN, '--deny', '**/.env', '.'] }),
    tools: ['read_text_file', 'list_allowed_directories', 'write_file', 'grep'],
    call: (project) => ({ name: 'read_text_file', arguments: { path: join(project, 'README.md') } }),
    expected: () => ({ content: 'hello from the project\n' }),
  },
  {
    label: 'memory (--dir relative to the project)',
    entry: () => ({ command: 'node', args: [MEMORY_BIN, '--dir', '.meshwork/memory'] }),
    tools: ['read_index', 'read_topic', 'write_topic', 'search_memory', 'memory_stats'],
    call: () => ({ name: 'memory_stats', arguments: {} }),
    expected: (project) => ({ dir: join(project, '.meshwork', 'memory'), topics: 0 }),
  },
  {
    label: 'memory (directory from the entry env)',
    entry: (project) => ({
      command: 'node',
      args: [MEMORY_BIN],
      env: { MESHWORK_MEMORY_DIR: join(project, 'notes') },
    }),
    tools: ['read_index', 'memory_stats'],
    call: () => ({ name: 'memory_stats', arguments: {} }),
    expected: (project) => ({ dir: join(project, 'notes') }),
  },
  {
    label: 'shell (--root . with an allow rule)',
    entry: () => ({ command: 'node', args: [SHELL_BIN, '--root', '.', '--allow', 'echo *'] }),
    tools: ['run_command', 'start_process', 'explain_command'],
    call: () => ({ name: 'run_command', arguments: { command: 'echo hello' } }),
    expected: (project) => ({ exit_code: 0, stdout: 'hello\n', cwd: project }),
  },
];

const ERAS: { label: string; negotiation: ClientOptions['versionNegotiation']; version: string }[] = [
  { label: 'legacy (default)', negotiation: undefined, version: '2025-11-25' },
  { label: 'pinned 2026-07-28', negotiation: { mode: { pin: '2026-07-28' } }, version: '2026-07-28' },
  { label: 'auto', negotiation: { mode: 'auto' }, version: '2026-07-28' },
];

/**
 * The SDK's close() ends stdin, waits 2 s for the process to exit, then sends SIGTERM. A close that
 * finishes well before that proves the server exited on stdin EOF by itself.
 */
const EXIT_ON_EOF_MS = 1_900;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function writeProject(path: string): Promise<void> {
  await writeFile(join(path, 'README.md'), 'hello from the project\n');
  await writeFile(join(path, '.env'), 'SECRET=do-not-read\n');
  await mkdir(join(path, 'src'));
  await writeFile(join(path, 'src', 'index.ts'), 'export const answer = 42;\n');
}

describe('servers started from an .mcp.json entry with the SDK stdio transport', () => {
  let project: TempDir;
  let client: Client | undefined;

  beforeEach(async () => {
    project = await createTempDir('meshwork-client-config-');
    await writeProject(project.path);
  });
  afterEach(async () => {
    await client?.close().catch(() => {});
    client = undefined;
    await project.remove();
  });

  for (const testCase of CASES) {
    for (const era of ERAS) {
      it(`${testCase.label}, ${era.label}: lists, calls, and exits on close`, async () => {
        const entry = testCase.entry(project.path);
        const transport = new StdioClientTransport({
          command: entry.command,
          args: entry.args,
          ...(entry.env ? { env: entry.env } : {}),
          cwd: project.path,
          stderr: 'pipe',
        });
        let stderr = '';
        transport.stderr?.on('data', (chunk: Buffer) => {
          stderr += chunk.toString('utf8');
        });
        client = new Client(
          { name: 'client-config-test', version: '0.0.0' },
          era.negotiation ? { versionNegotiation: era.negotiation } : {},
        );
        try {
          await client.connect(transport);
        } catch (error) {
          throw new Error(`connect failed; server stderr:\n${stderr}`, { cause: error });
        }
        expect(client.getNegotiatedProtocolVersion()).toBe(era.version);
        const pid = transport.pid;
        expect(pid).toBeTypeOf('number');

        const { tools } = await client.listTools();
        const names = tools.map((tool) => tool.name);
        expect(names).toEqual(expect.arrayContaining(testCase.tools));
        for (const tool of tools) expect(tool.inputSchema.type).toBe('object');

        const call = testCase.call(project.path);
        const result = await client.callTool(call);
        expect(result.isError ?? false, JSON.stringify(result.content)).toBe(false);
        expect(result.structuredContent).toMatchObject(testCase.expected(project.path));

        const started = Date.now();
        await client.close();
        client = undefined;
        const elapsed = Date.now() - started;
        expect(elapsed, `close took ${elapsed} ms: the server ignored stdin EOF`).toBeLessThan(
          EXIT_ON_EOF_MS,
        );
        expect(isAlive(pid as number)).toBe(false);
        // Nothing left running in the project: not the server, not the auto-mode probe sibling,
        // not a command the server ran.
        expect(processesIn(project.path)).toEqual([]);
      });
    }
  }
});

/** The protocol-era preambles for a raw stdio session. */
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientInfo': { name: 'stdout-guard', version: '0.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

function rawSession(era: 'legacy' | 'modern', call: { name: string; arguments: Record<string, unknown> }) {
  if (era === 'legacy') {
    return [
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: {
          protocolVersion: '2025-11-25',
          capabilities: {},
          clientInfo: { name: 'stdout-guard', version: '0.0.0' },
        },
      },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
      { jsonrpc: '2.0', id: 3, method: 'tools/call', params: call },
    ];
  }
  return [
    { jsonrpc: '2.0', id: 1, method: 'server/discover', params: { _meta: MODERN_META } },
    { jsonrpc: '2.0', id: 2, method: 'tools/list', params: { _meta: MODERN_META } },
    { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { ...call, _meta: MODERN_META } },
  ];
}

describe('stdout carries JSON-RPC only', () => {
  let project: TempDir;

  beforeEach(async () => {
    project = await createTempDir('meshwork-client-stdout-');
    await writeProject(project.path);
  });
  afterEach(async () => {
    await project.remove();
  });

  for (const testCase of CASES) {
    for (const logLevel of [undefined, 'trace'] as const) {
      for (const era of ['legacy', 'modern'] as const) {
        it(`${testCase.label}, ${era}, log level ${logLevel ?? 'default'}`, async () => {
          const entry = testCase.entry(project.path);
          const [bin, ...args] = entry.args;
          const collected = await collectStdioFrames({
            bin: bin as string,
            args: logLevel ? ['--log-level', logLevel, ...args] : args,
            cwd: project.path,
            messages: rawSession(era, testCase.call(project.path)),
            ...(entry.env ? { env: entry.env } : {}),
          });
          const context = `stderr:\n${collected.stderr.slice(0, 2000)}`;
          assertProtocolOnly(collected.lines);
          // Three requests, three answers, in whatever order, and nothing failed.
          const answers = collected.lines.map((line) => JSON.parse(line) as Record<string, unknown>);
          const ids = answers.filter((message) => 'id' in message && !('method' in message)).map((m) => m.id);
          expect(ids.sort(), context).toEqual([1, 2, 3]);
          for (const answer of answers) expect(answer.error, context).toBeUndefined();
          const callAnswer = answers.find((message) => message.id === 3) as { result: { isError?: boolean } };
          expect(callAnswer.result.isError ?? false, context).toBe(false);
          // It exits by itself at stdin EOF.
          expect({ exitCode: collected.exitCode, signal: collected.signal }, context).toEqual({
            exitCode: 0,
            signal: null,
          });
          // At trace the logs exist, and they went to stderr.
          if (logLevel === 'trace') expect(collected.stderr).toMatch(/"level":10|"level":20/);
        });
      }
    }
  }
});

const BINS = [
  { name: 'meshwork-fs', bin: FS_BIN },
  { name: 'meshwork-memory', bin: MEMORY_BIN },
  { name: 'meshwork-shell', bin: SHELL_BIN },
];

describe('command line', () => {
  let project: TempDir;

  beforeEach(async () => {
    project = await createTempDir('meshwork-client-cli-');
  });
  afterEach(async () => {
    await project.remove();
  });

  for (const { name, bin } of BINS) {
    it(`${name} --help exits 0 with usage`, async () => {
      const run = await runBin(bin, ['--help'], project.path);
      expect(run.code, run.stderr).toBe(0);
      const output = run.stdout + run.stderr;
      expect(output).toContain(`Usage: ${name}`);
      expect(output).toContain('--http');
      expect(output).toContain('--log-level');
    });

    for (const bad of [['--no-such-flag'], ['--port', 'eighty'], ['--log-level', 'loud']]) {
      it(`${name} ${bad.join(' ')} fails with a clear message and no stack trace`, async () => {
        const run = await runBin(bin, bad, project.path);
        expect(run.signal).toBeNull();
        expect(run.code).not.toBe(0);
        expect(run.stdout).toBe('');
        const flag = bad[0] as string;
        expect(run.stderr).toContain(`${name}: `);
        expect(run.stderr).toContain(flag);
        expect(run.stderr).not.toMatch(/^\s+at /m);
        expect(run.stderr.trim().split('\n').length, run.stderr).toBeLessThanOrEqual(3);
      });
    }
  }
});
