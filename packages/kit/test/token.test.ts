import * as crypto from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createTempDir, type TempDir } from '@meshwork/testkit';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isTokenMatch, KitError, loadToken } from '../src/index.js';

// Spy on the real timingSafeEqual so we can see what the comparison is fed.
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  return {
    ...actual,
    timingSafeEqual: vi.fn((left: NodeJS.ArrayBufferView, right: NodeJS.ArrayBufferView) =>
      actual.timingSafeEqual(left, right),
    ),
  };
});

describe('isTokenMatch', () => {
  beforeEach(() => {
    vi.mocked(crypto.timingSafeEqual).mockClear();
  });

  it('accepts the same token and refuses any other', () => {
    expect(isTokenMatch('s3cret-token', 's3cret-token')).toBe(true);
    expect(isTokenMatch('s3cret-tokeN', 's3cret-token')).toBe(false);
    expect(isTokenMatch('', 's3cret-token')).toBe(false);
    expect(isTokenMatch('s3cret-token ', 's3cret-token')).toBe(false);
  });

  it('compares fixed-size digests in constant time, whatever the lengths', () => {
    // timingSafeEqual throws on unequal lengths; hashing first means a short guess neither throws
    // nor reveals the expected token's length through an early return.
    expect(isTokenMatch('x', 'a-much-longer-expected-token')).toBe(false);
    expect(isTokenMatch('a'.repeat(10_000), 'short')).toBe(false);
    const calls = vi.mocked(crypto.timingSafeEqual).mock.calls;
    expect(calls).toHaveLength(2);
    for (const [left, right] of calls) {
      expect(Buffer.from(left as Uint8Array)).toHaveLength(32);
      expect(Buffer.from(right as Uint8Array)).toHaveLength(32);
    }
  });
});

describe('loadToken', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await createTempDir('meshwork-kit-token-');
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await dir.remove();
  });

  it('reads --token-file and trims the trailing newline', async () => {
    const file = join(dir.path, 'token');
    await writeFile(file, 'file-token\n');
    vi.stubEnv('MESHWORK_TOKEN', 'env-token');
    // The file wins over the environment.
    await expect(loadToken(file)).resolves.toBe('file-token');
  });

  it('falls back to MESHWORK_TOKEN, and to no token at all', async () => {
    vi.stubEnv('MESHWORK_TOKEN', '  env-token  ');
    await expect(loadToken(undefined)).resolves.toBe('env-token');
    vi.stubEnv('MESHWORK_TOKEN', '   ');
    await expect(loadToken(undefined)).resolves.toBeUndefined();
    vi.stubEnv('MESHWORK_TOKEN', undefined);
    await expect(loadToken(undefined)).resolves.toBeUndefined();
  });

  it('refuses an empty or unreadable token file instead of serving without auth', async () => {
    const empty = join(dir.path, 'empty');
    await writeFile(empty, ' \n');
    await expect(loadToken(empty)).rejects.toMatchObject({
      code: 'E_TOKEN_FILE',
      message: expect.stringContaining('empty'),
    });
    const missing = join(dir.path, 'missing');
    const error = await loadToken(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(KitError);
    expect(error).toMatchObject({ code: 'E_TOKEN_FILE', message: expect.stringContaining(missing) });
  });
});
