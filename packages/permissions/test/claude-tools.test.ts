import { describe, expect, it } from 'vitest';
import { claudeToolToRules, mcpToolNameToRule } from '../src/claude-tools.js';
import { createPermissionChecker, isValidRule, mapClaudeTools, splitClaudeToolList } from '../src/index.js';

describe('mcpToolNameToRule', () => {
  it.each([
    ['mcp__memory__search_memory', 'memory:search_memory'],
    ['mcp__fs__read_file', 'fs:read_file'],
    ['mcp__my-server__do_it', 'my-server:do_it'],
    ['mcp__github__repos__list', 'github:repos__list'],
    ['mcp__memory', 'memory:*'],
    ['mcp__memory__*', 'memory:*'],
    ['mcp__memory__', 'memory:*'],
    ['mcp__bad server__x', undefined],
    ['Read', undefined],
    ['mcp_memory_x', undefined],
  ] as [string, string | undefined][])('%s -> %s', (name, rule) => {
    expect(mcpToolNameToRule(name)).toBe(rule);
  });
});

describe('claudeToolToRules', () => {
  it.each([
    ['Read', ['fs:read_*', 'fs:get_file_info', 'fs:list_allowed_directories']],
    [
      'Read(./src/**)',
      ['fs:read_*(src/**)', 'fs:get_file_info(src/**)', 'fs:list_allowed_directories(src/**)'],
    ],
    [
      'Read(/docs/**)',
      ['fs:read_*(docs/**)', 'fs:get_file_info(docs/**)', 'fs:list_allowed_directories(docs/**)'],
    ],
    [
      'Read(//etc/hosts)',
      ['fs:read_*(/etc/hosts)', 'fs:get_file_info(/etc/hosts)', 'fs:list_allowed_directories(/etc/hosts)'],
    ],
    ['Read(~/.zshrc)', undefined],
    ['Write', ['fs:write_file', 'fs:create_directory']],
    ['Edit', ['fs:edit_file', 'fs:write_file', 'fs:create_directory', 'fs:move_file']],
    [
      'Edit(src/**)',
      [
        'fs:edit_file(src/**)',
        'fs:write_file(src/**)',
        'fs:create_directory(src/**)',
        'fs:move_file(src/**)',
      ],
    ],
    ['MultiEdit', ['fs:edit_file', 'fs:write_file', 'fs:create_directory', 'fs:move_file']],
    ['Glob', ['fs:list_*', 'fs:directory_tree', 'fs:search_files', 'fs:glob*']],
    ['Grep', ['fs:grep*', 'fs:search_*']],
    ['LS', ['fs:list_*', 'fs:directory_tree', 'fs:get_file_info']],
    ['Bash', ['shell:*']],
    ['Bash()', ['shell:*']],
    ['Bash(*)', ['shell:*']],
    ['Bash(npm test:*)', ['shell:run_command(npm test *)']],
    ['Bash(npm test *)', ['shell:run_command(npm test *)']],
    ['Bash(git status)', ['shell:run_command(git status)']],
    [' Bash( git diff:* ) ', ['shell:run_command(git diff *)']],
    ['Bash(echo (x)', undefined],
    ['mcp__memory__search', ['memory:search']],
    ['WebFetch', undefined],
    ['WebFetch(domain:example.com)', undefined],
    ['Task', undefined],
    ['TodoWrite', undefined],
    ['read', undefined],
    ['', undefined],
  ] as [string, string[] | undefined][])('%j -> %j', (tool, rules) => {
    expect(claudeToolToRules(tool)).toEqual(rules);
    for (const rule of rules ?? []) expect(isValidRule(rule)).toBe(true);
  });

  it('uses custom server names', () => {
    expect(claudeToolToRules('Bash(make:*)', { shellServer: 'sh' })).toEqual(['sh:run_command(make *)']);
    expect(claudeToolToRules('Write', { fsServer: 'files' })).toEqual([
      'files:write_file',
      'files:create_directory',
    ]);
  });
});

describe('splitClaudeToolList', () => {
  it.each([
    ['Read, Grep, Glob', ['Read', 'Grep', 'Glob']],
    ['Read,Bash(git log:*, x), Edit', ['Read', 'Bash(git log:*, x)', 'Edit']],
    [' , Read ,, ', ['Read']],
    ['', []],
  ] as [string, string[]][])('%j', (text, tools) => {
    expect(splitClaudeToolList(text)).toEqual(tools);
  });
  it('accepts an array', () => {
    expect(splitClaudeToolList([' Read ', '', 'Bash'])).toEqual(['Read', 'Bash']);
  });
});

describe('mapClaudeTools', () => {
  it('maps an agent tools line and reports what it cannot map', () => {
    const mapping = mapClaudeTools('Read, Grep, Bash(npm test:*), mcp__memory__search, WebFetch, Read');
    expect(mapping.unmapped).toEqual(['WebFetch']);
    expect(mapping.rules).toEqual([
      'fs:read_*',
      'fs:get_file_info',
      'fs:list_allowed_directories',
      'fs:grep*',
      'fs:search_*',
      'shell:run_command(npm test *)',
      'memory:search',
    ]);
  });

  it('produces rules a checker enforces', () => {
    const checker = createPermissionChecker({
      allow: mapClaudeTools(['Read', 'Bash(npm test:*)', 'Edit(src/**)']).rules,
    });
    const call = (tool: string, subject: string, subjectKind: 'path' | 'command') =>
      checker.check({ server: tool === 'run_command' ? 'shell' : 'fs', tool, subject, subjectKind }).effect;
    expect(call('read_file', 'README.md', 'path')).toBe('allow');
    expect(call('edit_file', 'src/a.ts', 'path')).toBe('allow');
    expect(call('edit_file', 'lib/a.ts', 'path')).toBe('deny');
    expect(call('run_command', 'npm test -- --run', 'command')).toBe('allow');
    expect(call('run_command', 'npm test; rm -rf /', 'command')).toBe('deny');
  });
});
