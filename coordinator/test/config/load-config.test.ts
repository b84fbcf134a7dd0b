import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load-config.js';
import { ConfigError } from '../../src/errors.js';

describe('loadConfig', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-config-');
  });
  afterEach(async () => {
    await dir.remove();
  });

  async function write(
    json: unknown,
    agents: Record<string, string> = {},
    claude: Record<string, string> = {},
  ) {
    await writeFile(join(dir.path, 'meshwork.json'), typeof json === 'string' ? json : JSON.stringify(json));
    await mkdir(join(dir.path, '.meshwork', 'agents'), { recursive: true });
    await mkdir(join(dir.path, '.claude', 'agents'), { recursive: true });
    for (const [name, text] of Object.entries(agents))
      await writeFile(join(dir.path, '.meshwork', 'agents', name), text);
    for (const [name, text] of Object.entries(claude))
      await writeFile(join(dir.path, '.claude', 'agents', name), text);
  }

  async function failure(): Promise<ConfigError> {
    const error = await loadConfig({ cwd: dir.path }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }

  it('loads servers, profiles, agents from both directories, model and budgets', async () => {
    await write(
      {
        mcpServers: {
          files: { command: 'meshwork-fs', args: ['.'], kind: 'filesystem' },
          sh: { command: 'node', args: ['servers/shell/dist/cli.js'], kind: 'shell' },
          other: {
            url: 'http://127.0.0.1:9/mcp',
            headers: { authorization: 'Bearer x' },
            tools: { lookup: { subject: 'path', writes: false } },
          },
          mem: { command: 'custom', kind: 'memory' },
          // A meshwork bin without a kind is a third-party server: nothing is guessed.
          undeclared: { command: 'meshwork-fs', args: ['.'] },
        },
        profiles: { read: { allow: ['files:read_*'] } },
        model: { name: 'claude-haiku-4-5', maxTokens: 1000 },
        budgets: { maxTurns: 9 },
        daemon: { concurrency: 2 },
      },
      {
        'reader.md': '---\nname: reader\ndescription: Reads.\nprofile: read\nmax_turns: 3\n---\nRead things.',
      },
      {
        'helper.md':
          '---\nname: helper\ndescription: Helps.\ntools: Read, Bash(npm test:*), mcp__other__lookup, Task, WebFetch\nmodel: haiku\n---\nHelp.',
      },
    );
    const config = await loadConfig({ cwd: dir.path });
    expect(config.servers.files?.kind).toBe('filesystem');
    expect(config.servers.sh?.kind).toBe('shell');
    expect(config.servers.other?.transport).toBe('http');
    expect(config.servers.other?.kind).toBeUndefined();
    expect(config.servers.other?.tools).toEqual({ lookup: { subject: 'path', writes: false } });
    expect(config.servers.undeclared?.kind).toBeUndefined();
    expect(config.memoryServer).toBe('mem');
    expect(config.model).toMatchObject({ name: 'claude-haiku-4-5', maxTokens: 1000 });
    expect(config.budgets).toEqual({ maxTurns: 9 });
    expect(config.agents.reader).toMatchObject({
      profile: 'read',
      maxTurns: 3,
      systemPrompt: 'Read things.',
    });
    const helper = config.agents.helper;
    expect(helper?.delegate).toBe(true);
    expect(helper?.tools).toContain('other:lookup');
    expect(helper?.tools).toContain('files:read_*');
    expect(helper?.tools).toContain('sh:run_command(npm test *)');
    expect(helper?.unmappedTools).toEqual(['WebFetch']);
  });

  it('names the file, the field and the expectation for a bad server entry', async () => {
    await write({ mcpServers: { broken: { args: ['x'] } } });
    const error = await failure();
    expect(error.file).toBe(join(dir.path, 'meshwork.json'));
    expect(error.field).toBe('mcpServers.broken');
    expect(error.message).toMatch(/meshwork\.json: mcpServers\.broken: expected \{"command"/);
  });

  it('names the kind field and lists the kinds for an unknown kind', async () => {
    await write({ mcpServers: { fs: { command: 'meshwork-fs', kind: 'files' } } });
    const error = await failure();
    expect(error.field).toBe('mcpServers.fs.kind');
    expect(error.message).toMatch(/expected one of "filesystem", "shell", "memory" .*got "files"/);
  });

  it('refuses a memory.server whose entry does not say it is a memory server', async () => {
    await write({ mcpServers: { notes: { command: 'meshwork-memory' } }, memory: { server: 'notes' } });
    const error = await failure();
    expect(error.field).toBe('mcpServers.notes.kind');
    expect(error.message).toMatch(/needs "kind": "memory"/);
  });

  it('refuses the nested meshwork.kind block with a message that says where the kind goes now', async () => {
    await write({ mcpServers: { fs: { command: 'meshwork-fs', meshwork: { kind: 'filesystem' } } } });
    const error = await failure();
    expect(error.field).toBe('mcpServers.fs.meshwork');
    expect(error.message).toMatch(/move the kind to the entry itself, e\.g\. "kind": "filesystem"/);
  });

  it('validates tool declarations of a server entry', async () => {
    await write({ mcpServers: { ext: { command: 'ext', tools: { put: { writes: { paths: [] } } } } } });
    expect((await failure()).message).toMatch(
      /mcpServers\.ext\.tools\.put\.writes\.paths: expected at least one argument name, got \[\]/,
    );
    await write({
      mcpServers: { ext: { command: 'ext', tools: { put: { subject: 'x', role: 'memory/stats' } } } },
    });
    expect((await failure()).message).toMatch(
      /mcpServers\.ext\.tools\.put: unknown field\(s\) role; remove them/,
    );
  });

  it('reports a bad profile rule with its path', async () => {
    await write({ profiles: { p: { allow: ['no colon here'] } } });
    const error = await failure();
    expect(error.field).toBe('profiles.p');
    expect(error.message).toMatch(/allow\[0\]/);
  });

  it('reports an unknown top-level field and invalid JSON', async () => {
    await write({ budgets: { maxTurns: 'ten' } });
    expect((await failure()).message).toMatch(/budgets\.maxTurns: .*number/i);
    await write('{ not json');
    expect((await failure()).message).toMatch(/not valid JSON at line 1, column 3/);
  });

  it('rejects an agent whose profile does not exist, naming the agent file', async () => {
    await write({ profiles: {} }, { 'a.md': '---\nname: a\nprofile: nope\n---\nPrompt.' });
    const error = await failure();
    expect(error.file).toBe(join(dir.path, '.meshwork', 'agents', 'a.md'));
    expect(error.field).toBe('profile');
    expect(error.message).toMatch(/"nope" is not/);
  });

  it('rejects bad frontmatter with the field name', async () => {
    await write({}, { 'b.md': '---\nname: b\nmax_turns: many\n---\nPrompt.' });
    const error = await failure();
    expect(error.field).toBe('max_turns');
    await write({}, { 'b.md': '---\nname: b\n---\n' });
    expect((await failure()).field).toBe('body');
  });

  it('errors on a missing --config file and works without any config', async () => {
    await expect(loadConfig({ cwd: dir.path, configPath: 'missing.json' })).rejects.toThrow(
      /missing\.json: \(file\): expected a readable/,
    );
    const config = await loadConfig({ cwd: dir.path });
    expect(config.servers).toEqual({});
    expect(config.runsDir).toBe(join(dir.path, '.meshwork', 'runs'));
  });
});
