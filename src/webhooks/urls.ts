import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { ApiError } from '../server/errors.js';

export const WEBHOOK_URL_MAX_CHARS = 2048;

/**
 * Addresses a webhook must not reach unless WEBHOOKS_ALLOW_INSECURE_URLS is
 * on: the server's own loopback, private networks, link-local (cloud
 * metadata services answer at 169.254.169.254) and other non-public ranges.
 * IPv4 rules also match IPv4-mapped IPv6 addresses (::ffff:10.0.0.1).
 */
const NON_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 127],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const) {
  NON_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

/** True for loopback, private, link-local, multicast and reserved IP addresses. */
function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) throw new TypeError(`not an IP address: ${address}`);
  return NON_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
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
  const refuse = (why: string) => ApiError.invalidField('url', 'invalid_webhook_url', `url ${why}; got ${JSON.stringify(raw.slice(0, 120))}.`);
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

/**
 * Refuses a host name that resolves to a non-public address, such as an
 * internal DNS name: the check on the URL alone sees only IP literals. A host
 * that changes its answer between this look-up and the connection is not
 * caught.
 */
export async function assertResolvesPublic(hostname: string): Promise<void> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  const addresses = isIP(host) !== 0 ? [{ address: host }] : await lookup(host, { all: true });
  const blocked = addresses.find(({ address }) => isNonPublicAddress(address));
  if (blocked) throw new Error(`${host} resolves to ${blocked.address}, a loopback or private address (allowed only with WEBHOOKS_ALLOW_INSECURE_URLS=true)`);
}
