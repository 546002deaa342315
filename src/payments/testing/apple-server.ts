import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verify, type KeyObject } from 'node:crypto';

export interface FakeAppStoreServerOptions {
  issuerId: string;
  keyId: string;
  bundleId: string;
  /** The public half of the in-app purchase key the operator signs its calls with. */
  publicKey: KeyObject;
  environment: 'Production' | 'Sandbox';
  /** Transactions per page of history; Apple sends up to 20. */
  pageSize?: number;
}

export interface FakeAppStoreServer {
  url: string;
  /** Every call, with why its token was refused (null when it was accepted). */
  calls: { method: string; path: string; body: unknown; refused: string | null }[];
  /** One store account's signed transactions, oldest first: any of their ids answers all of them. */
  addAccount(transactions: { transactionId: string; signed: string }[]): void;
  close(): Promise<void>;
}

/**
 * The App Store Server API as Apple documents it, for the calls Ovation makes: Get Transaction
 * History (GET /inApps/v1/history/{transactionId}, paged by `revision`, 404 with errorCode 4040010 for
 * an unknown transaction) and Send Consumption Information (PUT /inApps/v2/transactions/consumption/
 * {transactionId}, 202). Every call must carry a JWT signed ES256 by the operator's key, with its key
 * id, issuer, the audience appstoreconnect-v1, the bundle id and a lifetime of at most an hour; any
 * other is answered 401, as Apple does.
 */
export async function startFakeAppStoreServer(options: FakeAppStoreServerOptions): Promise<FakeAppStoreServer> {
  const accounts: { transactionId: string; signed: string }[][] = [];
  const calls: FakeAppStoreServer['calls'] = [];
  const pageSize = options.pageSize ?? 2;

  function refusal(request: IncomingMessage): string | null {
    const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(request.headers.authorization ?? '');
    if (!match) return 'no bearer JWT';
    const [, head, body, signature] = match as unknown as [string, string, string, string];
    const header = JSON.parse(Buffer.from(head, 'base64url').toString('utf8')) as Record<string, unknown>;
    const claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    if (header.alg !== 'ES256' || header.typ !== 'JWT' || header.kid !== options.keyId) return `header ${JSON.stringify(header)}`;
    if (!verify('sha256', Buffer.from(`${head}.${body}`), { key: options.publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) return 'bad signature';
    if (claims.iss !== options.issuerId || claims.aud !== 'appstoreconnect-v1' || claims.bid !== options.bundleId) return `claims ${JSON.stringify(claims)}`;
    const [issuedAt, expires] = [Number(claims.iat), Number(claims.exp)];
    if (!(expires > issuedAt && expires - issuedAt <= 3600)) return 'lifetime over an hour';
    return null;
  }

  const server = createServer((request, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const refused = refusal(request);
      calls.push({ method: request.method ?? '', path: url.pathname, body: raw === '' ? undefined : JSON.parse(raw), refused });
      const answer = (status: number, body?: unknown) => {
        response.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json' });
        response.end(body === undefined ? '' : JSON.stringify(body));
      };
      if (refused !== null) return answer(401);
      const history = /^\/inApps\/v1\/history\/([^/]+)$/.exec(url.pathname);
      if (request.method === 'GET' && history) {
        const account = accounts.find((each) => each.some((transaction) => transaction.transactionId === decodeURIComponent(history[1]!)));
        if (!account) return answer(404, { errorCode: 4040010, errorMessage: 'Transaction id not found.' });
        const start = Number(url.searchParams.get('revision') ?? '0');
        const hasMore = start + pageSize < account.length;
        return answer(200, {
          revision: String(start + pageSize),
          bundleId: options.bundleId,
          environment: options.environment,
          hasMore,
          signedTransactions: account.slice(start, start + pageSize).map((transaction) => transaction.signed),
        });
      }
      if (request.method === 'PUT' && /^\/inApps\/v2\/transactions\/consumption\/[^/]+$/.test(url.pathname)) return answer(202);
      return answer(404, { errorCode: 4040000, errorMessage: 'Not found.' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    addAccount: (transactions) => void accounts.push(transactions),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
