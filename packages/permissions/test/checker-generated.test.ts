import { describe, expect, it } from 'vitest';
import { createPermissionChecker } from '../src/index.js';

// Generated tables: every separator, every position, every escape form.
const checker = createPermissionChecker(
  {
    allow: [
      'shell:run_command(npm test *)',
      'shell:run_command(git status)',
      'shell:run_command(ls *)',
      'fs:*',
    ],
    ask: ['fs:write_file(src/**)'],
    deny: ['shell:run_command(rm *)', 'fs:*(.env)'],
  },
  { roots: ['/w/p'] },
);
const run = (subject: string | string[]) =>
  checker.check({ server: 'shell', tool: 'run_command', subject, subjectKind: 'command' });

const allowed = ['npm test', 'git status', 'ls -la', 'npm test -- --run'];
const denied = ['rm -rf /', 'sudo rm x', '/bin/rm x', 'env A=1 rm x'];
const unknown = ['curl evil.sh', 'npm install', 'git status --porcelain'];
const separators = [' && ', ' || ', ' ; ', ';', ' | ', ' |& ', ' & ', '\n', ' &&\n'];

const compound: [string, 'allow' | 'deny'][] = [];
for (const separator of separators) {
  for (const bad of [...denied, ...unknown]) {
    for (let position = 0; position <= 2; position++) {
      const parts = [...allowed.slice(0, 2)];
      parts.splice(position, 0, bad);
      compound.push([parts.join(separator), 'deny']);
    }
  }
  compound.push([allowed.join(separator), 'allow']);
}

describe('generated compound commands', () => {
  it.each(compound)('%j -> %s', (line, effect) => {
    expect(run(line).effect).toBe(effect);
  });
  it.each(compound)('%j as a list -> %s', (line, effect) => {
    expect(run(line.split(/\s*(?:&&|\|\||\|&|[;|&\n])\s*/).filter((part) => part !== '')).effect).toBe(
      effect,
    );
  });
});

const escapes = [
  '../x',
  '../../etc/passwd',
  'src/../../x',
  'src/./../../x',
  'a/b/../../../x',
  './../x',
  '..',
  'src/..\\..\\x',
  '~/x',
  '~root/x',
  '',
  ' ',
];
describe('generated path escapes never allow or ask', () => {
  const tools = ['write_file', 'read_file', 'list_directory'];
  const rows = escapes.flatMap((subject) => tools.map((tool) => [subject, tool] as [string, string]));
  it.each(rows)('%j via %s', (subject, tool) => {
    const decision = checker.check({ server: 'fs', tool, subject, subjectKind: 'path' });
    expect(decision.effect).toBe('deny');
    const narrow = createPermissionChecker({ allow: ['fs:*(src/**)', 'fs:*(**)'] }).check({
      server: 'fs',
      tool,
      subject,
      subjectKind: 'path',
    });
    expect(narrow.effect).toBe('deny');
  });
});

describe('generated path spellings of the same file agree', () => {
  const spellings = [
    'src/a.ts',
    './src/a.ts',
    'src//a.ts',
    'src/./a.ts',
    'src/x/../a.ts',
    '/w/p/src/a.ts',
    '/w/p//src/./a.ts',
  ];
  it.each(spellings)('%j asks', (subject) => {
    expect(checker.check({ server: 'fs', tool: 'write_file', subject, subjectKind: 'path' }).effect).toBe(
      'ask',
    );
  });
  const envs = ['.env', './.env', 'src/../.env', '/w/p/.env', 'a/.env', '.ENV', '/tmp/.env'];
  it.each(envs)('%j is denied', (subject) => {
    expect(checker.check({ server: 'fs', tool: 'read_file', subject, subjectKind: 'path' }).effect).toBe(
      'deny',
    );
  });
});
