import { existsSync, lstatSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCoordinator, loadConfig, type RunReport } from '@meshwork/coordinator';
import {
  countAssistantMessages,
  createScriptedModelServer,
  createTempDir,
  type ScriptedModelServer,
  type ScriptedTurn,
  type TempDir,
} from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentMarkdown, realServers, writeTree } from '../coordinator/support.js';

const use = (name: string, input: Record<string, unknown>) => ({ type: 'tool_use' as const, name, input });
const ORIGINAL = 'export const a = "builder";\n';

/**
 * Class 7: a lease is on the file, not on the argument's spelling. The builder writes src/a.js
 * first; the rival, whose profile may write anywhere, tries every other way onto it. Judged by
 * the file's content after each attempt and by the conflicts in the report.
 */
describe('write leases hold on the file whatever the spelling', () => {
  let dir: TempDir;
  let model: ScriptedModelServer | undefined;
  let close: (() => Promise<void>) | undefined;
  const path = (relative: string) => join(dir.path, relative);
  const content = () => (existsSync(path('src/a.js')) ? readFileSync(path('src/a.js'), 'utf8') : '(gone)');

  beforeEach(async () => {
    dir = await createTempDir('meshwork-leases-');
    await writeTree(dir.path, {
      'src/a.js': 'export const a = 0;\n',
      'decoy.js': 'decoy\n',
      'meshwork.json': JSON.stringify({
        mcpServers: realServers(),
        profiles: {
          build: { allow: ['fs:read_*', 'fs:write_file(src/**)'] },
          rival: {
            allow: [
              'fs:read_*',
              'fs:write_file(**)',
              'fs:edit_file(**)',
              'fs:move_file(**)',
              'fs:create_directory(**)',
              'shell:run_command(node *)',
              'shell:run_command(node -e *)',
              'shell:run_command(echo *)',
              'shell:run_command(cp *)',
              'shell:run_command(mv *)',
              'shell:run_command(ln *)',
            ],
          },
        },
      }),
      '.meshwork/agents/builder.md': agentMarkdown('builder', 'build', 'You build.'),
      '.meshwork/agents/rival.md': agentMarkdown('rival', 'rival', 'You also build.'),
    });
    symlinkSync(path('src'), path('alias'));
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
    await model?.close();
    model = undefined;
    await dir.remove();
  });

  /**
   * Runs the builder and the rival side by side: the builder writes src/a.js, and the rival starts
   * only once that write has returned. `attacks` are the rival's turns, one call each; `observe`
   * sees the file after each of them.
   */
  async function race(
    attacks: Array<ReturnType<typeof use>>,
    observe: (index: number, text: string) => void,
  ): Promise<RunReport> {
    let builderWrote: () => void = () => {};
    const written = new Promise<void>((resolve) => {
      builderWrote = resolve;
    });
    model = await createScriptedModelServer({
      script: async (context): Promise<ScriptedTurn> => {
        const agent = context.headers['x-meshwork-agent'] ?? '';
        const index = countAssistantMessages(context.body);
        if (agent === 'builder') {
          if (index === 0)
            return { content: [use('mcp__fs__write_file', { path: path('src/a.js'), content: ORIGINAL })] };
          builderWrote();
          return { text: 'Wrote src/a.js.' };
        }
        await written;
        if (index > 0) observe(index - 1, content());
        const attack = attacks[index];
        return attack ? { content: [attack] } : { text: 'Done.' };
      },
    });
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
    close = () => coordinator.close();
    return coordinator.run({
      task: 'Edit src/a.js.',
      plan: [
        { agent: 'builder', task: 'Write src/a.js.' },
        { agent: 'rival', task: 'Write src/a.js.' },
      ],
    });
  }

  it('refuses every file-tool spelling of the leased file and reports each as a conflict', async () => {
    const probe = path('Probe');
    writeFileSync(probe, '');
    const caseSensitive = !existsSync(path('probe'));
    const write = (target: string) =>
      use('mcp__fs__write_file', { path: target, content: 'export const a = "rival";\n' });
    const attacks = [
      write(`${path('src/a.js')}/`),
      write(`${dir.path}/./src/a.js`),
      write(`${dir.path}/src//a.js`),
      write(path('alias/a.js')),
      write(path('src/../src/a.js')),
      use('mcp__fs__edit_file', {
        path: `${path('src/a.js')}/`,
        edits: [{ oldText: 'builder', newText: 'rival' }],
      }),
      use('mcp__fs__move_file', { source: path('decoy.js'), destination: path('src/a.js') }),
      use('mcp__fs__move_file', { source: path('src'), destination: path('moved') }),
      use('mcp__fs__move_file', { source: path('alias'), destination: path('moved') }),
      // Case: a different file where the file system tells case apart, the same file where it does not.
      ...(caseSensitive ? [] : [write(path('src/A.js'))]),
    ];
    const seen: string[] = [];
    const report = await race(attacks, (index, text) => {
      seen[index] = text;
    });
    expect(seen).toEqual(attacks.map(() => ORIGINAL));
    expect(content()).toBe(ORIGINAL);
    // The directory stayed; only the symlink itself may have moved (a write to the link's own entry).
    expect(lstatSync(path('src')).isDirectory()).toBe(true);
    if (existsSync(path('moved'))) expect(lstatSync(path('moved')).isSymbolicLink()).toBe(true);
    const refusals = report.conflicts.filter((conflict) => conflict.refused === 'rival#1');
    // Moving the symlink itself is a write to the link, not to the directory it names: not a conflict.
    expect(refusals).toHaveLength(attacks.length - 1);
    for (const conflict of refusals)
      expect(conflict).toMatchObject({ path: 'src/a.js', holder: 'builder#1' });
    const rival = report.agents.find((agent) => agent.id === 'rival#1');
    expect(rival?.calls.filter((call) => call.code === 'E_WRITE_LEASE')).toHaveLength(attacks.length - 1);
  });

  it('sees a shell write onto the leased file and reports it as a conflict of the agent that made it', async () => {
    const attacks = [
      use('mcp__shell__run_command', { command: 'echo rival > src/a.js' }),
      use('mcp__shell__run_command', { command: 'cp decoy.js src/a.js' }),
      use('mcp__shell__run_command', {
        command: "node -e \"require('fs').writeFileSync('src/a.js', 'rival')\"",
      }),
      use('mcp__shell__run_command', { command: 'mv src moved' }),
      // Through the moved directory: the same file under another path.
      use('mcp__fs__write_file', { path: path('moved/a.js'), content: 'rival\n' }),
      use('mcp__shell__run_command', { command: 'mv moved src' }),
      // A hard link is the same file under another name: a file tool's write through it is refused.
      use('mcp__shell__run_command', { command: 'ln src/a.js link.js' }),
      use('mcp__fs__write_file', { path: path('link.js'), content: 'rival\n' }),
    ];
    const after: string[] = [];
    const report = await race(attacks, (index, text) => {
      after[index] = text;
    });
    const detected = report.conflicts.filter((conflict) => conflict.detected);
    // Each command that changed the file (the shell policy may refuse some first) shows up.
    let previous = ORIGINAL;
    const changedBy = after.slice(0, 3).filter((text) => {
      const changed = text !== previous;
      previous = text;
      return changed;
    });
    // `node -e` runs any code: that one at least gets through the policy.
    expect(changedBy.length).toBeGreaterThan(0);
    expect(detected.length).toBeGreaterThanOrEqual(changedBy.length);
    for (const conflict of detected)
      expect(conflict).toMatchObject({
        refused: 'rival#1',
        holder: 'builder#1',
        server: 'shell',
        tool: 'run_command',
      });
    expect(detected.map((conflict) => conflict.path)).toContain('src/a.js');
    // The file tool's write through the moved directory is refused: the file is the same inode.
    expect(after[4]).toBe(after[3]);
    const rival = report.agents.find((agent) => agent.id === 'rival#1');
    expect(rival?.calls[4]).toMatchObject({ tool: 'fs:write_file', code: 'E_WRITE_LEASE' });
    // Judged by effect: the file keeps its content; and when the link was made, the write is refused.
    expect(after[7]).toBe(after[6]);
    const linked = rival?.calls[6]?.outcome === 'ok';
    expect(rival?.calls[7]?.code).toBe(linked ? 'E_WRITE_LEASE' : undefined);
    // The rival's report lists what its commands changed, with hashes.
    const touched = rival?.filesTouched.find((file) => file.path === 'src/a.js');
    expect(touched).toMatchObject({ detected: true, server: 'shell', tool: 'run_command' });
    expect(touched?.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('takes no lease for a failed write: a later valid write by another agent succeeds', async () => {
    await writeTree(dir.path, { 'src/sub/keep.txt': 'keep\n' });
    let failedDone: () => void = () => {};
    const failed = new Promise<void>((resolve) => {
      failedDone = resolve;
    });
    model = await createScriptedModelServer({
      script: async (context): Promise<ScriptedTurn> => {
        const agent = context.headers['x-meshwork-agent'] ?? '';
        const index = countAssistantMessages(context.body);
        if (agent === 'builder') {
          if (index === 0)
            return {
              content: [
                // Refused by the fs server: paths must be absolute.
                use('mcp__fs__write_file', { path: 'src/b.js', content: 'builder\n' }),
                // Rejected by the fs server: a directory is not a file.
                use('mcp__fs__write_file', { path: path('src/sub'), content: 'builder\n' }),
              ],
            };
          failedDone();
          return { text: 'Both writes failed.' };
        }
        await failed;
        if (index === 0)
          return {
            content: [
              use('mcp__fs__write_file', { path: path('src/b.js'), content: 'rival\n' }),
              use('mcp__fs__write_file', { path: path('src/sub/c.js'), content: 'rival\n' }),
            ],
          };
        return { text: 'Wrote both.' };
      },
    });
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
    close = () => coordinator.close();
    const report = await coordinator.run({
      task: 'Write.',
      plan: [
        { agent: 'builder', task: 'Write.' },
        { agent: 'rival', task: 'Write.' },
      ],
    });
    const builder = report.agents.find((agent) => agent.id === 'builder#1');
    expect(builder?.calls.map((call) => call.outcome)).toEqual(['error', 'error']);
    expect(builder?.filesTouched).toEqual([]);
    expect(readFileSync(path('src/b.js'), 'utf8')).toBe('rival\n');
    expect(readFileSync(path('src/sub/c.js'), 'utf8')).toBe('rival\n');
    expect(report.conflicts).toEqual([]);
    const rival = report.agents.find((agent) => agent.id === 'rival#1');
    expect(rival?.filesTouched.map((file) => file.path).sort()).toEqual(['src/b.js', 'src/sub/c.js']);
  });

  it('lets exactly one of two concurrent writers of a new file through, and loses no update', async () => {
    let arrived = 0;
    let bothReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => {
      bothReady = resolve;
    });
    model = await createScriptedModelServer({
      script: async (context): Promise<ScriptedTurn> => {
        const agent = context.headers['x-meshwork-agent'] ?? '';
        if (countAssistantMessages(context.body) > 0) return { text: 'Done.' };
        arrived += 1;
        if (arrived === 2) bothReady();
        await ready;
        return { content: [use('mcp__fs__write_file', { path: path('src/new.js'), content: `${agent}\n` })] };
      },
    });
    const config = await loadConfig({ cwd: dir.path });
    const coordinator = createCoordinator({ config, modelAccess: { baseURL: model.url, apiKey: 'test' } });
    close = () => coordinator.close();
    const report = await coordinator.run({
      task: 'Write.',
      plan: [
        { agent: 'builder', task: 'Write.' },
        { agent: 'rival', task: 'Write.' },
      ],
    });
    const outcomes = report.agents.map((agent) => agent.calls[0]?.outcome).sort();
    expect(outcomes).toEqual(['denied', 'ok']);
    const winner = report.agents.find((agent) => agent.calls[0]?.outcome === 'ok');
    const loser = report.agents.find((agent) => agent.calls[0]?.outcome === 'denied');
    // The file holds the write that was let through, and the one refused is in the report.
    expect(readFileSync(path('src/new.js'), 'utf8')).toBe(`${winner?.agent}\n`);
    expect(report.conflicts).toEqual([
      expect.objectContaining({ path: 'src/new.js', holder: winner?.id, refused: loser?.id }),
    ]);
  });
});
