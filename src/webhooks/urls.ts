import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { DomainError } from '../shared/errors.js';

export const WEBHOOK_URL_MAX_CHARS = 2048;

/** IPv4 networks that are not the public internet: this host, private, shared, loopback, link-local (cloud metadata at 169.254.169.254), reserved, documentation, benchmarking, multicast and broadcast. */
const NON_PUBLIC_IPV4: readonly (readonly [string, number])[] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 3],
];

/**
 * IPv6 networks inside global unicast (2000::/3) that are not the public internet: Teredo and the other IETF
 * protocol assignments of 2001::/23 (Teredo carries an IPv4 address too), documentation, and ORCHID. Everything
 * outside 2000::/3 is refused, but for the forms that embed an IPv4 address, which is checked instead.
 */
const NON_PUBLIC_GLOBAL_IPV6: readonly (readonly [string, number])[] = [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
];

/** The 32-bit value of a dotted IPv4 address. */
function ipv4Value(address: string): number {
  return address.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

function inIpv4Network(value: number, [network, prefix]: readonly [string, number]): boolean {
  const size = 2 ** (32 - prefix);
  return Math.floor(value / size) === Math.floor(ipv4Value(network) / size);
}

function isNonPublicIpv4(value: number): boolean {
  return NON_PUBLIC_IPV4.some((network) => inIpv4Network(value, network));
}

/** The eight 16-bit groups of an IPv6 address, with an embedded dotted IPv4 tail (::ffff:1.2.3.4) and `::` expanded. */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text)?.[1];
  if (dotted !== undefined) {
    const value = ipv4Value(dotted);
    text = `${text.slice(0, -dotted.length)}${Math.floor(value / 65536).toString(16)}:${(value % 65536).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const before = parse(head);
  const after = tail === undefined ? [] : parse(tail);
  return [...before, ...new Array<number>(8 - before.length - after.length).fill(0), ...after];
}

function inIpv6Network(groups: readonly number[], [network, prefix]: readonly [string, number]): boolean {
  const base = ipv6Groups(network);
  for (let bit = 0; bit < prefix; bit += 16) {
    const bits = Math.min(16, prefix - bit);
    const shift = 16 - bits;
    if (groups[bit / 16]! >> shift !== base[bit / 16]! >> shift) return false;
  }
  return true;
}

/**
 * The IPv4 address an IPv6 address carries, as a 32-bit value: IPv4-mapped (::ffff:a.b.c.d), IPv4-translated
 * (::ffff:0:a.b.c.d), NAT64 (64:ff9b::a.b.c.d) and 6to4 (2002:aabb:ccdd::). Undefined for any other address.
 */
function embeddedIpv4(groups: readonly number[]): number | undefined {
  const low = groups[6]! * 65536 + groups[7]!;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((group) => group === 0);
  if (zeros(0, 5) && groups[5] === 0xffff) return low;
  if (zeros(0, 4) && groups[4] === 0xffff && groups[5] === 0) return low;
  if (groups[0] === 0x64 && groups[1] === 0xff9b && zeros(2, 6)) return low;
  if (groups[0] === 0x2002) return groups[1]! * 65536 + groups[2]!;
  return undefined;
}

/**
 * True for any address that is not a public unicast one, or that embeds one that is not: loopback, private and
 * shared IPv4 networks, link-local (cloud metadata services answer at 169.254.169.254), unspecified, multicast,
 * documentation and reserved ranges; in IPv6 also unique-local (fc00::/7), link-local (fe80::/10), site-local,
 * IPv4-compatible (::a.b.c.d, so ::127.0.0.1 and ::1), Teredo, and any IPv4 address a mapped, translated, NAT64 or
 * 6to4 address carries (::ffff:127.0.0.1, 2002:7f00:1::1).
 */
function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  if (family === 4) return isNonPublicIpv4(ipv4Value(address));
  const groups = ipv6Groups(address);
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return isNonPublicIpv4(embedded);
  // Only global unicast (2000::/3) reaches the public internet; the rest is loopback, unspecified, IPv4-compatible,
  // unique-local, link-local, multicast or reserved.
  if (!inIpv6Network(groups, ['2000::', 3])) return true;
  return NON_PUBLIC_GLOBAL_IPV6.some((network) => inIpv6Network(groups, network));
}

function isLocalhostName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}

/**
 * Checks a webhook URL and answers it normalized. https only, no user name or
 * password, and no loopback or private host named by an IP literal or
 * `localhost`; with `allowInsecure` (development and tests), http and local
 * hosts pass too. 400 invalid_webhook_url (param `url`) says what is wrong.
 */
export function checkWebhookUrl(raw: string, allowInsecure: boolean): string {
  const refuse = (why: string) => DomainError.invalidField('url', 'invalid_webhook_url', `url ${why}; got ${JSON.stringify(raw.slice(0, 120))}.`);
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw refuse('must be an absolute https URL, such as https://example.com/ovation/webhooks');
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    throw refuse(allowInsecure ? 'must be an http or https URL' : 'must be an https URL (http is allowed only with WEBHOOKS_ALLOW_INSECURE_URLS=true, for development)');
  }
  if (url.username !== '' || url.password !== '') throw refuse('must not hold a user name or password; authenticate deliveries by their signature');
  if (!allowInsecure) {
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isLocalhostName(host) || (isIP(host) !== 0 && isNonPublicAddress(host))) {
      throw refuse('must not point at this server or a private network (loopback, private and link-local addresses are refused unless WEBHOOKS_ALLOW_INSECURE_URLS=true)');
    }
  }
  url.hash = '';
  if (url.href.length > WEBHOOK_URL_MAX_CHARS) throw refuse(`must be at most ${WEBHOOK_URL_MAX_CHARS} characters`);
  return url.href;
}

/** A resolved address of a host name, as `dns.lookup` answers with `all: true`. */
export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address it has; `dns.lookup` unless a test supplies another. */
export type Resolver = (hostname: string) => Promise<readonly ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

/**
 * The addresses a webhook delivery may connect to for `hostname`: an IP literal as it is, or a name resolved once.
 * Without `allowInsecure`, every address is checked and one that is or embeds a non-public address refuses the
 * whole name (an internal DNS name, or one that answers both a public and a private address). The delivery then
 * connects only to these addresses, so a name that changes its answer after the check cannot lead it inside.
 */
export async function resolveDeliveryAddresses(hostname: string, resolve: Resolver, allowInsecure: boolean): Promise<readonly ResolvedAddress[]> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const family = isIP(host);
  const addresses = family !== 0 ? [{ address: host, family }] : await resolve(host);
  if (addresses.length === 0) throw new Error(`${host} has no address`);
  if (!allowInsecure) {
    const blocked = addresses.find(({ address }) => isNonPublicAddress(address));
    if (blocked) throw new Error(`${host} resolves to ${blocked.address}, a loopback, private or reserved address (allowed only with WEBHOOKS_ALLOW_INSECURE_URLS=true)`);
  }
  return addresses;
}
