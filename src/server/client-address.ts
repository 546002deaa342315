import type { IncomingMessage } from 'node:http';
import type { TrustProxy } from '../config/config.js';
import { forwardedClientAddress, trustProxyFunction } from './trust-proxy.js';

/**
 * The client's address as Fastify's `request.ip` gives it, for requests Fastify does not route (the
 * WebSocket upgrade): the peer's address, or behind trusted proxies (TRUST_PROXY) the address the
 * outermost trusted proxy saw, with the same proxy-addr semantics as the HTTP routes.
 */
export function clientAddress(request: IncomingMessage, trustProxy: TrustProxy): string {
  const header = request.headers['x-forwarded-for'];
  return forwardedClientAddress(request.socket.remoteAddress ?? '', typeof header === 'string' ? header : undefined, trustProxyFunction(trustProxy));
}
