import type { IncomingMessage } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import {
  allowedHostnamesFor,
  checkRequestOrigin,
  hostnameOfHostHeader,
  isLoopbackHost,
  normalizeHostname,
} from '../src/index.js';
import { initializeBody, JSON_RPC_HEADERS, type RawProcess, rawHttp, spawnEchoHttp } from './support.js';

function requestWith(headers: Record<string, string>): IncomingMessage {
  return { headers } as unknown as IncomingMessage;
}

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.1', '128.0.0.1', 'localhost.evil.example', '127.0.0.1.nip.io', ''])(
    '%s is not loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );
});

describe('hostnameOfHostHeader', () => {
  it('strips the port and lower-cases', () => {
    expect(hostnameOfHostHeader('LocalHost:8080')).toBe('localhost');
    expect(hostnameOfHostHeader('[::1]:3000')).toBe('[::1]');
    expect(hostnameOfHostHeader('127.0.0.1')).toBe('127.0.0.1');
  });
  it.each(['localhost@evil.example', 'evil.example/localhost', 'local host', 'localhost:notaport', ''])(
    'refuses the malformed value %j',
    (value) => {
      expect(hostnameOfHostHeader(value)).toBeUndefined();
    },
  );
});

describe('allowedHostnamesFor', () => {
  it('accepts the loopback names on a loopback bind', () => {
    const names = allowedHostnamesFor('127.0.0.1');
    for (const name of ['localhost', '127.0.0.1', '[::1]']) expect(names.has(name)).toBe(true);
    expect(names.has('evil.example')).toBe(false);
  });
  it('accepts only the bound address and listed names on a specific non-loopback bind', () => {
    const names = allowedHostnamesFor('10.1.2.3', ['Proxy.Internal:8443', 'fd00::1']);
    expect([...names].sort()).toEqual(['10.1.2.3', '[fd00::1]', 'proxy.internal']);
  });
  it('accepts loopback names on a wildcard bind, since loopback reaches it too', () => {
    expect(allowedHostnamesFor('0.0.0.0').has('localhost')).toBe(true);
    expect(allowedHostnamesFor('::').has('[::1]')).toBe(true);
    expect(allowedHostnamesFor('::').has('[::]')).toBe(true);
  });
  it('normalizes names the way Host headers are parsed', () => {
    expect(normalizeHostname('::1')).toBe('[::1]');
    expect(normalizeHostname('Example.COM:80')).toBe('example.com');
  });
});

describe('checkRequestOrigin', () => {
  const allowed = allowedHostnamesFor('127.0.0.1');
  it('accepts a loopback Host with or without a loopback Origin', () => {
    expect(checkRequestOrigin(requestWith({ host: '127.0.0.1:1234' }), allowed)).toBeUndefined();
    expect(
      checkRequestOrigin(requestWith({ host: 'localhost:1234', origin: 'http://localhost:5173' }), allowed),
    ).toBeUndefined();
  });
  it.each([
    [{}, /missing Host/],
    [{ host: 'evil.example' }, /Host "evil.example" is not allowed/],
    [{ host: 'evil.example:1234' }, /not allowed/],
    [{ host: 'localhost@evil.example' }, /not allowed/],
    [{ host: 'localhost', origin: 'http://evil.example' }, /Origin "http:\/\/evil.example" is not allowed/],
    [{ host: 'localhost', origin: 'null' }, /Origin "null"/],
    [{ host: 'localhost', origin: 'not a url' }, /malformed/],
  ])('refuses %j', (headers, reason) => {
    expect(checkRequestOrigin(requestWith(headers), allowed)).toMatch(reason);
  });
});

// The same checks against the real bin: the refusal must come before any MCP handling.
describe('Host and Origin checks over HTTP', () => {
  let server: RawProcess | undefined;
  afterEach(async () => {
    await server?.kill();
    server = undefined;
  });

  it('answers 403 to a bad Host, a DNS-rebinding Host and a bad Origin, and serves good ones', async () => {
    const started = await spawnEchoHttp(['--allowed-host', 'proxy.internal']);
    server = started.server;
    const post = (headers: Record<string, string>) =>
      rawHttp(started.url, { headers: { ...JSON_RPC_HEADERS, ...headers }, body: initializeBody() });

    const refused: Array<Record<string, string>> = [
      { host: 'evil.example' },
      { host: `evil.example:${started.url.port}` },
      { host: started.url.host, origin: 'http://evil.example' },
      { host: started.url.host, origin: 'null' },
    ];
    for (const headers of refused) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(403);
      expect(JSON.parse(response.body)).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 }, id: null });
    }
    // DNS rebinding: a browser page on evil.example resolved to 127.0.0.1 sends its own name.
    const rebinding = await post({
      host: `evil.example:${started.url.port}`,
      origin: `http://evil.example:${started.url.port}`,
    });
    expect(rebinding.status).toBe(403);

    const accepted: Array<Record<string, string>> = [
      { host: started.url.host },
      { host: `localhost:${started.url.port}`, origin: 'http://localhost:5173' },
      { host: 'proxy.internal', origin: 'https://proxy.internal' },
    ];
    for (const headers of accepted) {
      const response = await post(headers);
      expect(response.status, JSON.stringify(headers)).toBe(200);
      expect(response.body).toContain('"protocolVersion":"2025-11-25"');
    }
    expect(server.stderr()).toContain('refused request');
  });
});
