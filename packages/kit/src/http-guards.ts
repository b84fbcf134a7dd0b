import type { IncomingMessage } from 'node:http';

/** Hostnames that count as loopback for binding and for Host/Origin checks. */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]', '::1'] as const;

/** True when `host` is a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** Extracts the hostname (without port) from a Host header value; undefined when malformed. */
export function hostnameOfHostHeader(value: string): string | undefined {
  try {
    return new URL(`http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Decides whether a request's `Host` and `Origin` headers are acceptable. This is the
 * DNS-rebinding defence: a browser page on evil.example that resolves to 127.0.0.1 still sends
 * `Host: evil.example`, so we refuse it.
 */
export function checkRequestOrigin(request: IncomingMessage, allowedHostnames: ReadonlySet<string>): string | undefined {
  const host = request.headers.host;
  if (!host) return 'missing Host header';
  const hostname = hostnameOfHostHeader(host);
  if (!hostname || !allowedHostnames.has(hostname)) return `Host ${JSON.stringify(host)} is not allowed`;
  const origin = request.headers.origin;
  if (origin !== undefined && origin !== 'null') {
    let originHostname: string;
    try {
      originHostname = new URL(origin).hostname.toLowerCase();
    } catch {
      return `Origin ${JSON.stringify(origin)} is malformed`;
    }
    if (!allowedHostnames.has(originHostname)) return `Origin ${JSON.stringify(origin)} is not allowed`;
  } else if (origin === 'null') {
    return 'Origin "null" is not allowed';
  }
  return undefined;
}

/** The hostnames a server bound to `host` accepts in Host/Origin, plus any the operator added. */
export function allowedHostnamesFor(host: string, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(extra.map((name) => name.toLowerCase()));
  if (isLoopbackHost(host)) {
    for (const name of LOOPBACK_HOSTNAMES) names.add(name);
    names.add(host.toLowerCase());
  } else {
    names.add(host.toLowerCase().replace(/^\[|\]$/g, ''));
    names.add(host.toLowerCase());
  }
  return names;
}
