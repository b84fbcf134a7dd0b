import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  connectHttpClient,
  createTempDir,
  pickEnvironment,
  startHttpServer,
  type TempDir,
  within,
} from '@meshwork/testkit';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BIN, call, expectOk, expectRefused, spawnFs, textOf } from './helpers.js';

const MODERN = { mode: { pin: '2026-07-28' } } as const;
const REFERENCE_TOOLS = [
  'read_file',
  'read_text_file',
  'read_media_file',
  'read_multiple_files',
  'write_file',
  'edit_file',
  'create_directory',
  'list_directory',
  'list_directory_with_sizes',
  'directory_tree',
  'move_file',
  'search_files',
  'get_file_info',
  'list_allowed_directories',
];

let temp: TempDir;
const cleanups: Array<() => Promise<unknown>> = [];

beforeEach(async () => {
  temp = await createTempDir('meshwork-fs-server-');
  mkdirSync(join(temp.path, 'project', 'src'), { recursive: true });
  mkdirSync(join(temp.path, 'other'));
  writeFileSync(join(temp.path, 'project', 'src', 'main.ts'), 'export const main = 1;\n');
  writeFileSync(join(temp.path, 'project', '.env'), 'TOKEN=secret\n');
  writeFileSync(join(temp.path, 'other', 'note.txt'), 'other\n');
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await temp.remove();
});

describe('serving', () => {
  it('lists every reference tool plus grep, with annotations and subject metadata, over stdio (2025 era)', async () => {
    const server = await spawnFs([temp.path]);
    cleanups.push(() => server.close());
    const { tools } = await server.client.listTools();
    expect(tools.map((tool) => tool.name)).toEqual([...REFERENCE_TOOLS, 'grep']);
    const byName = new Map(tools.map((tool) => [tool.name, tool]));
    expect(byName.get('read_text_file')?.annotations).toMatchObject({
      readOnlyHint: true,
      destructiveHint: false,
      openWorldHint: false,
    });
    expect(byName.get('write_file')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: true,
    });
    expect(byName.get('read_text_file')?._meta).toMatchObject({ 'meshwork/subject': 'path' });
    expect(byName.get('read_multiple_files')?._meta).toMatchObject({ 'meshwork/subject': 'paths' });
    expect(byName.get('move_file')?._meta).toMatchObject({ 'meshwork/subject': 'source' });
    expect(Object.keys(byName.get('write_file')?.inputSchema.properties ?? {})).toEqual([
      'path',
      'content',
      'expected_sha256',
    ]);
  });

  it('serves the 2026-07-28 era over stdio', async () => {
    const server = await spawnFs([temp.path], { versionNegotiation: MODERN });
    cleanups.push(() => server.close());
    const result = await call(server.client, 'read_text_file', {
      path: join(temp.path, 'project', 'src', 'main.ts'),
    });
    expect(textOf(result)).toBe('export const main = 1;\n');
  });

  it('serves both eras over HTTP', async () => {
    const http = await startHttpServer({ bin: BIN, args: [temp.path] });
    cleanups.push(() => http.close());
    const legacy = await connectHttpClient(http.url);
    cleanups.push(() => legacy.close());
    const modern = await connectHttpClient(http.url, { versionNegotiation: MODERN });
    cleanups.push(() => modern.close());
    const path = join(temp.path, 'project', 'src', 'main.ts');
    expect(textOf((await legacy.callTool({ name: 'read_text_file', arguments: { path } })) as never)).toBe(
      'export const main = 1;\n',
    );
    const written = await modern.callTool({
      name: 'write_file',
      arguments: { path: join(temp.path, 'http.txt'), content: 'over http' },
    });
    expect(written.isError).toBeFalsy();
    const grep = await legacy.callTool({
      name: 'grep',
      arguments: { path: temp.path, pattern: 'over http', literal: true },
    });
    expect((grep.structuredContent as { results: unknown[] }).results).toHaveLength(1);
    const refused = await modern.callTool({ name: 'read_text_file', arguments: { path: '/etc/passwd' } });
    expect(refused.isError).toBe(true);
  });
});

describe('operator flags', () => {
  it('--read-only leaves the write tools out entirely', async () => {
    const server = await spawnFs(['--read-only', temp.path]);
    cleanups.push(() => server.close());
    const names = (await server.client.listTools()).tools.map((tool) => tool.name);
    for (const name of ['write_file', 'edit_file', 'create_directory', 'move_file'])
      expect(names).not.toContain(name);
    expect(names).toContain('grep');
    await expect(
      call(server.client, 'write_file', { path: join(temp.path, 'x.txt'), content: 'x' }),
    ).rejects.toThrow(/not found/);
  });

  it('--deny refuses matching paths and hides them from listings and searches', async () => {
    const server = await spawnFs(['--deny', '**/.env', '--deny', 'other/**', temp.path]);
    cleanups.push(() => server.close());
    const project = join(temp.path, 'project');
    expectRefused(await call(server.client, 'read_text_file', { path: join(project, '.env') }), 'E_DENIED');
    expectRefused(
      await call(server.client, 'write_file', { path: join(project, '.env'), content: 'x' }),
      'E_DENIED',
    );
    expectRefused(
      await call(server.client, 'read_text_file', { path: join(temp.path, 'other', 'note.txt') }),
      'E_DENIED',
    );
    expect(textOf(await call(server.client, 'list_directory', { path: project }))).toBe('[DIR] src');
    const search = textOf(await call(server.client, 'search_files', { path: temp.path, pattern: '**/*' }));
    expect(search).not.toContain('.env');
    expect(search).not.toContain('note.txt');
    const grep = expectOk(await call(server.client, 'grep', { path: temp.path, pattern: 'secret|other' }));
    expect(grep.results).toEqual([]);
  });
});

describe('client roots', () => {
  async function connectWithRoots(roots: string[]): Promise<{
    client: Client;
    setRoots(next: string[]): Promise<void>;
    closeAndReadStderr(): Promise<string>;
  }> {
    let current = roots;
    const client = new Client(
      { name: 'roots-client', version: '0.0.0' },
      { capabilities: { roots: { listChanged: true } } },
    );
    client.setRequestHandler('roots/list', async () => ({
      roots: current.map((path) => ({ uri: pathToFileURL(path).href })),
    }));
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [BIN, temp.path],
      env: pickEnvironment(),
      stderr: 'pipe',
    });
    let stderr = '';
    const stderrEnded = new Promise<void>((resolve) => {
      transport.stderr?.on('data', (chunk: Buffer) => {
        stderr += chunk.toString('utf8');
      });
      transport.stderr?.on('end', () => resolve());
    });
    await client.connect(transport);
    cleanups.push(() => client.close());
    return {
      client,
      async closeAndReadStderr() {
        await client.close();
        await within(stderrEnded, 5_000, 'the server closes its stderr after exiting');
        return stderr;
      },
      async setRoots(next) {
        current = next;
        await client.sendRootsListChanged();
      },
    };
  }

  it('narrows the served roots to the client roots', async () => {
    const { client } = await connectWithRoots([join(temp.path, 'project')]);
    expect(textOf(await call(client, 'list_allowed_directories', {}))).toBe(
      `Allowed directories:\n${join(temp.path, 'project')}`,
    );
    expectOk(await call(client, 'read_text_file', { path: join(temp.path, 'project', 'src', 'main.ts') }));
    expectRefused(
      await call(client, 'read_text_file', { path: join(temp.path, 'other', 'note.txt') }),
      'E_OUTSIDE_ROOTS',
    );
  });

  it('never widens: client roots outside the served roots are ignored', async () => {
    const { client } = await connectWithRoots(['/', '/etc']);
    expect(textOf(await call(client, 'list_allowed_directories', {}))).toBe(
      `Allowed directories:\n${temp.path}`,
    );
    expectRefused(await call(client, 'read_text_file', { path: '/etc/hostname' }), 'E_OUTSIDE_ROOTS');
  });

  it('keeps the served roots without a warning when the client lists no roots', async () => {
    const { client, closeAndReadStderr } = await connectWithRoots([]);
    expect(textOf(await call(client, 'list_allowed_directories', {}))).toBe(
      `Allowed directories:\n${temp.path}`,
    );
    const stderr = await closeAndReadStderr();
    expect(stderr).not.toMatch(/"level":40/);
  });

  it('warns when the client roots do not overlap the served roots', async () => {
    const { client, closeAndReadStderr } = await connectWithRoots(['/etc']);
    expect(textOf(await call(client, 'list_allowed_directories', {}))).toBe(
      `Allowed directories:\n${temp.path}`,
    );
    expect(await closeAndReadStderr()).toMatch(/"level":40.*do not overlap the served roots/);
  });

  it('follows roots/list_changed, still only within the served roots', async () => {
    const { client, setRoots } = await connectWithRoots([join(temp.path, 'project')]);
    expectRefused(
      await call(client, 'read_text_file', { path: join(temp.path, 'other', 'note.txt') }),
      'E_OUTSIDE_ROOTS',
    );
    await setRoots([join(temp.path, 'other'), '/etc']);
    // The change is applied before the next call is served; poll the tool itself, never sleep.
    let allowed = '';
    for (let attempt = 0; attempt < 50 && !allowed.includes('other'); attempt += 1) {
      allowed = textOf(await call(client, 'list_allowed_directories', {}));
    }
    expect(allowed).toBe(`Allowed directories:\n${join(temp.path, 'other')}`);
    expectOk(await call(client, 'read_text_file', { path: join(temp.path, 'other', 'note.txt') }));
  });
});

describe('command line', () => {
  function run(args: string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [BIN, ...args], {
      encoding: 'utf8',
      env: pickEnvironment(),
      input: '',
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  it('prints usage with --help and exits 0', () => {
    const result = run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Usage: meshwork-fs [flags] <root>...');
    expect(result.stderr).toContain('--deny');
  });

  it('fails clearly without roots or with only missing ones', () => {
    expect(run([])).toMatchObject({ status: 1, stderr: expect.stringContaining('at least one directory') });
    expect(run([join(temp.path, 'missing')])).toMatchObject({
      status: 1,
      stderr: expect.stringContaining('None of the given directories'),
    });
  });
});
