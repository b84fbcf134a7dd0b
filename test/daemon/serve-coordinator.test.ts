import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  connectHttpClient,
  createScriptedModelServer,
  createTempDir,
  type SpawnedStdioServer,
  type StartedHttpServer,
  spawnStdioServer,
  startHttpServer,
  type TempDir,
} from '@meshwork/testkit';
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

const CLI_BIN = fileURLToPath(new URL('../../cli/dist/cli.js', import.meta.url));
/** `meshwork serve` for the HTTP helper, which puts its own flags before the command. */
const SERVE_HTTP_BIN = fileURLToPath(new URL('../../cli/test/helpers/serve-bin.mjs', import.meta.url));

interface DelegateOutput {
  task_id: string;
  finished: boolean;
  result: { status: string; summary: string; usage: { output_tokens: number } } | null;
}

describe('meshwork serve with the real coordinator and the scripted model', () => {
  let dir: TempDir;
  let model: Awaited<ReturnType<typeof createScriptedModelServer>>;
  let env: Record<string, string>;
  let stdio: SpawnedStdioServer | undefined;
  let http: StartedHttpServer | undefined;
  let client: Client | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-serve-coordinator-');
    mkdirSync(join(dir.path, '.meshwork', 'agents'), { recursive: true });
    writeFileSync(
      join(dir.path, '.meshwork', 'agents', 'worker.md'),
      '---\nname: worker\ndescription: Does one small job and reports.\n---\nYou do the task and report in one line.\n',
    );
    writeFileSync(join(dir.path, 'meshwork.json'), JSON.stringify({ model: 'claude-scripted' }));
    model = await createScriptedModelServer({
      script: ({ body }) => ({
        text: `answer to ${JSON.stringify(body.messages[0]?.content ?? '').slice(1, 40)}`,
        delayMs: 50,
      }),
    });
    env = { ANTHROPIC_BASE_URL: model.url, ANTHROPIC_API_KEY: 'test-key' };
  });
  afterEach(async () => {
    await client?.close().catch(() => {});
    await stdio?.close();
    await http?.close();
    client = undefined;
    stdio = undefined;
    http = undefined;
    await model.close();
    await dir.remove();
  });

  it('delegate_task over stdio runs the agent and returns its report, with progress', async () => {
    stdio = await spawnStdioServer({ bin: CLI_BIN, args: ['serve'], cwd: dir.path, env });
    const agents = await stdio.client.callTool({ name: 'list_agents', arguments: {} });
    expect(agents.structuredContent).toEqual({
      agents: [{ name: 'worker', description: 'Does one small job and reports.' }],
    });
    const progress: string[] = [];
    const result = await stdio.client.callTool(
      { name: 'delegate_task', arguments: { task: 'summarise the plan', agent: 'worker' } },
      { onprogress: (update) => progress.push(update.message ?? '') },
    );
    const output = result.structuredContent as unknown as DelegateOutput;
    expect(output.result?.status, JSON.stringify(output)).toBe('succeeded');
    expect(output.result?.summary).toContain('answer to summarise the plan');
    expect(output.result?.usage.output_tokens).toBeGreaterThan(0);
    expect(progress.some((line) => line.includes('turn'))).toBe(true);
    expect(model.requests.some((request) => request.path === '/v1/messages')).toBe(true);
  });

  it('delegate_task over HTTP gets the result', async () => {
    http = await startHttpServer({ bin: SERVE_HTTP_BIN, cwd: dir.path, env });
    client = await connectHttpClient(http.url);
    const result = await client.callTool({
      name: 'delegate_task',
      arguments: { task: 'check the build', agent: 'worker' },
    });
    const output = result.structuredContent as unknown as DelegateOutput;
    expect(output.finished).toBe(true);
    expect(output.result?.summary).toContain('answer to check the build');
  });
});
