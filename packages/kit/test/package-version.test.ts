import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readPackageVersion } from '../src/package-version.js';

describe('readPackageVersion', () => {
  it('reads the version of a real package.json', () => {
    const url = new URL('../package.json', import.meta.url);
    const expected = (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
    expect(readPackageVersion(url)).toBe(expected);
    expect(expected).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('falls back to 0.0.0 when the file is missing', () => {
    expect(readPackageVersion(new URL('./no-such-package.json', import.meta.url))).toBe('0.0.0');
  });
});
