import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { pickEnvironment } from '@meshwork/testkit';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from './support.js';

describe('meshwork demo (the main job, offline)', () => {
  it('runs a researcher, a builder and a reviewer on the sample project with the bundled script', async () => {
    const child = spawn(process.execPath, [CLI_BIN, 'demo', '--json'], {
      env: pickEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
    });
    const [code] = await once(child, 'exit');
    expect(stderr).toContain('offline: using the bundled script, no model was called');
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      status: string;
      offline: boolean;
      agents: Array<{
        id: string;
        profile: string;
        status: string;
        filesTouched: Array<{ path: string }>;
        memoryTopics: string[];
        output?: unknown;
      }>;
      conflicts: Array<{ path: string; holder: string; refused: string }>;
      denied: Array<{ agentId: string; tool: string }>;
      serverStarts: number;
    };
    expect(report).toMatchObject({ status: 'succeeded', offline: true });
    expect(report.agents.map((agent) => [agent.id, agent.profile, agent.status])).toEqual([
      ['builder#1', 'build', 'succeeded'],
      ['researcher#1', 'research', 'succeeded'],
      ['reviewer#1', 'review', 'succeeded'],
    ]);
    expect(report.agents[0]?.filesTouched.map((file) => file.path)).toEqual(['src/stats.js']);
    expect(report.agents[1]?.memoryTopics).toEqual(['stats-median']);
    expect(report.agents[2]?.output).toMatchObject({ verdict: 'approve' });
    expect(report.conflicts).toEqual([
      expect.objectContaining({ path: 'NOTES.md', holder: 'researcher#1', refused: 'reviewer#1' }),
    ]);
    expect(report.denied.map((denied) => denied.agentId).sort()).toEqual(['builder#1', 'researcher#1']);
    expect(report.serverStarts).toBeLessThanOrEqual(9);
  });
});
