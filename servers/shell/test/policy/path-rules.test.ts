import { describe, expect, it } from 'vitest';
import { compilePathRules } from '../../src/policy/path-rules.js';

const ROOT = '/work/project';

describe('compilePathRules', () => {
  it('grants a write only when every layer has a glob for it', () => {
    const rules = compilePathRules({ write: [['**'], ['src/**']], deny: [], writable: [] }, [ROOT]);
    expect(rules.missingWriteGrant(`${ROOT}/src/a.ts`)).toBeUndefined();
    expect(rules.missingWriteGrant(`${ROOT}/notes.md`)).toBe('src/**');
    expect(rules.mayBeWritten(`${ROOT}/notes.md`)).toBe(true);
  });

  it('grants nothing with no layer or an empty one, except the always-writable directories', () => {
    for (const write of [[], [['**'], []]]) {
      const rules = compilePathRules({ write, deny: [], writable: ['/tmp/spill'] }, [ROOT]);
      expect(rules.canWrite).toBe(false);
      expect(rules.missingWriteGrant(`${ROOT}/a`)).toBe('');
      expect(rules.missingWriteGrant('/tmp/spill/1.log')).toBeUndefined();
    }
  });

  it('denies at any depth and any case for a pattern without a slash, anchored otherwise', () => {
    const rules = compilePathRules({ write: [], deny: ['.env', 'secrets/**'], writable: [] }, [ROOT]);
    expect(rules.deniedBy(`${ROOT}/config/.ENV`)).toBe('.env');
    expect(rules.deniedBy(`${ROOT}/secrets/k`)).toBe('secrets/**');
    expect(rules.deniedBy(`${ROOT}/src/secrets/k`)).toBeUndefined();
    expect(rules.deniedBeneath(`${ROOT}/src`)).toBe('.env');
  });

  it('says which directories could hold an anchored denied path', () => {
    const rules = compilePathRules({ write: [], deny: ['config/secrets/**'], writable: [] }, [ROOT]);
    expect(rules.deniedBeneath(ROOT)).toBe('config/secrets/**');
    expect(rules.deniedBeneath(`${ROOT}/config`)).toBe('config/secrets/**');
    expect(rules.deniedBeneath(`${ROOT}/src`)).toBeUndefined();
  });
});
