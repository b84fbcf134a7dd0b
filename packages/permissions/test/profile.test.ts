import { isMeshworkError } from '@meshwork/kit/errors';
import { describe, expect, it } from 'vitest';
import { PermissionsError, parseProfile, profileSchema } from '../src/index.js';

describe('parseProfile', () => {
  it.each([
    [{}],
    [{ allow: ['fs:read_*'] }],
    [{ servers: ['fs', 'memory'], allow: ['*:*'], ask: ['shell:*'], deny: ['fs:*(.env)'] }],
    [
      {
        description: 'reviewer',
        allow: ['memory:*'],
        limits: { maxTurns: 20, maxCostUsd: 0, maxSeconds: 1.5 },
      },
    ],
    [
      {
        allow: ['fs:*', 'shell:run_command(npm test *)'],
        launch: {
          filesystem: { roots: ['/w/p'], readOnly: true, deny: ['.env'] },
          shell: { roots: ['/w/p'], allow: ['npm *'], deny: ['rm *'] },
        },
      },
    ],
  ])('accepts %j', (value) => {
    expect(parseProfile(value)).toEqual(value);
  });

  const invalid: [unknown, RegExp][] = [
    [null, /\(profile\): .*expected object/],
    ['fs:*', /\(profile\): .*expected object/],
    [[], /\(profile\): .*expected object/],
    [{ allow: 'fs:*' }, /allow: .*expected array/],
    [{ allow: [1] }, /allow\[0\]: .*expected string/],
    [{ allow: ['fs:read_*', 'fs read'] }, /allow\[1\]: invalid rule "fs read": missing ':'/],
    [{ deny: ['fs:x(('] }, /deny\[0\]: invalid rule .*never closed/],
    [{ ask: ['fs:x()'] }, /ask\[0\]: invalid rule .*empty argument pattern/],
    [{ servers: ['my server'] }, /servers\[0\]: expected a server name/],
    [{ servers: 'fs' }, /servers: .*expected array/],
    [{ bogus: true }, /bogus: unknown field/],
    [{ launch: { network: {} } }, /launch\.network: unknown field/],
    [{ launch: { filesystem: { readOnly: 'yes' } } }, /launch\.filesystem\.readOnly: .*expected boolean/],
    [{ launch: { filesystem: { roots: [''] } } }, /launch\.filesystem\.roots\[0\]: /],
    [{ launch: { shell: { allow: 3 } } }, /launch\.shell\.allow: .*expected array/],
    [{ launch: { shell: { deny: ['rm *', 5] } } }, /launch\.shell\.deny\[1\]: .*expected string/],
    [{ limits: { maxTurns: 0 } }, /limits\.maxTurns: /],
    [{ limits: { maxTurns: 1.5 } }, /limits\.maxTurns: .*int/i],
    [{ limits: { maxCostUsd: -1 } }, /limits\.maxCostUsd: /],
    [{ limits: { maxTokens: '10' } }, /limits\.maxTokens: .*expected number/],
    [{ limits: { turns: 3 } }, /limits\.turns: unknown field/],
  ];
  it.each(invalid)('rejects %j', (value, message) => {
    let caught: unknown;
    try {
      parseProfile(value, 'meshwork.json profiles.dev');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PermissionsError);
    expect(isMeshworkError(caught, 'E_PROFILE')).toBe(true);
    const error = caught as PermissionsError;
    expect(error.code).toBe('E_PROFILE');
    expect(error.message.startsWith('meshwork.json profiles.dev: ')).toBe(true);
    expect(error.message).toMatch(message);
    expect(error.cause).toBeDefined();
  });

  it('reports every problem at once', () => {
    expect(() => parseProfile({ allow: ['x'], deny: ['y'], extra: 1 })).toThrow(
      /allow\[0\].*deny\[0\].*extra: unknown field/,
    );
  });

  it('defaults where to "profile"', () => {
    expect(() => parseProfile(5)).toThrow(/^profile: /);
  });

  it('exposes the zod schema', () => {
    expect(profileSchema.safeParse({ allow: ['fs:*'] }).success).toBe(true);
  });
});

describe('parseProfile: launch.memory', () => {
  it('takes transcripts "own" or "all", and nothing else', () => {
    for (const transcripts of ['own', 'all'] as const) {
      expect(parseProfile({ launch: { memory: { transcripts } } })).toEqual({
        launch: { memory: { transcripts } },
      });
    }
    expect(() => parseProfile({ launch: { memory: { transcripts: 'everyone' } } })).toThrow(
      /launch\.memory\.transcripts/,
    );
    expect(() => parseProfile({ launch: { memory: { dir: '/tmp' } } })).toThrow(PermissionsError);
  });
});
