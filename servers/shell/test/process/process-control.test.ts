import { readFileSync, statSync } from 'node:fs';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, eventually, groupMembers, isAlive, structured, textOf } from '../helpers.js';

describe('process control', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  const start = async (extra: string[] = []) => {
    server = await spawnStdioServer({
      bin: BIN,
      args: [
        '--root',
        root.path,
        '--allow',
        'sh -c *',
        '--allow',
        'sleep *',
        '--allow',
        'head *',
        '--kill-grace-ms',
        '500',
        ...extra,
      ],
      cwd: root.path,
    });
    return server;
  };
  beforeEach(async () => {
    root = await createTempDir();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  it("ends the whole group on timeout: sh -c 'sleep 100 & sleep 100' leaves no process behind", async () => {
    const { client } = await start();
    const result = await client.callTool({
      name: 'run_command',
      arguments: { command: "sh -c 'sleep 100 & echo started; sleep 100'", timeout_ms: 1000 },
    });
    const output = structured(result);
    expect(result.isError).toBeFalsy();
    expect(output.timed_out).toBe(true);
    expect(output.stdout).toBe('started\n');
    expect(output.signal).toBe('SIGTERM');
    expect(groupMembers(output.pid as number)).toEqual([]);
  });

  it('ends the whole group when the client cancels the call', async () => {
    const { client } = await start();
    const controller = new AbortController();
    let pgid: number | undefined;
    const call = client.callTool(
      { name: 'run_command', arguments: { command: "sh -c 'echo $$; sleep 100 & sleep 100'" } },
      {
        signal: controller.signal,
        onprogress: (progress) => {
          pgid ??= Number.parseInt(String(progress.message), 10);
          controller.abort();
        },
      },
    );
    await expect(call).rejects.toThrow();
    expect(pgid).toBeGreaterThan(1);
    expect(await eventually(() => groupMembers(pgid!).length === 0)).toBe(true);
  });

  it('stops a background group with stop_process, and the count of background processes is capped', async () => {
    const { client } = await start(['--max-processes', '2']);
    const first = structured(
      await client.callTool({
        name: 'start_process',
        arguments: { command: "sh -c 'sleep 100 & echo ready; sleep 100'" },
      }),
    );
    const read = structured(
      await client.callTool({ name: 'read_process_output', arguments: { id: first.id, wait_ms: 10_000 } }),
    );
    expect(read.output).toBe('ready\n');
    const pgid = first.pid as number;
    expect(groupMembers(pgid).length).toBeGreaterThanOrEqual(2);
    await client.callTool({ name: 'start_process', arguments: { command: 'sleep 100' } });
    const third = await client.callTool({ name: 'start_process', arguments: { command: 'sleep 100' } });
    expect(third.isError).toBe(true);
    expect(textOf(third)).toMatch(/^E_TOO_MANY_PROCESSES/);
    const stopped = structured(await client.callTool({ name: 'stop_process', arguments: { id: first.id } }));
    expect(stopped.state).toBe('exited');
    expect(stopped.stopped).toBe(true);
    expect(groupMembers(pgid)).toEqual([]);
    const again = await client.callTool({ name: 'start_process', arguments: { command: 'sleep 100' } });
    expect(again.isError).toBeFalsy();
  });

  it('kills background processes when the server stops', async () => {
    const spawned = await start();
    const ids = [];
    for (let index = 0; index < 2; index += 1) {
      ids.push(
        structured(
          await spawned.client.callTool({
            name: 'start_process',
            arguments: { command: "sh -c 'sleep 100 & sleep 100'" },
          }),
        ).pid as number,
      );
    }
    expect(ids.every((pgid) => groupMembers(pgid).length > 0)).toBe(true);
    const serverPid = spawned.pid!;
    await spawned.close();
    server = undefined;
    expect(await eventually(() => !isAlive(serverPid))).toBe(true);
    for (const pgid of ids) expect(groupMembers(pgid)).toEqual([]);
  });

  it('keeps server RSS under 200 MB for 100 MB of output, saving it all to a file', async () => {
    const spawned = await start(['--max-output-bytes', '65536']);
    const serverPid = spawned.pid!;
    let peak = 0;
    const sample = () => {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${serverPid}/status`, 'utf8'));
      peak = Math.max(peak, Number(match?.[1] ?? 0) * 1024);
    };
    const timer = setInterval(sample, 20);
    const bytes = 100 * 1024 * 1024;
    const result = await spawned.client.callTool(
      { name: 'run_command', arguments: { command: `head -c ${bytes} /dev/zero`, timeout_ms: 120_000 } },
      { timeout: 120_000 },
    );
    clearInterval(timer);
    sample();
    const output = structured(result);
    expect(output.exit_code).toBe(0);
    expect(output.stdout_bytes).toBe(bytes);
    expect(output.stdout_cut_bytes).toBe(bytes - 65536);
    expect(statSync(output.stdout_file as string).size).toBe(bytes);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThan(200 * 1024 * 1024);
  }, 120_000);
});
