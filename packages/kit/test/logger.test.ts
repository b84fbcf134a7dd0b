import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, isLogLevel, LOG_LEVELS, type LogLevel } from '../src/index.js';

function capture(level?: LogLevel) {
  const destination = new PassThrough();
  const chunks: string[] = [];
  destination.setEncoding('utf8');
  destination.on('data', (chunk: string) => chunks.push(chunk));
  const logger = createLogger({ name: 'test', level, destination });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, text: () => chunks.join('') };
}

describe('createLogger', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('writes JSON lines with the component name and pid', () => {
    const { logger, lines } = capture('info');
    logger.info({ tool: 'echo_text' }, 'called');
    expect(lines()).toEqual([
      expect.objectContaining({ name: 'test', pid: process.pid, tool: 'echo_text', msg: 'called' }),
    ]);
  });

  it('takes the level from the option, then MESHWORK_LOG_LEVEL, then info', () => {
    vi.stubEnv('MESHWORK_LOG_LEVEL', 'error');
    expect(capture('debug').logger.level).toBe('debug');
    expect(capture().logger.level).toBe('error');
    vi.stubEnv('MESHWORK_LOG_LEVEL', 'nonsense');
    expect(capture().logger.level).toBe('info');
    vi.stubEnv('MESHWORK_LOG_LEVEL', undefined);
    const { logger, lines } = capture();
    logger.debug('hidden');
    logger.info('shown');
    expect(lines().map((line) => line.msg)).toEqual(['shown']);
  });

  it('redacts secrets at the top level, one level down and in headers and env maps', () => {
    const { logger, text, lines } = capture('info');
    logger.info(
      {
        token: 'secret-1',
        apiKey: 'secret-2',
        password: 'secret-3',
        authorization: 'Bearer secret-4',
        client: { token: 'secret-5', access_token: 'secret-6', refreshToken: 'secret-7' },
        headers: { authorization: 'Bearer secret-8', cookie: 'sid=secret-9', 'x-api-key': 'secret-10' },
        request: { headers: { authorization: 'Bearer secret-11' } },
        env: { ANTHROPIC_API_KEY: 'secret-12', MESHWORK_TOKEN: 'secret-13' },
        child: { env: { ANYTHING: 'secret-14' } },
        path: '/kept/visible',
      },
      'configured',
    );
    expect(text()).not.toMatch(/secret-\d/);
    const [line] = lines();
    expect(line).toMatchObject({
      token: '[redacted]',
      path: '/kept/visible',
      client: { token: '[redacted]' },
    });
  });

  it('knows its levels', () => {
    for (const level of LOG_LEVELS) expect(isLogLevel(level)).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
    expect(isLogLevel(3)).toBe(false);
  });
});
