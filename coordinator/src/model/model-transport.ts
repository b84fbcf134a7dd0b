import { CoordinatorError } from '../errors.js';

/**
 * How model requests travel: `node-http` (node:http with keep-alive, see node-http-fetch.ts) or
 * `fetch` (the global fetch the SDK uses by default).
 */
export type ModelTransport = 'node-http' | 'fetch';

/** The transport chosen for an environment, and why. */
export interface ModelTransportChoice {
  transport: ModelTransport;
  reason: string;
}

/**
 * Variables that route HTTP through a proxy. The global fetch is where proxy support lives (a
 * dispatcher installed with undici's setGlobalDispatcher, or Node's NODE_USE_ENV_PROXY), so when
 * any is set the coordinator keeps to it rather than go around the proxy.
 */
const PROXY_VARIABLES = [
  'HTTPS_PROXY',
  'https_proxy',
  'HTTP_PROXY',
  'http_proxy',
  'ALL_PROXY',
  'all_proxy',
  'NODE_USE_ENV_PROXY',
];

/**
 * Picks the transport: `MESHWORK_MODEL_TRANSPORT` (`node-http` or `fetch`) when set, else `fetch`
 * when a proxy is configured, else `node-http`. An unknown value is refused rather than guessed.
 */
export function modelTransportFor(env: Record<string, string | undefined>): ModelTransportChoice {
  const requested = env.MESHWORK_MODEL_TRANSPORT?.trim();
  if (requested) {
    if (requested === 'node-http' || requested === 'fetch') {
      return { transport: requested, reason: `MESHWORK_MODEL_TRANSPORT=${requested}` };
    }
    throw new CoordinatorError(
      'E_MODEL_TRANSPORT',
      `MESHWORK_MODEL_TRANSPORT must be "node-http" or "fetch" (got "${requested}"); unset it to choose automatically.`,
    );
  }
  const proxy = PROXY_VARIABLES.find((name) => env[name]);
  if (proxy)
    return { transport: 'fetch', reason: `${proxy} is set, so requests go through the global fetch` };
  return { transport: 'node-http', reason: 'no proxy is configured' };
}
