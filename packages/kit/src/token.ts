import { createHash, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KitError } from './errors.js';

/**
 * Compares a presented bearer token with the expected one in constant time. Both sides are hashed
 * first so that the comparison never leaks the expected token's length.
 */
export function isTokenMatch(presented: string, expected: string): boolean {
  const left = createHash('sha256').update(presented).digest();
  const right = createHash('sha256').update(expected).digest();
  return timingSafeEqual(left, right);
}

/**
 * Reads the bearer token from `--token-file` or, failing that, `MESHWORK_TOKEN`. Returns undefined
 * when neither is set. An empty or unreadable file is an error, never a silent "no auth".
 */
export async function loadToken(tokenFile: string | undefined): Promise<string | undefined> {
  if (tokenFile !== undefined) {
    let text: string;
    try {
      text = await readFile(tokenFile, 'utf8');
    } catch (error) {
      throw new KitError('E_TOKEN_FILE', `Cannot read --token-file ${tokenFile}.`, { cause: error });
    }
    const token = text.trim();
    if (token.length === 0) throw new KitError('E_TOKEN_FILE', `--token-file ${tokenFile} is empty.`);
    return token;
  }
  const fromEnvironment = process.env.MESHWORK_TOKEN?.trim();
  return fromEnvironment ? fromEnvironment : undefined;
}
