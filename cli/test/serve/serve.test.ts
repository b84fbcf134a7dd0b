import { writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { CLI_BIN } from '../helpers/cli.js';

/** `meshwork serve` for the HTTP helper, which puts its own flags before the command. */
const SERVE_HTTP_BIN = fileURLToPath(new URL('../helpers/serve-bin.mjs', import.meta.url));
const RUNNER = fileURLToPath(new URL('../daemon/fixtures/journal-runner.mjs', import.meta.url));

interface DelegateOutput {
  task_id: string;
  status: string;
  finished: boolean;
  result: { status: string; summary: string; usage: { input_tokens: number } } | null;
}

describe('meshwork serve', () => {
  let dir: TempDir;
  let stdio: SpawnedStdioServer | undefined;
  let http: StartedHttpServer | undefined;
  let clients: Client[] = [];

  beforeEach(async () => {
    dir = await createTempDir('meshwork-serve-');
    await mkdir(join(dir.path, '.claude', 'agents'), { recursive: true });
    writeFileSync(
      join(dir.path, '.claude', 'agents', 'reviewer.md'),
      '---\nname: reviewer\ndescription: Reviews diffs for bugs.\n---\nYou review code.\n',
    );
    clients = [];
  });
  afterEach(async () => {
    for (const client of clients) await client.close().catch(() => {});
    await stdio?.close();
    await http?.close();
    stdio = undefined;
    http = undefined;
    await dir.remove();
  });

  it('lists its five tools and the project agents over stdio', async () => {
    stdio = await spawnStdioServer({ bin: CLI_BIN, args: ['serve', '--runner', RUNNER], cwd: dir.path });
    const tools = await stdio.client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toEqual([
      'delegate_task',
      'task_status',
      'task_result',
      'list_agents',
      'cancel_task',
    ]);
    const agents = await stdio.client.callTool({ name: 'list_agents', arguments: {} });
    expect(agents.structuredContent).toEqual({
      agents: [{ name: 'reviewer', description: 'Reviews diffs for bugs.' }],
    });
    const unknown = await stdio.client.callTool({
      name: 'delegate_task',
      arguments: { task: 'x', agent: 'nobody' },
    });
    expect(unknown.isError).toBe(true);
    expect(JSON.stringify(unknown.content)).toContain('E_UNKNOWN_AGENT');
  });

  it('delegate_task over stdio runs the task in-process and returns the result with progress', async () => {
    stdio = await spawnStdioServer({ bin: CLI_BIN, args: ['serve', '--runner', RUNNER], cwd: dir.path });
    const progress: string[] = [];
    const result = await stdio.client.callTool(
      { name: 'delegate_task', arguments: { task: 'sleep 200' } },
      { onprogress: (update) => progress.push(update.message ?? '') },
    );
    const output = result.structuredContent as unknown as DelegateOutput;
    expect(result.isError).toBeFalsy();
    expect(output.finished).toBe(true);
    expect(output.result?.status).toBe('succeeded');
    expect(output.result?.summary).toContain('done: sleep 200');
    expect(output.result?.usage.input_tokens).toBe(10);
    expect(progress.some((message) => message.includes('step 4 of 4'))).toBe(true);
    expect(progress.at(-1)).toMatch(/^finished: succeeded/);
  });

  it('never blocks the connection: other calls answer while delegate_task waits', async () => {
    stdio = await spawnStdioServer({ bin: CLI_BIN, args: ['serve', '--runner', RUNNER], cwd: dir.path });
    const release = join(dir.path, 'release');
    const long = stdio.client.callTool({ name: 'delegate_task', arguments: { task: `hold ${release}` } });
    const quick = await stdio.client.callTool({ name: 'delegate_task', arguments: { task: 'hello' } });
    expect((quick.structuredContent as unknown as DelegateOutput).result?.status).toBe('succeeded');
    const listed = await stdio.client.callTool({ name: 'list_agents', arguments: {} });
    expect(listed.isError).toBeFalsy();
    writeFileSync(release, 'go');
    const done = (await long).structuredContent as unknown as DelegateOutput;
    expect(done.result?.status).toBe('succeeded');
  });

  it('waits over 1 s without piling up abort listeners, and logs its pid once per line', async () => {
    stdio = await spawnStdioServer({
      bin: CLI_BIN,
      args: ['serve', '--runner', RUNNER, '--log-level', 'info'],
      cwd: dir.path,
    });
    const started = Date.now();
    const waited = await stdio.client.callTool({
      name: 'delegate_task',
      arguments: { task: `hold ${join(dir.path, 'never')}`, wait_seconds: 2 },
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(1_900);
    expect((waited.structuredContent as unknown as DelegateOutput).finished).toBe(false);
    // The logger writes asynchronously: wait for the worker's start line to reach stderr.
    for (let tries = 0; tries < 50 && !stdio.stderr().includes('running tasks in this process'); tries += 1)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const logs = stdio.stderr();
    expect(logs, logs).not.toContain('MaxListenersExceededWarning');
    const lines = logs.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.some((line) => line.includes('running tasks in this process'))).toBe(true);
    for (const line of lines) expect(line.match(/"pid":/g)?.length ?? 0).toBeLessThanOrEqual(1);
  });

  it('returns at once with wait_seconds 0, then task_status, task_result and cancel_task follow up', async () => {
    stdio = await spawnStdioServer({ bin: CLI_BIN, args: ['serve', '--runner', RUNNER], cwd: dir.path });
    const release = join(dir.path, 'release');
    const queued = (
      await stdio.client.callTool({
        name: 'delegate_task',
        arguments: { task: `hold ${release}`, wait_seconds: 0 },
      })
    ).structuredContent as unknown as DelegateOutput;
    expect(queued.finished).toBe(false);
    const status = await stdio.client.callTool({
      name: 'task_status',
      arguments: { task_id: queued.task_id },
    });
    expect(['queued', 'running']).toContain((status.structuredContent as { status: string }).status);
    const pending = await stdio.client.callTool({
      name: 'task_result',
      arguments: { task_id: queued.task_id },
    });
    expect((pending.structuredContent as { finished: boolean }).finished).toBe(false);

    const cancelled = await stdio.client.callTool({
      name: 'cancel_task',
      arguments: { task_id: queued.task_id },
    });
    expect(['cancelled', 'cancel_requested']).toContain(
      (cancelled.structuredContent as { outcome: string }).outcome,
    );
    const final = await stdio.client.callTool({
      name: 'task_result',
      arguments: { task_id: queued.task_id, wait_seconds: 20 },
    });
    expect((final.structuredContent as DelegateOutput).result?.status).toBe('cancelled');

    const missing = await stdio.client.callTool({ name: 'task_status', arguments: { task_id: 't-nothere' } });
    expect(missing.isError).toBe(true);
    expect(JSON.stringify(missing.content)).toContain('E_TASK_NOT_FOUND');
  });

  it('delegate_task over HTTP (both protocol eras) gets the result', async () => {
    http = await startHttpServer({ bin: SERVE_HTTP_BIN, args: ['--runner', RUNNER], cwd: dir.path });
    const legacy = await connectHttpClient(http.url);
    const modern = await connectHttpClient(http.url, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
    clients.push(legacy, modern);
    const [first, second] = await Promise.all([
      legacy.callTool({ name: 'delegate_task', arguments: { task: 'sleep 100' } }),
      modern.callTool({ name: 'delegate_task', arguments: { task: 'hello over http' } }),
    ]);
    expect((first.structuredContent as unknown as DelegateOutput).result?.summary).toContain(
      'done: sleep 100',
    );
    expect((second.structuredContent as unknown as DelegateOutput).result?.summary).toContain(
      'done: hello over http',
    );
  });

  it('with --no-worker only enqueues, and a failing task reports its error', async () => {
    stdio = await spawnStdioServer({
      bin: CLI_BIN,
      args: ['serve', '--runner', RUNNER, '--no-worker'],
      cwd: dir.path,
    });
    const queued = (
      await stdio.client.callTool({ name: 'delegate_task', arguments: { task: 'fail', wait_seconds: 0.3 } })
    ).structuredContent as unknown as DelegateOutput;
    expect(queued).toMatchObject({ status: 'queued', finished: false });
    await stdio.close();
    stdio = await spawnStdioServer({ bin: CLI_BIN, args: ['serve', '--runner', RUNNER], cwd: dir.path });
    const result = await stdio.client.callTool({
      name: 'task_result',
      arguments: { task_id: queued.task_id, wait_seconds: 20 },
    });
    // The queued task survives the first server and runs on the worker of the second.
    expect((result.structuredContent as unknown as DelegateOutput).result).toMatchObject({
      status: 'failed',
      summary: 'asked to fail',
    });
  });
});
