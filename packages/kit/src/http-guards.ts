import type { IncomingMessage } from 'node:http';

/** Hostnames that count as loopback for binding and for Host/Origin checks. */
export const LOOPBACK_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]', '::1'] as const;

/** Bind addresses that listen on every interface, loopback included. */
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '[::]']);

/** True when `host` is a loopback address or name (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(?:\.\d{1,3}){3}$/.test(bare);
}

/** Extracts the hostname (without port) from a Host header value; undefined when malformed. */
export function hostnameOfHostHeader(value: string): string | undefined {
  // A Host header is `host[:port]` and nothing else; anything with userinfo, a path or spaces is
  // an attempt to make the URL parser see a different host than the client meant.
  if (!/^[^\s@/\\?#]+$/.test(value)) return undefined;
  try {
    return new URL(`http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Puts a hostname in the form `URL#hostname` yields (lower case, IPv6 in brackets, no port), so
 * that operator-supplied names compare equal to what we parse out of Host and Origin headers.
 */
export function normalizeHostname(name: string): string {
  const trimmed = name.trim().toLowerCase();
  // A bare IPv6 address (two or more colons, no brackets) cannot carry a port.
  if (!trimmed.startsWith('[') && (trimmed.match(/:/g)?.length ?? 0) >= 2) return `[${trimmed}]`;
  return hostnameOfHostHeader(trimmed) ?? trimmed;
}

/**
 * Decides whether a request's `Host` and `Origin` headers are acceptable. This is the
 * DNS-rebinding defence: a browser page on evil.example that resolves to 127.0.0.1 still sends
 * `Host: evil.example`, so we refuse it. Returns the reason for a refusal, or undefined.
 */
export function checkRequestOrigin(
  request: IncomingMessage,
  allowedHostnames: ReadonlySet<string>,
): string | undefined {
  const host = request.headers.host;
  if (!host) return 'missing Host header';
  const hostname = hostnameOfHostHeader(host);
  if (!hostname || !allowedHostnames.has(hostname)) return `Host ${JSON.stringify(host)} is not allowed`;
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  // Sandboxed iframes, file:// pages and redirects send `Origin: null`; none is a legitimate client.
  if (origin === 'null') return 'Origin "null" is not allowed';
  let originHostname: string;
  try {
    originHostname = new URL(origin).hostname.toLowerCase();
  } catch {
    return `Origin ${JSON.stringify(origin)} is malformed`;
  }
  if (!allowedHostnames.has(originHostname)) return `Origin ${JSON.stringify(origin)} is not allowed`;
  return undefined;
}

/**
 * The hostnames a server bound to `host` accepts in Host/Origin, plus any the operator added. A
 * loopback or wildcard bind accepts the loopback names; a wildcard bind (0.0.0.0, ::) accepts no
 * other name unless the operator lists it, because we cannot know which names reach us.
 */
export function allowedHostnamesFor(host: string, extra: readonly string[] = []): Set<string> {
  const names = new Set<string>(extra.map(normalizeHostname));
  if (isLoopbackHost(host) || WILDCARD_HOSTS.has(host.toLowerCase())) {
    for (const name of LOOPBACK_HOSTNAMES) names.add(name);
  }
  names.add(normalizeHostname(host));
  return names;
}
