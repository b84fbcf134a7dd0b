import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@meshwork/coordinator';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

describe('loadConfig messages: each names the file, the field and what to write', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-config-messages-');
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
    for (const [where, files] of [
      ['.meshwork', agents],
      ['.claude', claude],
    ] as const) {
      await mkdir(join(dir.path, where, 'agents'), { recursive: true });
      for (const [name, text] of Object.entries(files))
        await writeFile(join(dir.path, where, 'agents', name), text);
    }
  }

  async function failure(): Promise<ConfigError> {
    const error = await loadConfig({ cwd: dir.path }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }

  it('names model.maxTokens and the value found, not "model: Invalid input"', async () => {
    await write({ model: { name: 'claude-haiku-4-5', maxTokens: 'lots' } });
    const error = await failure();
    expect(error.field).toBe('model.maxTokens');
    expect(error.message).toBe(
      `${join(dir.path, 'meshwork.json')}: model.maxTokens: expected a positive whole number, got "lots"`,
    );
    await write({ budgets: { maxTurns: 2.5 } });
    expect((await failure()).message).toMatch(
      /: budgets\.maxTurns: expected a positive whole number, got 2\.5$/,
    );
  });

  it('words bounds, shapes and record keys as what to write, with the value found', async () => {
    const cases: [unknown, string][] = [
      [{ lead: { concurrency: 100 } }, 'lead.concurrency: expected a number of at most 64, got 100'],
      [{ model: 42 }, 'model: expected a string or an object, got 42'],
      [{ model: { name: '' } }, 'model.name: expected a non-empty string, got ""'],
      [
        { mcpServers: { 'my server': { command: 'x' } } },
        'mcpServers.my server: expected a server name of letters, digits, _ and -, got "my server"',
      ],
    ];
    for (const [json, expected] of cases) {
      await write(json);
      expect((await failure()).message).toBe(`${join(dir.path, 'meshwork.json')}: ${expected}`);
    }
  });

  it('says that args must be an array of strings when it is given as one string', async () => {
    await write({ mcpServers: { fs: { command: 'node', args: 'cli.js --root .' } } });
    const error = await failure();
    expect(error.field).toBe('mcpServers.fs.args');
    expect(error.message).toMatch(
      /mcpServers\.fs\.args: expected an array of strings.*got "cli\.js --root \."/,
    );
    await write({ mcpServers: { fs: { command: 'node', args: ['cli.js', 3] } } });
    expect((await failure()).message).toMatch(/mcpServers\.fs\.args\[1\]: expected a string, got 3/);
  });

  it('gives the line and column of a JSON syntax error, not its position', async () => {
    await write('{\n  "model": "claude-haiku-4-5"\n  "budgets": {}\n}\n');
    const error = await failure();
    expect(error.field).toBe('(file)');
    expect(error.message).toMatch(/not valid JSON at line 3, column 3 \("\\"budgets\\": \{\}"\)/);
    expect(error.message).not.toMatch(/position/);
    expect(error.message).toMatch(/fix the syntax there/);
  });

  it('refuses a command line in command and shows the entry with its arguments in args', async () => {
    await write({ mcpServers: { fs: { command: 'node /opt/servers/fs/cli.js', args: ['--root', '.'] } } });
    const error = await failure();
    expect(error.field).toBe('mcpServers.fs.command');
    expect(error.message).toContain(
      'put the arguments in args: "command":"node","args":["/opt/servers/fs/cli.js","--root","."]',
    );
  });

  it('accepts a command with spaces that is an existing file', async () => {
    const program = join(dir.path, 'my tools', 'server');
    await mkdir(join(dir.path, 'my tools'));
    await writeFile(program, '#!/bin/sh\n');
    await write({ mcpServers: { x: { command: program } } });
    expect((await loadConfig({ cwd: dir.path })).servers.x?.command).toBe(program);
  });

  it('warns about a misspelled top-level key and suggests the key it resembles', async () => {
    await write({ budget: { maxTurns: 3 }, daemon: { concurrency: 1 }, zzzzzz: 1 });
    const config = await loadConfig({ cwd: dir.path });
    const file = join(dir.path, 'meshwork.json');
    expect(config.warnings).toEqual([
      `${file}: (top level): unknown key "budget" is ignored; did you mean "budgets"?`,
      expect.stringMatching(/unknown key "zzzzzz" is ignored; known keys: .*mcpServers/),
    ]);
    expect(config.budgets).toEqual({});
  });

  it('suggests the key a misspelled one of a section resembles', async () => {
    await write({ budgets: { maxTurn: 3 } });
    const error = await failure();
    expect(error.field).toBe('budgets');
    expect(error.message).toMatch(
      /unknown field\(s\) maxTurn; "maxTurn": did you mean "maxTurns"\? \(known: maxTurns, /,
    );
  });

  it('warns about a near miss of a server entry key and errs on one of a profile', async () => {
    await write({ mcpServers: { fs: { command: 'meshwork-fs', arg: ['.'], disabled: false } } });
    const config = await loadConfig({ cwd: dir.path });
    expect(config.warnings).toEqual([
      expect.stringMatching(/mcpServers\.fs: unknown key "arg" is ignored; did you mean "args"\?$/),
    ]);
    await write({
      mcpServers: { fs: { command: 'meshwork-fs' } },
      profiles: { p: { servers: ['fs'], alow: ['fs:*'] } },
    });
    const error = await failure();
    expect(error.field).toBe('profiles.p.alow');
    expect(error.message).toMatch(/did you mean "allow"\?/);
  });

  it('refuses an agent file without frontmatter, showing the frontmatter it needs', async () => {
    await write({}, { 'reviewer.md': 'Review the change.\n' });
    const error = await failure();
    expect(error.file).toBe(join(dir.path, '.meshwork', 'agents', 'reviewer.md'));
    expect(error.field).toBe('frontmatter');
    expect(error.message).toMatch(/---\nname: reviewer\ndescription: .*\nprofile: .*\n---/);
  });

  it('refuses two agent files with the same name, naming both', async () => {
    const agent = '---\nname: reviewer\ndescription: Reviews.\n---\nReview.';
    await write({}, { 'reviewer.md': agent }, { 'review.md': agent });
    const error = await failure();
    expect(error.file).toBe(join(dir.path, '.claude', 'agents', 'review.md'));
    expect(error.message).toContain(join(dir.path, '.meshwork', 'agents', 'reviewer.md'));
    expect(error.message).toMatch(/"reviewer" is also defined by .*; rename one/);
  });
});
