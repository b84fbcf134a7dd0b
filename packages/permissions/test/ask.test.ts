import { describe, expect, it, vi } from 'vitest';
import { askQuestionFor } from '../src/ask.js';
import { createPermissionChecker, type Decision, resolveAsk } from '../src/index.js';

const checker = createPermissionChecker({
  allow: ['fs:read_*'],
  ask: ['fs:write_file(src/**)'],
});
const ask = checker.check({ server: 'fs', tool: 'write_file', subject: 'src/a.ts', subjectKind: 'path' });

describe('resolveAsk', () => {
  it('starts from an ask', () => {
    expect(ask.effect).toBe('ask');
  });

  it('leaves allow and deny untouched and never prompts for them', async () => {
    const prompt = vi.fn(async () => true);
    const allow = checker.check({ server: 'fs', tool: 'read_file' });
    const deny = checker.check({ server: 'fs', tool: 'delete_file' });
    expect(await resolveAsk(allow, { interactive: true, prompt })).toBe(allow);
    expect(await resolveAsk(deny, { interactive: true, prompt })).toBe(deny);
    expect(prompt).not.toHaveBeenCalled();
  });

  it('denies when not interactive, even with a prompt', async () => {
    const prompt = vi.fn(async () => true);
    const decision = await resolveAsk(ask, { interactive: false, prompt });
    expect(decision.effect).toBe('deny');
    expect(decision.reason).toMatch(/non-interactive/);
    expect(decision.rule).toBe('fs:write_file(src/**)');
    expect(prompt).not.toHaveBeenCalled();
  });

  it('denies when interactive without a prompt', async () => {
    expect((await resolveAsk(ask, { interactive: true })).effect).toBe('deny');
  });

  it('allows only on a resolved true', async () => {
    const prompt = vi.fn(async () => true);
    const decision = await resolveAsk(ask, { interactive: true, prompt });
    expect(decision.effect).toBe('allow');
    expect(decision.reason).toMatch(/user approved/);
    expect(prompt).toHaveBeenCalledWith({
      server: 'fs',
      tool: 'write_file',
      subjects: ['src/a.ts'],
      rule: 'fs:write_file(src/**)',
      message: 'Allow fs:write_file on "src/a.ts"? (rule: fs:write_file(src/**))',
    });
  });

  it.each([false, 'yes', 1, undefined, null, { approved: true }])('denies on answer %j', async (answer) => {
    const decision = await resolveAsk(ask, { interactive: true, prompt: async () => answer as boolean });
    expect(decision.effect).toBe('deny');
  });

  it('denies when the prompt throws', async () => {
    const decision = await resolveAsk(ask, {
      interactive: true,
      prompt: async () => {
        throw new Error('tty closed');
      },
    });
    expect(decision.effect).toBe('deny');
    expect(decision.reason).toMatch(/tty closed/);
  });

  it('builds a question without subjects', () => {
    const decision: Decision = {
      effect: 'ask',
      server: 'memory',
      tool: 'write_topic',
      reason: 'x',
      rule: 'memory:*',
    };
    expect(askQuestionFor(decision)).toEqual({
      server: 'memory',
      tool: 'write_topic',
      rule: 'memory:*',
      message: 'Allow memory:write_topic? (rule: memory:*)',
    });
  });
});
