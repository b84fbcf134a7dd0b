import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ToolWrites } from '@meshwork/kit';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccessPolicy } from '../../src/gate/access-policy.js';
import { createGate } from '../../src/gate/gate.js';
import { createWriteLeases } from '../../src/gate/write-leases.js';

// The gate decides on the real file: a symlinked parent, an alias, `./`, `//`, `..`, a trailing
// slash and another case all name the file the rules are checked against.

let dir: TempDir;
let root: string;

beforeAll(async () => {
  dir = await createTempDir('meshwork-gate-paths-');
  root = dir.path;
  mkdirSync(join(root, 'config/secrets'), { recursive: true });
  mkdirSync(join(root, 'src'));
  mkdirSync(join(root, 'plain'));
  writeFileSync(join(root, '.env'), 'x');
  writeFileSync(join(root, 'config/.env'), 'x');
  writeFileSync(join(root, 'config/settings.json'), '{}');
  writeFileSync(join(root, 'config/secrets/prod.key'), 'x');
  writeFileSync(join(root, 'plain/a.txt'), 'a');
  symlinkSync('../config', join(root, 'src/config'));
  symlinkSync('config', join(root, 'alias'));
  symlinkSync('.env', join(root, 'notes.txt'));
});
afterAll(async () => {
  await dir?.remove();
});

function gateFor(profile: { allow: string[]; deny?: string[] }) {
  const gate = createGate({
    policy: createAccessPolicy(profile),
    holder: 'a#1',
    leases: createWriteLeases(),
    projectDir: root,
    interactive: false,
  });
  return (tool: string, args: Record<string, unknown>, subjectArg: string | undefined, writes: ToolWrites) =>
    gate.authorize({
      server: 'fs',
      tool,
      args,
      writes,
      roots: [root],
      ...(subjectArg === undefined ? {} : { subjectArg }),
    });
}

const READ: ToolWrites = false;
const WRITE: ToolWrites = { paths: ['path'] };
const MOVE: ToolWrites = { paths: ['source', 'destination'] };

describe('the gate checks the real file', () => {
  it('refuses a write through a symlinked parent that leaves the allowed tree (class 8)', async () => {
    const call = gateFor({ allow: ['fs:write_file(src/**)'] });
    for (const path of [
      'src/config/settings.json',
      `${root}/src/config/settings.json`,
      'src/config/new.json',
    ]) {
      const verdict = await call('write_file', { path }, 'path', WRITE);
      expect(verdict.allowed, path).toBe(false);
      if (!verdict.allowed) expect(verdict.message).toContain(join(root, 'config'));
    }
    expect((await call('write_file', { path: 'src/app.js' }, 'path', WRITE)).allowed).toBe(true);
  });

  const variants = [
    '.env',
    './.env',
    '.ENV',
    '.env/',
    'plain/../.env',
    `${root}//.env`,
    'config/.env',
    'config//./.env',
    'CONFIG/.Env',
    'src/config/.env',
    'alias/.env',
    'src/config/../.env',
    'notes.txt',
  ];
  it.each(variants)('a deny on .env covers %s', async (path) => {
    const call = gateFor({ allow: ['fs:read_*'], deny: ['fs:*(.env)'] });
    const verdict = await call('read_text_file', { path }, 'path', READ);
    expect(verdict.allowed).toBe(false);
    expect(verdict.decision.rule).toBe('fs:*(.env)');
  });

  it('resolves a root reached through a symlink like the files under it', async () => {
    const linked = join(root, 'plain', 'root-link');
    symlinkSync(root, linked);
    const gate = createGate({
      policy: createAccessPolicy({ allow: ['fs:read_*', 'fs:write_file(src/**)'], deny: ['fs:*(.env)'] }),
      holder: 'a#1',
      leases: createWriteLeases(),
      projectDir: linked,
      interactive: false,
    });
    const authorize = (tool: string, path: string, writes: ToolWrites) =>
      gate.authorize({ server: 'fs', tool, args: { path }, subjectArg: 'path', writes, roots: [linked] });
    expect((await authorize('write_file', `${linked}/src/app.js`, WRITE)).allowed).toBe(true);
    expect((await authorize('write_file', 'src/app.js', WRITE)).allowed).toBe(true);
    expect((await authorize('write_file', `${linked}/src/config/settings.json`, WRITE)).allowed).toBe(false);
    expect((await authorize('read_text_file', `${linked}/config/.ENV`, READ)).allowed).toBe(false);
  });

  it('covers a denied directory through an alias and a symlinked parent', async () => {
    const call = gateFor({ allow: ['fs:read_*'], deny: ['fs:read_text_file(config/secrets/**)'] });
    for (const path of ['alias/secrets/prod.key', 'src/config/secrets/prod.key', 'config/SECRETS/prod.key']) {
      expect((await call('read_text_file', { path }, 'path', READ)).allowed, path).toBe(false);
    }
    expect((await call('read_text_file', { path: 'config/settings.json' }, 'path', READ)).allowed).toBe(true);
  });
});

describe('a move is checked against every deny rule beneath it (class 9)', () => {
  const call = gateFor({
    allow: ['fs:read_*', 'fs:move_file'],
    deny: ['fs:read_text_file(config/secrets/**)', 'fs:read_text_file(.env)'],
  });

  it('refuses moving a directory that holds a path another tool is denied', async () => {
    const verdict = await call('move_file', { source: 'config', destination: 'cfg' }, 'source', MOVE);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      expect(verdict.message).toContain('a path beneath what it writes');
      // The refusal does not reveal which denied file is there.
      expect(verdict.message).not.toContain('prod.key');
    }
  });

  it('refuses moving a read-denied file to another name, and content into a denied place', async () => {
    expect(
      (await call('move_file', { source: '.env', destination: 'env.txt' }, 'source', MOVE)).allowed,
    ).toBe(false);
    const into = await call(
      'move_file',
      { source: 'plain', destination: 'config/secrets/plain' },
      'source',
      MOVE,
    );
    expect(into.allowed).toBe(false);
  });

  it('allows a move with nothing denied beneath or at the destination', async () => {
    const verdict = await call('move_file', { source: 'plain', destination: 'plain2' }, 'source', MOVE);
    expect(verdict.allowed, verdict.allowed ? '' : verdict.message).toBe(true);
  });
});

describe('a patterned deny that cannot be checked denies (class 6)', () => {
  const call = gateFor({ allow: ['fs:*'], deny: ['fs:*(**/.env)'] });

  it('denies a tool that declares no subject, and says how to declare it', async () => {
    const verdict = await call('read_text_file', { path: '.env' }, undefined, { roots: true });
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      expect(verdict.message).toContain('"tools": { "read_text_file": { "subject"');
      expect(verdict.decision.rule).toBe('fs:*(**/.env)');
    }
  });

  it('denies a call without its declared subject argument (a subject declared under another name)', async () => {
    const verdict = await call('read_text_file', { path: '.env' }, 'file', READ);
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) expect(verdict.message).toContain('pass "file" explicitly');
  });

  it('denies a subject that is not a string instead of reading it as a file name', async () => {
    const verdict = await call('read_multiple_files', { paths: [{ path: '.env' }] }, 'paths', READ);
    expect(verdict.allowed).toBe(false);
  });

  it('still allows a tool that declared its contract and has no subject', async () => {
    expect((await call('list_allowed_directories', {}, undefined, false)).allowed).toBe(true);
  });

  it('anchors relative patterns at the project when the server reports no roots', async () => {
    const gate = createGate({
      policy: createAccessPolicy({ allow: ['ref:read_text_file(plain/**)'], deny: ['ref:*(**/.env)'] }),
      holder: 'a#1',
      leases: createWriteLeases(),
      projectDir: root,
      interactive: false,
    });
    const read = (path: string) =>
      gate.authorize({
        server: 'ref',
        tool: 'read_text_file',
        args: { path },
        subjectArg: 'path',
        writes: false,
      });
    expect((await read('plain/a.txt')).allowed).toBe(true);
    expect((await read(join(root, 'plain/a.txt'))).allowed).toBe(true);
    expect((await read('src/config/settings.json')).allowed).toBe(false);
    expect((await read('config/.env')).allowed).toBe(false);
  });

  it('allows a tool without a subject when no deny rule has a pattern', async () => {
    const open = gateFor({ allow: ['fs:*'], deny: ['fs:delete_file'] });
    expect((await open('read_text_file', { path: 'a' }, undefined, { roots: true })).allowed).toBe(true);
  });
});
