import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../errors.js';

/**
 * The keys `.meshwork/env` may set: model access only, so the file cannot change how the daemon
 * itself runs (PATH, NODE_OPTIONS).
 */
export const ENV_FILE_KEYS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_AUTH_TOKEN'] as const;

/** Where the project's environment file is: `<project>/.meshwork/env`. */
export function envFilePath(cwd: string): string {
  return join(cwd, '.meshwork', 'env');
}

/**
 * Reads `.meshwork/env` (`KEY=value` lines, `#` comments, optional quotes), or nothing when it
 * does not exist. The values are secrets: never log them. A line that is not `KEY=value`, or a
 * key outside {@link ENV_FILE_KEYS}, is an `E_CONFIG` error naming the line.
 */
export function readEnvFile(cwd: string): Record<string, string> {
  const path = envFilePath(cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError('E_CONFIG', `${path}: cannot read it (${(error as Error).message})`);
  }
  const values: Record<string, string> = {};
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const match = /^(?:export\s+)?([A-Z_][A-Z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) throw new CliError('E_CONFIG', `${path}: line ${index + 1}: expected KEY=value`);
    const [, key, value] = match as unknown as [string, string, string];
    if (!(ENV_FILE_KEYS as readonly string[]).includes(key)) {
      throw new CliError(
        'E_CONFIG',
        `${path}: line ${index + 1}: ${key} is not read from this file; it takes ${ENV_FILE_KEYS.join(', ')}`,
      );
    }
    values[key] = value.replace(/^(['"])(.*)\1$/, '$2');
  }
  return values;
}

/**
 * The environment a daemon's coordinator sees: its own process environment with the project's
 * `.meshwork/env` on top, so model access does not depend on the shell that started the daemon.
 */
export function projectEnvironment(
  cwd: string,
  base: Record<string, string | undefined> = process.env,
): Record<string, string | undefined> {
  return { ...base, ...readEnvFile(cwd) };
}
