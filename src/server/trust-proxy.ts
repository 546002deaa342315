import { BlockList, isIP } from 'node:net';
import type { TrustProxy } from '../config/config.js';

/** Whether the address `hop` steps from the server (0: the connection's peer) is a proxy whose X-Forwarded-For is believed. */
export type TrustProxyFunction = (address: string, hop: number) => boolean;

/** proxy-addr's names for networks. */
const NAMED_NETWORKS: Record<string, readonly (readonly [string, number])[]> = {
  loopback: [
    ['127.0.0.0', 8],
    ['::1', 128],
  ],
  linklocal: [
    ['169.254.0.0', 16],
    ['fe80::', 10],
  ],
  uniquelocal: [
    ['10.0.0.0', 8],
    ['172.16.0.0', 12],
    ['192.168.0.0', 16],
    ['fc00::', 7],
  ],
};

/**
 * TRUST_PROXY as the function Fastify's `trustProxy` takes, with proxy-addr's semantics: a number trusts that many
 * hops from the server, a list trusts the proxies at those addresses and networks. false trusts none. Fastify itself
 * ignores a bare hop count, hence the function.
 */
export function trustProxyFunction(trust: TrustProxy): TrustProxyFunction | false {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address, hop) => hop < trust;
  const proxies = new BlockList();
  for (const entry of trust) {
    for (const [network, prefix] of NAMED_NETWORKS[entry] ?? [parseNetwork(entry)]) proxies.addSubnet(network, prefix, isIP(network) === 6 ? 'ipv6' : 'ipv4');
  }
  // IPv4 rules also match IPv4-mapped IPv6 addresses (::ffff:10.0.0.1), as a dual-stack socket reports them.
  return (address) => {
    const family = isIP(address);
    return family !== 0 && proxies.check(address, family === 6 ? 'ipv6' : 'ipv4');
  };
}

/** `10.0.0.0/8` → ['10.0.0.0', 8]; a bare address is a network of one. TRUST_PROXY's entries are checked by loadConfig. */
function parseNetwork(entry: string): readonly [string, number] {
  const [address = '', bits] = entry.split('/');
  return [address, bits === undefined ? (isIP(address) === 6 ? 128 : 32) : Number(bits)];
}

/**
 * The client's address as Fastify's `request.ip` answers it (proxy-addr): starting from the connection's peer, walk
 * X-Forwarded-For from its right-most entry while the address in hand is a trusted proxy. A client can prepend what
 * it likes to the header; only entries appended by trusted proxies are ever reached.
 */
export function forwardedClientAddress(peer: string, forwardedFor: string | undefined, trust: TrustProxyFunction | false): string {
  if (trust === false || forwardedFor === undefined) return peer;
  const chain = [
    peer,
    ...forwardedFor
      .split(',')
      .map((address) => address.trim())
      .filter((address) => address !== '')
      .reverse(),
  ];
  let hop = 0;
  while (hop < chain.length - 1 && trust(chain[hop]!, hop)) hop++;
  return chain[hop]!;
}
