import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_BODY_BYTES,
  readServeSettings,
  SERVE_CLI_OPTIONS,
  SERVE_CLI_USAGE,
} from '../src/index.js';

function settingsFor(args: string[]) {
  const { values } = parseArgs({ args, options: SERVE_CLI_OPTIONS, allowPositionals: true });
  return readServeSettings(values);
}

describe('readServeSettings', () => {
  it('defaults to stdio on 127.0.0.1 with the default body limit', () => {
    expect(settingsFor([])).toEqual({
      transport: 'stdio',
      host: '127.0.0.1',
      port: 0,
      tokenFile: undefined,
      allowedHosts: [],
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      logLevel: undefined,
    });
  });

  it('reads every serving flag', () => {
    const settings = settingsFor([
      '--http',
      '--host',
      '::1',
      '--port',
      '8123',
      '--token-file',
      '/run/token',
      '--allowed-host',
      'proxy.internal',
      '--allowed-host',
      'other.internal',
      '--max-body-bytes',
      '1024',
      '--log-level',
      'debug',
      'positional',
    ]);
    expect(settings).toEqual({
      transport: 'http',
      host: '::1',
      port: 8123,
      tokenFile: '/run/token',
      allowedHosts: ['proxy.internal', 'other.internal'],
      maxBodyBytes: 1024,
      logLevel: 'debug',
    });
  });

  it.each([
    [['--stdio', '--http'], /either --stdio or --http/],
    [['--port', '65536'], /--port takes a whole number from 0 to 65535/],
    [['--port=-1'], /--port/],
    [['--port', ''], /--port/],
    [['--port', '0x50'], /--port/],
    [['--port', '80.5'], /--port/],
    [['--max-body-bytes', '0'], /--max-body-bytes takes a whole number from 1/],
    [['--max-body-bytes', '1e6'], /--max-body-bytes/],
    [['--log-level', 'loud'], /--log-level must be one of .*got loud/],
    [['--host', ''], /--host takes an address/],
  ])('rejects %j with a usage error naming the flag', (args, message) => {
    expect(() => settingsFor(args)).toThrow(message);
    try {
      settingsFor(args);
    } catch (error) {
      expect(error).toMatchObject({ name: 'KitError', code: 'E_USAGE' });
    }
  });

  it('documents every flag in the usage text', () => {
    for (const flag of Object.keys(SERVE_CLI_OPTIONS)) expect(SERVE_CLI_USAGE).toContain(`--${flag}`);
    expect(SERVE_CLI_USAGE).toContain(String(DEFAULT_MAX_BODY_BYTES));
  });
});
