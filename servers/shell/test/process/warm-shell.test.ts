import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempDir, type SpawnedStdioServer, spawnStdioServer, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findExecutableError, warmShellKey, warmShellLine } from '../../src/process/warm-shell.js';
import { BIN, eventually, findProcesses, serverArgs, structured } from '../helpers.js';

describe('warm shell lines', () => {
  it('single-quotes every word, so the shell expands nothing', () => {
    const line = warmShellLine({ file: 'printf', args: ['%s|', "it's", '$HOME', '*', '`id`', '; rm x'] });
    expect(line).toBe(`exec 'printf' '%s|' 'it'\\''s' '$HOME' '*' '\`id\`' '; rm x' </dev/null\n`);
    const output = execFileSync('/bin/sh', ['-c', 'IFS= read -r line; eval "$line"'], {
      input: line,
      encoding: 'utf8',
    });
    expect(output).toBe("it's|$HOME|*|`id`|; rm x|");
  });

  it('leaves stdin to the command when there is some', () => {
    const line = warmShellLine({ file: 'cat', args: [], stdin: 'hello\nworld' });
    expect(line).toBe("exec 'cat'\n");
    const output = execFileSync('/bin/sh', ['-c', 'IFS= read -r line; eval "$line"'], {
      input: `${line}hello\nworld`,
      encoding: 'utf8',
    });
    expect(output).toBe('hello\nworld');
  });

  it('refuses words a line cannot carry, and names that some shells read as options', () => {
    expect(warmShellLine({ file: 'echo', args: ['a\nb'] })).toBeUndefined();
    expect(warmShellLine({ file: 'echo', args: ['a\rb'] })).toBeUndefined();
    expect(warmShellLine({ file: '-l', args: [] })).toBeUndefined();
  });

  it('is keyed on cwd and environment, and refuses variables the shell itself owns', () => {
    const key = warmShellKey({ cwd: '/a', env: { PATH: '/bin' } });
    expect(key).toBeDefined();
    expect(warmShellKey({ cwd: '/b', env: { PATH: '/bin' } })).not.toBe(key);
    expect(warmShellKey({ cwd: '/a', env: { PATH: '/usr/bin' } })).not.toBe(key);
    expect(warmShellKey({ cwd: '/a', env: {} })).toBeUndefined();
    for (const name of ['PWD', 'IFS', 'ENV', 'PS4', 'SHELLOPTS', 'BASH_ENV', 'not-a-name']) {
      expect(warmShellKey({ cwd: '/a', env: { PATH: '/bin', [name]: 'x' } })).toBeUndefined();
    }
  });

  it('finds programs the way execvp does', () => {
    expect(findExecutableError('sh', '/', '/nonexistent:/bin')).toBeUndefined();
    expect(findExecutableError('no-such-program', '/', '/bin')?.code).toBe('ENOENT');
    expect(findExecutableError('/etc/passwd', '/', '/bin')?.code).toBe('EACCES');
    expect(findExecutableError('bin', '/', '/')?.code).toBe('EACCES');
  });
});

/** Warm shells started by the spawn helper of a server rooted at `root` (matched by their cwd). */
function warmShellsIn(root: string): number[] {
  return findProcesses(
    (pid) =>
      readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('read -r line') &&
      readlinkSync(`/proc/${pid}/cwd`) === root,
  );
}

describe('warm shells in the server', () => {
  let root: TempDir;
  let server: SpawnedStdioServer | undefined;
  const start = async () => {
    server = await spawnStdioServer({
      bin: BIN,
      // Warm shells live in the spawn helper, which starts every command only with --spawner helper.
      args: serverArgs(
        root.path,
        ['printf *', 'printenv', 'cat', 'no-such-program', 'sleep *', 'ls'],
        ['--spawner', 'helper'],
      ),
      cwd: root.path,
    });
    return server;
  };
  const run = async (command: string, extra: Record<string, unknown> = {}) =>
    structured(await server!.client.callTool({ name: 'run_command', arguments: { command, ...extra } }));
  /** Waits until the helper is idle with a warm shell ready (in `directory`), and returns its pid. */
  const warmShell = async (directory = root.path) => {
    expect(await eventually(() => warmShellsIn(directory).length === 1)).toBe(true);
    return warmShellsIn(directory)[0]!;
  };

  beforeEach(async () => {
    root = await createTempDir();
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    await root.remove();
  });

  it('runs the next command in the shell it forked while idle, with the same argv, environment and stdin', async () => {
    await start();
    const direct = await run('printenv');
    const ready = await warmShell();
    const warmed = await run('printenv');
    expect(warmed.pid).toBe(ready);
    // Same variables and values; a shell lists them in its own order, which carries no meaning.
    const sorted = (output: unknown) => String(output).split('\n').sort();
    expect(sorted(warmed.stdout)).toEqual(sorted(direct.stdout));
    expect(String(warmed.stdout)).not.toMatch(/^PWD=/m);

    await warmShell();
    const quoted = await run(`printf '%s|' "it's" '$HOME' '*' 'a  b'`);
    expect(quoted).toMatchObject({ exit_code: 0, stdout: "it's|$HOME|*|a  b|" });

    const ready2 = await warmShell();
    const piped = await run('cat', { stdin: 'first\nsecond' });
    expect(piped).toMatchObject({ pid: ready2, exit_code: 0, stdout: 'first\nsecond' });
  });

  it('keeps the warm shell for the next command when a program is missing', async () => {
    await start();
    await run('printf x');
    const ready = await warmShell();
    const missing = await run('no-such-program');
    expect(missing).toMatchObject({
      exit_code: 127,
      pid: null,
      stderr: 'no-such-program: command not found\n',
    });
    expect(warmShellsIn(root.path)).toEqual([ready]);
  });

  it('does not run a command in a warm shell whose directory was replaced since', async () => {
    await start();
    const sub = join(root.path, 'sub');
    mkdirSync(sub);
    await run('ls', { cwd: 'sub' });
    const ready = await warmShell(sub);
    rmSync(sub, { recursive: true });
    mkdirSync(sub);
    writeFileSync(join(sub, 'marker'), '');
    const listed = await run('ls', { cwd: 'sub' });
    expect(listed).toMatchObject({ exit_code: 0, stdout: 'marker\n' });
    expect(listed.pid).not.toBe(ready);
  });

  it('runs a command in a warm shell as the leader of its own process group, and times it out', async () => {
    await start();
    await run('printf x');
    const ready = await warmShell();
    const slow = await run('sleep 100', { timeout_ms: 300 });
    expect(slow).toMatchObject({ pid: ready, timed_out: true });
  });

  it('leaves no warm shell behind when the server is killed outright', async () => {
    const spawned = await start();
    await run('printf x');
    const ready = await warmShell();
    process.kill(spawned.pid!, 'SIGKILL');
    expect(await eventually(() => !warmShellsIn(root.path).includes(ready))).toBe(true);
  });
});
