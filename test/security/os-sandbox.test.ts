import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  createScriptedModelServer,
  createTempDir,
  pickEnvironment,
  type ScriptedModelServer,
  type ScriptedTurn,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  agentMarkdown,
  CLI_BIN,
  commandLineOf,
  descendantsOf,
  isAlive,
  realServers,
  writeTree,
} from '../coordinator/support.js';

// What an attacker may not see: each string below is somewhere the profile must not reach.
const API_KEY = 'sk-ant-api03-FAKE-COORDINATOR-SECRET-7f3a';
const SECRETS = {
  env: 'ENV-FILE-SECRET-91c2',
  nestedEnv: 'NESTED-ENV-SECRET-44d0',
  ssh: 'SSH-PRIVATE-KEY-SECRET-e81b',
  run: 'RUN-RECORD-SECRET-2b7d',
  transcript: 'TRANSCRIPT-SECRET-c5a9',
};

function shell(command: string): ScriptedTurn {
  return { content: [{ type: 'tool_use', name: 'mcp__shell__run_command', input: { command } }] };
}

function readFile(path: string): ScriptedTurn {
  return { content: [{ type: 'tool_use', name: 'mcp__fs__read_text_file', input: { path } }] };
}

/** Everything the model was sent, as one string (the request bodies: what a model would read). */
function whatTheModelSaw(model: ScriptedModelServer): string {
  return model
    .messageRequests()
    .map((request) => JSON.stringify(request.body))
    .join('\n');
}

async function until<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(20);
  }
}

describe('the OS sandbox around every stdio server, through the real coordinator', () => {
  let dir: TempDir;
  let outside: TempDir;
  let model: ScriptedModelServer | undefined;
  let listener: Server | undefined;

  beforeEach(async () => {
    dir = await createTempDir('meshwork-osbox-');
    outside = await createTempDir('meshwork-osbox-outside-');
  });
  afterEach(async () => {
    await model?.close();
    model = undefined;
    if (listener) await new Promise((resolve) => listener?.close(resolve));
    listener = undefined;
    await dir.remove();
    await outside.remove();
  });

  async function project(turns: ScriptedTurn[], allow: string[]): Promise<void> {
    model = await createScriptedModelServer({ script: { progress: 'conversation', turns } });
    await writeTree(dir.path, {
      'meshwork.json': JSON.stringify({
        mcpServers: realServers(),
        profiles: {
          attacker: {
            allow,
            deny: ['fs:*(.env)', 'fs:*(**/.env)'],
          },
        },
      }),
      '.meshwork/agents/attacker.md': agentMarkdown('attacker', 'attacker', 'You attack.'),
      'plan.json': JSON.stringify([{ agent: 'attacker', task: 'Try everything.' }]),
      'src/a.js': 'export const a = 1;\n',
      '.env': `TOKEN=${SECRETS.env}\n`,
      'config/.ENV': `TOKEN=${SECRETS.nestedEnv}\n`,
      'home/.ssh/id_rsa': `${SECRETS.ssh}\n`,
      '.meshwork/runs/20260101-000000-old/agents/other.jsonl': `{"result":"${SECRETS.run}"}\n`,
      '.meshwork/memory/transcripts/other.jsonl': `{"text":"${SECRETS.transcript}"}\n`,
    });
  }

  function run(extraEnv: Record<string, string> = {}) {
    const child = spawn(process.execPath, [CLI_BIN, 'run', '--plan', 'plan.json'], {
      cwd: dir.path,
      env: {
        ...pickEnvironment(),
        HOME: join(dir.path, 'home'),
        ANTHROPIC_BASE_URL: (model as ScriptedModelServer).url,
        ANTHROPIC_API_KEY: API_KEY,
        GITHUB_TOKEN: `ghp_${SECRETS.env}`,
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    return { child, output: () => output };
  }

  it('keeps secrets, the run records, ancestors and the network out of a shell that runs anything', async () => {
    let connections = 0;
    listener = createServer((socket) => {
      connections += 1;
      socket.end('hello from the host\n');
    });
    listener.listen(0, '127.0.0.1');
    await once(listener, 'listening');
    const port = (listener.address() as { port: number }).port;
    // Markers are built at run time, so the echoed command line never contains them.
    const connect = `node -e "const s=require(\\"net\\").connect(${port},\\"127.0.0.1\\");s.on(\\"connect\\",()=>console.log(\\"NET\\"+\\"-CONNECTED\\"));s.on(\\"error\\",e=>console.log(\\"NET\\"+\\"-REFUSED\\",e.code))"`;
    const at = (path: string) => join(dir.path, path);
    await project(
      [
        shell("sh -c 'cat .env config/.ENV; ls -la config; grep -r TOKEN . || true'"),
        shell(
          "sh -c 'cat /proc/1/environ; for f in /proc/*/environ; do cat $f; echo; done; ls /proc; ps -ef || true'",
        ),
        shell("sh -c 'env; cat /proc/self/environ'"),
        shell(
          `sh -c 'echo planted > planted.txt; echo planted > src/planted.js; echo planted > ${outside.path}/escaped.txt; mkdir -p ${outside.path}/dir; ls ${outside.path}'`,
        ),
        shell(`sh -c '${connect}'`),
        shell(
          "sh -c 'ls -la .meshwork; cat .meshwork/runs/*/agents/*.jsonl .meshwork/memory/transcripts/*.jsonl; grep -r SECRET .meshwork || true'",
        ),
        shell("sh -c 'cat $HOME/.ssh/id_rsa home/.ssh/id_rsa; ls -la $HOME/.ssh'"),
        readFile(at('.meshwork/runs/20260101-000000-old/agents/other.jsonl')),
        readFile(at('.meshwork/memory/transcripts/other.jsonl')),
        readFile(at('home/.ssh/id_rsa')),
        { text: 'Done.' },
      ],
      ['shell:run_command(sh -c *)', 'fs:read_*', 'fs:list_*'],
    );
    const { child, output } = run();
    const [code] = await once(child, 'exit');
    const seen = whatTheModelSaw(model as ScriptedModelServer);
    // The attack ran: every tool call came back to the model.
    expect(seen, output()).toContain('NET-REFUSED');
    expect(seen).toContain('Permission denied');
    expect(code, output()).toBe(0);
    expect(seen).not.toContain(API_KEY);
    expect(seen).not.toContain(`ghp_${SECRETS.env}`);
    for (const secret of Object.values(SECRETS)) expect(seen, secret).not.toContain(secret);
    // A fresh /proc: the shell's PID namespace holds only the sandbox (no coordinator, no CLI).
    expect(seen).not.toContain('cli.js run');
    expect(seen).not.toContain('NET-CONNECTED');
    expect(connections).toBe(0);
    expect(existsSync(join(dir.path, 'planted.txt'))).toBe(false);
    expect(existsSync(join(dir.path, 'src', 'planted.js'))).toBe(false);
    expect(readdirSync(outside.path)).toEqual([]);
    // The report says how each server ran.
    const runs = readdirSync(join(dir.path, '.meshwork', 'runs')).filter((name) => !name.endsWith('-old'));
    const report = JSON.parse(
      readFileSync(join(dir.path, '.meshwork', 'runs', runs[0] as string, 'report.json'), 'utf8'),
    ) as { sandboxes: Array<{ server: string; mode: string; network: boolean; writable: string[] }> };
    expect(report.sandboxes.map((server) => [server.server, server.mode, server.network]).sort()).toEqual([
      ['fs', 'bwrap', false],
      ['shell', 'bwrap', false],
    ]);
    expect(report.sandboxes.every((server) => server.writable.length === 0)).toBe(true);
  });

  it('lets a shell write only below the literal prefixes of the profile’s write rules', async () => {
    await project(
      [
        shell(
          "sh -c 'echo ok > src/new.js; echo no > top.txt; mkdir -p test; echo no > test/t.js; echo done'",
        ),
        { text: 'Done.' },
      ],
      ['shell:run_command(sh -c *)', 'fs:write_file(src/**)'],
    );
    const { child, output } = run();
    const [code] = await once(child, 'exit');
    expect(code, output()).toBe(0);
    expect(readFileSync(join(dir.path, 'src', 'new.js'), 'utf8')).toBe('ok\n');
    expect(existsSync(join(dir.path, 'top.txt'))).toBe(false);
    expect(existsSync(join(dir.path, 'test'))).toBe(false);
  });

  it('leaves no process of any sandbox alive when the coordinator is killed mid-run', async () => {
    await project(
      [shell("sh -c 'sleep 41 & sleep 43; echo slept'"), { text: 'Done.' }],
      ['shell:run_command(sh -c *)'],
    );
    const { child, output } = run();
    const pid = child.pid as number;
    await until(() => {
      const found = descendantsOf(pid).filter((candidate) => commandLineOf(candidate)?.startsWith('sleep 4'));
      return found.length === 2 ? found : undefined;
    }, 'two sleeps inside the sandbox');
    const everything = descendantsOf(pid);
    expect(everything.some((candidate) => commandLineOf(candidate)?.includes('bwrap'))).toBe(true);
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
    await until(
      () => (everything.every((candidate) => !isAlive(candidate)) ? true : undefined),
      `exit of ${everything.map((candidate) => `${candidate}:${commandLineOf(candidate)}`).join(', ')} (${output()})`,
      10_000,
    );
    expect(everything.filter((candidate) => isAlive(candidate))).toEqual([]);
  });

  it('fails closed, saying how to install bubblewrap or opt out, when the sandbox cannot start', async () => {
    await project([shell("sh -c 'echo ran > ran.txt'"), { text: 'Done.' }], ['shell:run_command(sh -c *)']);
    // A PATH without bwrap (the CLI and the servers run on process.execPath, not on PATH).
    const { child, output } = run({ PATH: outside.path });
    await once(child, 'exit');
    expect(output()).toContain('apt-get install bubblewrap');
    expect(output()).toContain('"sandbox": "none"');
    expect(existsSync(join(dir.path, 'ran.txt'))).toBe(false);
  });
});
