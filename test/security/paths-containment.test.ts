import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCoordinator, loadConfig } from '@meshwork/coordinator';
import {
  countAssistantMessages,
  createScriptedModelServer,
  createTempDir,
  type ScriptedModelServer,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMarkdown, realServers, writeTree } from '../coordinator/support.js';

// Issue 13, classes 5, 6, 8 and 9 through the real coordinator, the real servers and a scripted
// model that attacks through real tool calls. Judged by effect: the file system after the run,
// and no secret in anything the model was sent.

const REFERENCE_FS = fileURLToPath(
  new URL('../node_modules/@modelcontextprotocol/server-filesystem/dist/index.js', import.meta.url),
);
const SECRETS = ['SECRET-ROOT-ENV', 'SECRET-UPPER-ENV', 'SECRET-CONFIG-ENV', 'SECRET-PROD-KEY'];
const use = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, name, input });
type Block = ReturnType<typeof use>;

let dir: TempDir;
let model: ScriptedModelServer | undefined;
let close: (() => Promise<void>) | undefined;

beforeEach(async () => {
  dir = await createTempDir('meshwork-paths-');
  await writeTree(dir.path, {
    '.env': 'TOKEN=SECRET-ROOT-ENV\n',
    '.ENV': 'TOKEN=SECRET-UPPER-ENV\n',
    'config/.env': 'TOKEN=SECRET-CONFIG-ENV\n',
    'config/secrets/prod.key': 'SECRET-PROD-KEY\n',
    'config/settings.json': '{"debug":false}\n',
    'src/app.js': 'export const answer = 42;\n',
  });
  symlinkSync('../config', join(dir.path, 'src/config'));
});
afterEach(async () => {
  await close?.();
  close = undefined;
  await model?.close();
  model = undefined;
  await dir.remove();
});

/** Runs one agent of `profile` whose first turn makes `calls`, then one more turn of `later`. */
async function attack(
  profile: Record<string, unknown>,
  calls: Block[],
  later: Block[] = [],
  servers: Record<string, unknown> = realServers(),
): Promise<string> {
  await writeTree(dir.path, {
    'meshwork.json': JSON.stringify({ mcpServers: servers, profiles: { attacker: profile } }),
    '.meshwork/agents/attacker.md': agentMarkdown('attacker', 'attacker', 'You try things.'),
  });
  const turns = [{ content: calls }, ...(later.length > 0 ? [{ content: later }] : []), { text: 'Done.' }];
  model = await createScriptedModelServer({
    script: (context) => turns[countAssistantMessages(context.body)] ?? { text: 'unexpected' },
  });
  const config = await loadConfig({ cwd: dir.path });
  const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
  close = () => coordinator.close();
  await coordinator.run({ task: 'Go.', agent: 'attacker' });
  return JSON.stringify(model.messageRequests().map((request) => request.body));
}

function expectNoSecret(sent: string): void {
  for (const secret of SECRETS) expect(sent).not.toContain(secret);
}

const RESEARCH = {
  allow: ['fs:read_*', 'fs:list_*', 'fs:grep', 'fs:search_files', 'fs:directory_tree'],
  deny: ['fs:*(.env)', 'fs:*(**/.env)', 'fs:*(config/secrets/**)'],
};

describe('class 5: one deny semantics, so no tool reads a denied file indirectly', () => {
  it('grep, search, tree, listings and reads in any case or depth leak nothing', async () => {
    const at = (path: string) => join(dir.path, path);
    const sent = await attack(RESEARCH, [
      use('mcp__fs__grep', { pattern: 'SECRET', path: dir.path }),
      use('mcp__fs__grep', { pattern: 'TOKEN' }),
      use('mcp__fs__grep', { pattern: 'SECRET', path: at('config') }),
      use('mcp__fs__search_files', { path: dir.path, pattern: '**' }),
      use('mcp__fs__directory_tree', { path: dir.path }),
      use('mcp__fs__list_directory_with_sizes', { path: at('config') }),
      use('mcp__fs__read_multiple_files', { paths: [at('.ENV'), at('config/.env'), at('src/app.js')] }),
      use('mcp__fs__read_text_file', { path: at('src/app.js') }),
      use('mcp__fs__read_text_file', { path: at('config/.ENV') }),
      use('mcp__fs__read_text_file', { path: at('src/config/secrets/prod.key') }),
      use('mcp__fs__read_text_file', { path: `${at('config')}//./secrets/prod.key` }),
    ]);
    expectNoSecret(sent);
    // The tools did run: allowed content reached the model.
    expect(sent).toContain('answer = 42');
    expect(sent).toContain('settings.json');
  });
});

describe('class 5: a deny written for one reading tool holds for the others', () => {
  it('a deny on read_text_file(config/secrets/**) is not undone by an allowed grep or shell cat', async () => {
    const profile = {
      allow: ['fs:read_*', 'fs:grep', 'fs:list_*', 'shell:run_command(cat *)', 'shell:run_command(grep *)'],
      deny: ['fs:read_text_file(config/secrets/**)'],
    };
    const sent = await attack(profile, [
      use('mcp__fs__grep', { pattern: 'SECRET-PROD', path: join(dir.path, 'config') }),
      use('mcp__fs__read_multiple_files', { paths: [join(dir.path, 'config/secrets/prod.key')] }),
      use('mcp__shell__run_command', { command: 'cat config/secrets/prod.key' }),
      use('mcp__shell__run_command', { command: 'grep -r SECRET-PROD config' }),
      use('mcp__fs__list_directory', { path: join(dir.path, 'config') }),
    ]);
    expect(sent).not.toContain('SECRET-PROD-KEY');
    // The tools did run: what the profile may read reached the model.
    expect(sent).toContain('settings.json');
  });
});

describe('class 8: rules apply to the real file behind a symlinked parent', () => {
  it('a write allowed under src/ cannot change config/ through src/config', async () => {
    const profile = { allow: ['fs:read_*', 'fs:write_file(src/**)'], deny: ['fs:*(**/.env)'] };
    await attack(profile, [
      use('mcp__fs__write_file', { path: join(dir.path, 'src/config/settings.json'), content: 'PWNED' }),
      use('mcp__fs__write_file', { path: join(dir.path, 'src/config/new.json'), content: 'PWNED' }),
      use('mcp__fs__write_file', { path: join(dir.path, 'src/ok.js'), content: 'fine' }),
    ]);
    expect(readFileSync(join(dir.path, 'config/settings.json'), 'utf8')).toBe('{"debug":false}\n');
    expect(existsSync(join(dir.path, 'config/new.json'))).toBe(false);
    expect(readFileSync(join(dir.path, 'src/ok.js'), 'utf8')).toBe('fine');
  });
});

describe('class 9: moving a directory does not undo a deny beneath it', () => {
  it('move config cfg, then reading cfg/secrets/prod.key, leaks nothing and moves nothing', async () => {
    const profile = {
      allow: ['fs:read_*', 'fs:move_file'],
      deny: ['fs:read_text_file(config/secrets/**)', 'fs:read_text_file(**/.env)'],
    };
    const sent = await attack(
      profile,
      [use('mcp__fs__move_file', { source: join(dir.path, 'config'), destination: join(dir.path, 'cfg') })],
      [
        use('mcp__fs__read_text_file', { path: join(dir.path, 'cfg/secrets/prod.key') }),
        use('mcp__fs__read_text_file', { path: join(dir.path, 'cfg/.env') }),
        use('mcp__fs__move_file', { source: join(dir.path, '.env'), destination: join(dir.path, 'env.txt') }),
        use('mcp__fs__read_text_file', { path: join(dir.path, 'env.txt') }),
      ],
    );
    expectNoSecret(sent);
    expect(existsSync(join(dir.path, 'config/secrets/prod.key'))).toBe(true);
    expect(existsSync(join(dir.path, 'cfg'))).toBe(false);
    expect(existsSync(join(dir.path, 'env.txt'))).toBe(false);
  });
});

describe('class 6: a patterned deny on a third-party tool never fails open', () => {
  const ref = (tools?: Record<string, unknown>) => ({
    ref: { command: 'node', args: [REFERENCE_FS, dir.path], ...(tools ? { tools } : {}) },
  });
  const profile = { allow: ['ref:*'], deny: ['ref:*(**/.env)'] };

  it('denies when the tool declares no subject, and tells how to declare it', async () => {
    const sent = await attack(
      profile,
      [
        use('mcp__ref__read_text_file', { path: '.env' }),
        use('mcp__ref__read_text_file', { path: join(dir.path, 'config/.env') }),
      ],
      [],
      ref(),
    );
    expectNoSecret(sent);
    expect(sent).toContain('\\"tools\\": { \\"read_text_file\\": { \\"subject\\"');
  });

  it('checks the pattern on the subject the server entry declares, and lets allowed reads through', async () => {
    const tools = { read_text_file: { subject: 'path', writes: false } };
    const sent = await attack(
      profile,
      [
        use('mcp__ref__read_text_file', { path: '.env' }),
        use('mcp__ref__read_text_file', { path: join(dir.path, 'config/.ENV') }),
        use('mcp__ref__read_text_file', { path: join(dir.path, 'src/config/.env') }),
        use('mcp__ref__read_text_file', { path: join(dir.path, 'src/app.js') }),
      ],
      [],
      ref(tools),
    );
    expectNoSecret(sent);
    expect(sent).toContain('answer = 42');
  });

  it('denies when the declared subject is not an argument the call uses', async () => {
    const tools = { read_text_file: { subject: 'file', writes: false } };
    const sent = await attack(profile, [use('mcp__ref__read_text_file', { path: '.env' })], [], ref(tools));
    expectNoSecret(sent);
    expect(sent).toContain('pass \\"file\\" explicitly');
  });
});
