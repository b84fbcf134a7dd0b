import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  connectHttpClient,
  createTempDir,
  type SpawnedStdioServer,
  type StartedHttpServer,
  spawnStdioServer,
  startHttpServer,
  type TempDir,
} from '@meshwork/testkit';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, structured, textOf } from '../helpers.js';

const TOOLS = [
  'run_command',
  'start_process',
  'process_status',
  'read_process_output',
  'stop_process',
  'explain_command',
];
const RULES = ['echo *', 'cat *', 'printenv *', 'seq *', 'false', 'sleep *', 'sh -c *', 'pwd *', 'ls *'];
const ARGS = (root: string) => [
  ...RULES.flatMap((rule) => ['--allow', rule]),
  '--root',
  root,
  '--max-output-bytes',
  '1000',
];

/** Checks every tool through one connected client. */
async function exerciseTools(client: Client, root: string): Promise<void> {
  const listed = await client.listTools();
  expect(listed.tools.map((tool) => tool.name).sort()).toEqual([...TOOLS].sort());
  // The tools that take a command line name it as their subject; the process tools take an id.
  for (const tool of listed.tools) {
    const takesCommand = 'command' in ((tool.inputSchema.properties ?? {}) as Record<string, unknown>);
    expect(tool._meta?.['meshwork/subject'], tool.name).toBe(takesCommand ? 'command' : undefined);
  }

  const echo = await client.callTool({
    name: 'run_command',
    arguments: { command: 'echo hello && echo oops >&2' },
  });
  expect(structured(echo)).toMatchObject({
    exit_code: 0,
    signal: null,
    timed_out: false,
    stdout: 'hello\n',
    stderr: 'oops\n',
  });
  expect(textOf(echo)).toContain('exit 0');

  const failing = structured(await client.callTool({ name: 'run_command', arguments: { command: 'false' } }));
  expect(failing.exit_code).toBe(1);

  const piped = structured(
    await client.callTool({ name: 'run_command', arguments: { command: 'cat', stdin: 'from stdin' } }),
  );
  expect(piped.stdout).toBe('from stdin');

  const environment = structured(
    await client.callTool({
      name: 'run_command',
      arguments: { command: 'printenv GREETING', env: { GREETING: 'hi' } },
    }),
  );
  expect(environment.stdout).toBe('hi\n');

  const denied = await client.callTool({
    name: 'run_command',
    arguments: { command: 'printenv', env: { LD_PRELOAD: 'x' } },
  });
  expect(denied.isError).toBe(true);
  expect(textOf(denied)).toMatch(/^E_ENV/);

  const inSub = structured(
    await client.callTool({ name: 'run_command', arguments: { command: 'pwd', cwd: 'sub' } }),
  );
  expect(inSub.stdout).toBe(`${join(root, 'sub')}\n`);
  const outside = await client.callTool({ name: 'run_command', arguments: { command: 'pwd', cwd: '/' } });
  expect(outside.isError).toBe(true);
  expect(textOf(outside)).toMatch(/^E_CWD/);

  const long = structured(
    await client.callTool({ name: 'run_command', arguments: { command: 'seq 1 3000' } }),
  );
  const full = Array.from({ length: 3000 }, (_, index) => `${index + 1}\n`).join('');
  expect(long.stdout_bytes).toBe(full.length);
  expect(long.stdout_cut_bytes).toBe(full.length - 1000);
  expect(String(long.stdout).startsWith('1\n2\n3\n')).toBe(true);
  expect(String(long.stdout).endsWith('2999\n3000\n')).toBe(true);
  expect(String(long.stdout)).toContain(`${full.length - 1000} bytes cut`);
  expect(readFileSync(long.stdout_file as string, 'utf8')).toBe(full);

  const timedOut = structured(
    await client.callTool({ name: 'run_command', arguments: { command: 'sleep 30', timeout_ms: 200 } }),
  );
  expect(timedOut).toMatchObject({ timed_out: true, exit_code: null, signal: 'SIGTERM' });

  const started = structured(
    await client.callTool({ name: 'start_process', arguments: { command: "sh -c 'echo one; sleep 30'" } }),
  );
  expect(started).toMatchObject({ id: expect.stringMatching(/^p\d+$/), state: 'running' });
  const first = structured(
    await client.callTool({ name: 'read_process_output', arguments: { id: started.id, wait_ms: 10_000 } }),
  );
  expect(first).toMatchObject({ output: 'one\n', since: 0, next: 4 });
  const status = structured(await client.callTool({ name: 'process_status', arguments: { id: started.id } }));
  expect((status.processes as Array<Record<string, unknown>>)[0]).toMatchObject({
    id: started.id,
    state: 'running',
  });
  const stopped = structured(await client.callTool({ name: 'stop_process', arguments: { id: started.id } }));
  expect(stopped).toMatchObject({ state: 'exited', stopped: true });
  const missing = await client.callTool({ name: 'stop_process', arguments: { id: 'p999' } });
  expect(missing.isError).toBe(true);
  expect(textOf(missing)).toMatch(/^E_NO_PROCESS/);

  const explained = structured(
    await client.callTool({
      name: 'explain_command',
      arguments: { command: 'timeout 5 echo hi && rm -rf /' },
    }),
  );
  expect(explained.decision).toBe('deny');
  const commands = explained.commands as Array<Record<string, unknown>>;
  expect(commands[0]).toMatchObject({
    decision: 'allow',
    matched_as: 'echo hi',
    wrappers: ['timeout 5'],
    rule: 'echo *',
  });
  expect(commands[1]).toMatchObject({ decision: 'deny', argv: ['rm', '-rf', '/'] });
}

describe('tools over stdio', () => {
  let root: TempDir;
  beforeAll(async () => {
    root = await createTempDir();
    mkdirSync(join(root.path, 'sub'));
  });
  afterAll(async () => {
    await root.remove();
  });

  for (const era of ['legacy', 'modern'] as const) {
    it(`works end to end (${era} protocol)`, async () => {
      const server: SpawnedStdioServer = await spawnStdioServer({
        bin: BIN,
        args: ARGS(root.path),
        cwd: root.path,
        ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
      });
      try {
        await exerciseTools(server.client, root.path);
      } finally {
        await server.close();
      }
    });
  }

  it('flags a command line too long to start (E2BIG) as an error that says what to do', async () => {
    const server = await spawnStdioServer({ bin: BIN, args: ARGS(root.path), cwd: root.path });
    try {
      const result = await server.client.callTool({
        name: 'run_command',
        arguments: { command: `echo ${'x'.repeat(1024 * 1024)}` },
      });
      expect(result.isError).toBe(true);
      expect(textOf(result)).toMatch(/^E_SPAWN: The command line is too long to start \(E2BIG/);
      expect(textOf(result)).toMatch(/stdin argument/);
    } finally {
      await server.close();
    }
  });

  it('explain_command says a removal removes, a move moves and a copy writes', async () => {
    const server = await spawnStdioServer({
      bin: BIN,
      args: ['--root', root.path, '--allow', 'rm *', '--allow', 'mv *', '--allow', 'cp *'],
      cwd: root.path,
    });
    try {
      const reasonOf = async (command: string) => {
        const explained = structured(
          await server.client.callTool({ name: 'explain_command', arguments: { command } }),
        );
        expect(explained.decision, command).toBe('deny');
        return JSON.stringify(explained.commands);
      };
      const removal = await reasonOf('rm -rf sub');
      expect(removal).toMatch(/rm sub removes /);
      expect(removal).not.toMatch(/sub writes /);
      expect(await reasonOf('mv sub other')).toMatch(/mv \(source\) sub moves /);
      expect(await reasonOf('cp a b')).toMatch(/writes /);
    } finally {
      await server.close();
    }
  });

  it('streams output as progress notifications when the client sends a progress token', async () => {
    const server = await spawnStdioServer({ bin: BIN, args: ARGS(root.path), cwd: root.path });
    try {
      const messages: string[] = [];
      const progressValues: number[] = [];
      const result = await server.client.callTool(
        { name: 'run_command', arguments: { command: 'seq 1 5' } },
        {
          onprogress: (progress) => {
            messages.push(String(progress.message));
            progressValues.push(progress.progress);
          },
        },
      );
      expect(structured(result).stdout).toBe('1\n2\n3\n4\n5\n');
      expect(messages.join('')).toBe('1\n2\n3\n4\n5\n');
      expect(progressValues.at(-1)).toBe(10);
    } finally {
      await server.close();
    }
  });

  it('scrubs secret-looking variables unless --pass-env names them', async () => {
    const environment = { MY_API_TOKEN: 'hunter2', LANG: 'C.UTF-8' };
    const scrubbed = await spawnStdioServer({
      bin: BIN,
      args: ARGS(root.path),
      cwd: root.path,
      env: environment,
    });
    const passed = await spawnStdioServer({
      bin: BIN,
      args: [...ARGS(root.path), '--pass-env', 'MY_API_TOKEN'],
      cwd: root.path,
      env: environment,
    });
    try {
      const without = structured(
        await scrubbed.client.callTool({ name: 'run_command', arguments: { command: 'printenv' } }),
      );
      expect(String(without.stdout)).not.toContain('hunter2');
      expect(String(without.stdout)).toContain('LANG=C.UTF-8');
      const withToken = structured(
        await passed.client.callTool({
          name: 'run_command',
          arguments: { command: 'printenv MY_API_TOKEN' },
        }),
      );
      expect(withToken.stdout).toBe('hunter2\n');
    } finally {
      await scrubbed.close();
      await passed.close();
    }
  });
});

describe('tools over HTTP', () => {
  let root: TempDir;
  let server: StartedHttpServer;
  beforeAll(async () => {
    root = await createTempDir();
    mkdirSync(join(root.path, 'sub'));
    server = await startHttpServer({ bin: BIN, args: ARGS(root.path), cwd: root.path });
  });
  afterAll(async () => {
    await server.close();
    await root.remove();
  });

  it('works end to end with a 2025-era client', async () => {
    const client = await connectHttpClient(server.url);
    try {
      await exerciseTools(client, root.path);
    } finally {
      await client.close();
    }
  });

  it('works end to end with a 2026-era client', async () => {
    const client = await connectHttpClient(server.url, {
      versionNegotiation: { mode: { pin: '2026-07-28' } },
    });
    try {
      await exerciseTools(client, root.path);
    } finally {
      await client.close();
    }
  });
});
