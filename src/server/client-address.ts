import type { IncomingMessage } from 'node:http';

/**
 * The client's address as Fastify's `request.ip` gives it, for requests Fastify does not route (the
 * WebSocket upgrade): the peer's address, or behind a trusted proxy (TRUST_PROXY) the first address
 * of `X-Forwarded-For`, which is what proxy-addr answers when every hop is trusted.
 */
export function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const peer = request.socket.remoteAddress ?? '';
  if (!trustProxy) return peer;
  const header = request.headers['x-forwarded-for'];
  if (typeof header !== 'string') return peer;
  const forwarded = header
    .split(',')
    .map((address) => address.trim())
    .filter((address) => address !== '');
  return forwarded[0] ?? peer;
}
