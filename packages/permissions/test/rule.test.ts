import { describe, expect, it } from 'vitest';
import { compileNameGlob, formatRule, isValidRule, PermissionsError, parseRule } from '../src/index.js';

const valid: [string, { server: string; tool: string; pattern?: string }][] = [
  ['fs:read_*', { server: 'fs', tool: 'read_*' }],
  ['fs:write_file(src/**)', { server: 'fs', tool: 'write_file', pattern: 'src/**' }],
  ['shell:run_command(npm test *)', { server: 'shell', tool: 'run_command', pattern: 'npm test *' }],
  ['shell:run(npm test *)', { server: 'shell', tool: 'run', pattern: 'npm test *' }],
  ['memory:*', { server: 'memory', tool: '*' }],
  ['*:*', { server: '*', tool: '*' }],
  ['  fs:read_file  ', { server: 'fs', tool: 'read_file' }],
  ['fs:read_file( src/a.ts )', { server: 'fs', tool: 'read_file', pattern: 'src/a.ts' }],
  ['my-server.v2:tool_name', { server: 'my-server.v2', tool: 'tool_name' }],
  ['fs?:read_?', { server: 'fs?', tool: 'read_?' }],
  ['*-fs:*', { server: '*-fs', tool: '*' }],
  ['github:repos/list', { server: 'github', tool: 'repos/list' }],
  ['shell:run_command(npm test:*)', { server: 'shell', tool: 'run_command', pattern: 'npm test:*' }],
  ['fs:read_file(src/(a|b)/**)', { server: 'fs', tool: 'read_file', pattern: 'src/(a|b)/**' }],
  ['fs:read_file(+(a|b).ts)', { server: 'fs', tool: 'read_file', pattern: '+(a|b).ts' }],
  ['fs:*(.env)', { server: 'fs', tool: '*', pattern: '.env' }],
  ['shell:run_command(echo a:b)', { server: 'shell', tool: 'run_command', pattern: 'echo a:b' }],
  ['fs:read_file(/abs/**)', { server: 'fs', tool: 'read_file', pattern: '/abs/**' }],
  ['s:t(())', { server: 's', tool: 't', pattern: '()' }],
  ['S_1:T-2', { server: 'S_1', tool: 'T-2' }],
  ['fs:read_file(a b  c)', { server: 'fs', tool: 'read_file', pattern: 'a b  c' }],
];

const invalid: [string, RegExp][] = [
  ['', /rule is empty/],
  ['   ', /rule is empty/],
  ['fs', /missing ':'/],
  ['fs:', /empty tool name/],
  [':read', /empty server name/],
  [':', /empty server name/],
  ['fs:read:file', /second ':' at position 8/],
  ['fs:read_file(src/**', /'\(' at position 13 is never closed/],
  ['fs:read_file(a(b)', /never closed/],
  ['fs:read_file)x(', /'\)' at position 13 has no matching '\('/],
  ['fs:read_file(a)b', /unexpected text after '\)'/],
  ['fs:read_file(a)(b)', /unexpected text after '\)'/],
  ['fs:read_file()', /empty argument pattern/],
  ['fs:read_file(   )', /empty argument pattern/],
  ['f s:read', /whitespace in server name at position 2/],
  ['fs:read file', /whitespace in tool name at position 8/],
  ['fs:read_file (x)', /whitespace in tool name/],
  ['fs/x:read', /character "\/" in server name/],
  ['fs:read$', /character "\$" in tool name at position 8/],
  ['fs:rea[d]', /character "\[" in tool name/],
  ['fs:read\nx', /line break/],
  ['fs:read\0', /NUL/],
  ['(x)', /missing ':'|empty/],
  ['fs(x):read', /unexpected text after '\)' at position 5/],
  ['fs:ré', /character "é" in tool name/],
];

describe('parseRule', () => {
  it.each(valid)('parses %j', (text, expected) => {
    const rule = parseRule(text);
    expect({ server: rule.server, tool: rule.tool, pattern: rule.pattern }).toEqual({
      pattern: undefined,
      ...expected,
    });
    expect(rule.text).toBe(text.trim());
    expect(isValidRule(text)).toBe(true);
  });

  it.each(invalid)('rejects %j', (text, message) => {
    expect(() => parseRule(text)).toThrow(message);
    expect(isValidRule(text)).toBe(false);
    try {
      parseRule(text);
    } catch (error) {
      expect(error).toBeInstanceOf(PermissionsError);
      expect((error as PermissionsError).code).toBe('E_RULE');
      expect((error as PermissionsError).name).toBe('PermissionsError');
    }
  });

  it('rejects a non-string', () => {
    expect(() => parseRule(42 as unknown as string)).toThrow(/expected a string/);
  });

  it.each(valid)('round-trips %j through formatRule', (text) => {
    const rule = parseRule(text);
    expect(parseRule(formatRule(rule))).toEqual({ ...rule, text: formatRule(rule) });
  });
});

const globs: [string, string, boolean][] = [
  ['*', 'anything', true],
  ['*', '', true],
  ['fs', 'fs', true],
  ['fs', 'FS', false],
  ['fs', 'fs2', false],
  ['fs', 'f', false],
  ['read_*', 'read_file', true],
  ['read_*', 'read_', true],
  ['read_*', 'xread_file', false],
  ['read_*', 'Read_file', false],
  ['*_file', 'write_file', true],
  ['*_file', 'write_files', false],
  ['read_?', 'read_a', true],
  ['read_?', 'read_ab', false],
  ['read_?', 'read_', false],
  ['a.b', 'a.b', true],
  ['a.b', 'axb', false],
  ['*-fs', 'project-fs', true],
  ['*-fs', 'fs', false],
  ['repos/*', 'repos/list', true],
  ['repos/*', 'repos/a/b', true],
  ['a*b*c', 'aXbYc', true],
  ['a*b*c', 'acb', false],
  ['x+', 'xx', false],
  ['x+', 'x+', true],
  ['(a)', '(a)', true],
];

describe('compileNameGlob', () => {
  it.each(globs)('%j matches %j: %s', (glob, name, expected) => {
    expect(compileNameGlob(glob)(name)).toBe(expected);
  });
});
