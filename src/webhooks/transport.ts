import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import type { ResolvedAddress } from './urls.js';

/**
 * A `lookup` for the connection that answers only the addresses already resolved and checked, so the socket goes
 * where the check looked whatever the name answers now. The URL keeps the name: it is the Host header and the TLS
 * server name, and the certificate must be valid for it.
 */
function pinnedLookup(addresses: readonly ResolvedAddress[]): LookupFunction {
  return (_hostname, options, callback) => {
    const usable = options.family === 4 || options.family === 6 ? addresses.filter(({ family }) => family === options.family) : addresses;
    const [first] = usable;
    if (first === undefined) {
      callback(Object.assign(new Error(`no checked IPv${String(options.family)} address`), { code: 'ENOTFOUND' }), '', 0);
      return;
    }
    if (options.all) (callback as unknown as (error: null, all: readonly ResolvedAddress[]) => void)(null, usable);
    else callback(null, first.address, first.family);
  };
}

export interface PostResult {
  statusCode: number;
  headers: IncomingHttpHeaders;
}

/**
 * POSTs `body` to `url` over a fresh connection to one of `addresses` (never a pooled one, which could lead
 * elsewhere), follows no redirect, and answers once the status arrives; the response body is discarded.
 */
export function postPinned(url: URL, addresses: readonly ResolvedAddress[], headers: Record<string, string>, body: string, signal: AbortSignal): Promise<PostResult> {
  return new Promise((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(url, { method: 'POST', headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) }, lookup: pinnedLookup(addresses), agent: false, signal }, (response) => {
      resolve({ statusCode: response.statusCode ?? 0, headers: response.headers });
      response.destroy();
    });
    request.on('error', reject);
    request.end(body);
  });
}
