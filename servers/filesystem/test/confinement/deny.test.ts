import { describe, expect, it } from 'vitest';
import { createDenyMatcher } from '../../src/confinement/deny.js';

describe('createDenyMatcher', () => {
  const deny = createDenyMatcher(['**/.env', '.git/**', 'secrets', '/srv/root/private/**']);

  it('matches relative globs at any depth', () => {
    expect(deny.isDenied('.env', '/srv/root/.env')).toBe(true);
    expect(deny.isDenied('app/config/.env', '/srv/root/app/config/.env')).toBe(true);
    expect(deny.isDenied('app/.env.example', '/srv/root/app/.env.example')).toBe(false);
  });

  it('denies a whole subtree when a directory matches', () => {
    expect(deny.isDenied('.git', '/srv/root/.git')).toBe(true);
    expect(deny.isDenied('.git/config', '/srv/root/.git/config')).toBe(true);
    expect(deny.isDenied('secrets/key.pem', '/srv/root/secrets/key.pem')).toBe(true);
    expect(deny.matchesEntry('secrets/key.pem', '/srv/root/secrets/key.pem')).toBe(false);
  });

  it('matches absolute globs against the real path', () => {
    expect(deny.isDenied('private/a.txt', '/srv/root/private/a.txt')).toBe(true);
    expect(deny.isDenied('public/a.txt', '/srv/root/public/a.txt')).toBe(false);
  });

  it('denies the root itself only through the all-paths glob, as the gate does', () => {
    expect(createDenyMatcher(['**']).isDenied('', '/srv/root')).toBe(true);
    expect(createDenyMatcher(['*']).isDenied('', '/srv/root')).toBe(false);
    expect(createDenyMatcher(['root']).isDenied('', '/srv/root')).toBe(false);
  });

  it('ignores case and matches a glob without a slash at any depth, like the gate', () => {
    const plain = createDenyMatcher(['.env']);
    expect(plain.isDenied('.ENV', '/srv/root/.ENV')).toBe(true);
    expect(plain.isDenied('config/.env', '/srv/root/config/.env')).toBe(true);
    expect(plain.matchesEntry('config/.Env', '/srv/root/config/.Env')).toBe(true);
    expect(plain.isDenied('config/.envrc', '/srv/root/config/.envrc')).toBe(false);
    const anchored = createDenyMatcher(['config/secrets/**']);
    expect(anchored.isDenied('Config/SECRETS/prod.key', '/srv/root/Config/SECRETS/prod.key')).toBe(true);
    expect(anchored.isDenied('cfg/secrets/prod.key', '/srv/root/cfg/secrets/prod.key')).toBe(false);
  });

  it('denies nothing without patterns', () => {
    expect(createDenyMatcher([]).isDenied('.env', '/srv/root/.env')).toBe(false);
  });
});
