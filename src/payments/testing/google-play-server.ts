import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, randomBytes, randomInt, sign, verify, type KeyObject } from 'node:crypto';

export interface FakeGooglePlayOptions {
  packageName: string;
  /** The service account the operator calls the API as: its email and the public half of its key. */
  serviceAccountEmail: string;
  serviceAccountPublicKey: KeyObject;
  /** Voided purchases per page; Google sends up to 1000. */
  voidedPageSize?: number;
}

/** A one-time product purchase as Google keeps it (ProductPurchase), with when it was voided. */
interface StoredPurchase {
  productId: string;
  orderId: string;
  purchaseToken: string;
  purchaseTimeMillis: number;
  purchaseState: number;
  consumptionState: number;
  acknowledgementState: number;
  purchaseType?: number;
  quantity: number;
  regionCode: string;
  obfuscatedExternalAccountId?: string;
  voidedTimeMillis?: number;
}

export interface FakeGooglePlay {
  url: string;
  /** The token endpoint, as a service account key's token_uri names it. */
  tokenUrl: string;
  /** Google's public keys for its OIDC tokens, as a JWK set. */
  certsUrl: string;
  /** Every call, with why it was refused (null when it was accepted). */
  calls: { method: string; path: string; refused: string | null }[];
  /** A purchase made in the app: what Play Billing hands the app (the Purchase JSON) and its token. */
  purchase(input: { productId: string; regionCode?: string; purchaseType?: number; purchaseState?: number; quantity?: number; accountToken?: string }): {
    receipt: string;
    purchaseToken: string;
    orderId: string;
  };
  /** The purchase as Google has it now. */
  stateOf(purchaseToken: string): StoredPurchase | undefined;
  /** Google refunds the purchase: it is listed by the Voided Purchases API from now on. */
  voidPurchase(purchaseToken: string): void;
  /** While true, consume is answered 503, as when Google has an outage. */
  consumeDown: boolean;
  /** An OIDC token as Pub/Sub signs it for a push subscription; `claims` replace the defaults, `signingKey` forges it. */
  pushToken(claims: Record<string, unknown>, options?: { signingKey?: KeyObject; kid?: string }): string;
  close(): Promise<void>;
}

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string): Record<string, unknown> => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as Record<string, unknown>;
const THIRTY_DAYS_MS = 30 * 86_400_000;

/**
 * Google as its documentation describes it, for the calls Ovation makes: OAuth 2.0 for service
 * accounts (POST /token, a JWT bearer assertion signed RS256 by the account's key, for the
 * androidpublisher scope, exchanged for an access token of an hour); the Google Play Developer API's
 * purchases.products get, acknowledge and consume, and purchases.voidedpurchases list (from at most 30
 * days back, paged by token), each refused 401 without a token it issued; and Google's OIDC signing
 * keys (GET /oauth2/v3/certs), with which it signs Pub/Sub push tokens.
 */
export async function startFakeGooglePlay(options: FakeGooglePlayOptions): Promise<FakeGooglePlay> {
  const purchases = new Map<string, StoredPurchase>();
  const accessTokens = new Set<string>();
  const calls: FakeGooglePlay['calls'] = [];
  const pageSize = options.voidedPageSize ?? 2;
  const oidcKey = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const oidcKid = randomBytes(20).toString('hex');
  let baseUrl = '';

  const googleError = (code: number, reason: string, message: string) => ({ error: { code, message, errors: [{ domain: 'androidpublisher', reason, message }] } });

  function assertionRefusal(form: URLSearchParams): string | null {
    if (form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return 'grant_type';
    const parts = (form.get('assertion') ?? '').split('.');
    if (parts.length !== 3) return 'no assertion';
    const [head, body, signature] = parts as [string, string, string];
    const header = decode(head);
    const claims = decode(body);
    if (header.alg !== 'RS256') return `header ${JSON.stringify(header)}`;
    if (!verify('sha256', Buffer.from(`${head}.${body}`), options.serviceAccountPublicKey, Buffer.from(signature, 'base64url'))) return 'bad signature';
    if (claims.iss !== options.serviceAccountEmail || claims.aud !== `${baseUrl}/token` || claims.scope !== 'https://www.googleapis.com/auth/androidpublisher')
      return `claims ${JSON.stringify(claims)}`;
    const [issuedAt, expires] = [Number(claims.iat), Number(claims.exp)];
    if (!(expires > issuedAt && expires - issuedAt <= 3600)) return 'lifetime over an hour';
    return null;
  }

  const server = createServer((request: IncomingMessage, response) => {
    let raw = '';
    request.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', 'http://fake');
      const answer = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
        response.writeHead(status, body === undefined ? headers : { 'content-type': 'application/json', ...headers });
        response.end(body === undefined ? '' : JSON.stringify(body));
      };
      const record = (refused: string | null) => calls.push({ method: request.method ?? '', path: url.pathname, refused });

      if (request.method === 'GET' && url.pathname === '/oauth2/v3/certs') {
        record(null);
        return answer(200, { keys: [{ ...oidcKey.publicKey.export({ format: 'jwk' }), kid: oidcKid, alg: 'RS256', use: 'sig' }] }, { 'cache-control': 'public, max-age=21600' });
      }
      if (request.method === 'POST' && url.pathname === '/token') {
        const refused = assertionRefusal(new URLSearchParams(raw));
        record(refused);
        if (refused !== null) return answer(400, { error: 'invalid_grant', error_description: 'Invalid JWT Signature.' });
        const token = `ya29.${randomBytes(24).toString('base64url')}`;
        accessTokens.add(token);
        return answer(200, { access_token: token, expires_in: 3599, token_type: 'Bearer' });
      }

      const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
      if (bearer === undefined || !accessTokens.has(bearer)) {
        record('no access token it issued');
        return answer(401, { error: { code: 401, message: 'Request had invalid authentication credentials.', status: 'UNAUTHENTICATED' } });
      }
      record(null);
      const application = `/androidpublisher/v3/applications/${encodeURIComponent(options.packageName)}`;
      const product = new RegExp(`^${application.replace(/\./g, '\\.')}/purchases/products/([^/]+)/tokens/([^/:]+)(:acknowledge|:consume)?$`).exec(url.pathname);
      if (product) {
        const purchase = purchases.get(decodeURIComponent(product[2]!));
        if (purchase === undefined) return answer(404, googleError(404, 'purchaseTokenNotFound', 'The purchase token was not found.'));
        if (purchase.productId !== decodeURIComponent(product[1]!)) return answer(400, googleError(400, 'purchaseTokenDoesNotMatchProductId', 'The purchase token does not match the product ID.'));
        const action = product[3];
        if (request.method === 'GET' && action === undefined) {
          const { voidedTimeMillis: _voided, purchaseTimeMillis, ...shown } = purchase;
          return answer(200, { kind: 'androidpublisher#productPurchase', ...shown, purchaseTimeMillis: String(purchaseTimeMillis) });
        }
        if (request.method === 'POST' && action === ':acknowledge') {
          if (purchase.purchaseState !== 0) return answer(400, googleError(400, 'invalid', 'The purchase is not in a valid state to perform the desired operation.'));
          purchase.acknowledgementState = 1;
          return answer(204);
        }
        if (request.method === 'POST' && action === ':consume') {
          if (fake.consumeDown) return answer(503, { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } });
          if (purchase.consumptionState === 1 || purchase.purchaseState !== 0) return answer(400, googleError(400, 'productNotOwnedByUser', 'The product purchase is not owned by the user.'));
          purchase.consumptionState = 1;
          purchase.acknowledgementState = 1;
          return answer(204);
        }
      }
      if (request.method === 'GET' && url.pathname === `${application}/purchases/voidedpurchases`) {
        const startTime = Number(url.searchParams.get('startTime') ?? Date.now() - THIRTY_DAYS_MS);
        if (startTime < Date.now() - THIRTY_DAYS_MS) return answer(400, googleError(400, 'invalid', 'Start time is too far in the past.'));
        const voided = [...purchases.values()].filter((each) => each.voidedTimeMillis !== undefined && each.voidedTimeMillis >= startTime).sort((a, b) => a.voidedTimeMillis! - b.voidedTimeMillis!);
        const start = Number(url.searchParams.get('token') ?? '0');
        const page = voided.slice(start, start + pageSize);
        return answer(200, {
          pageInfo: { totalResults: page.length, resultPerPage: pageSize, startIndex: start },
          ...(start + pageSize < voided.length ? { tokenPagination: { nextPageToken: String(start + pageSize) } } : {}),
          voidedPurchases: page.map((each) => ({
            kind: 'androidpublisher#voidedPurchase',
            purchaseToken: each.purchaseToken,
            orderId: each.orderId,
            purchaseTimeMillis: String(each.purchaseTimeMillis),
            voidedTimeMillis: String(each.voidedTimeMillis),
            voidedSource: 0,
            voidedReason: 1,
          })),
        });
      }
      return answer(404, googleError(404, 'notFound', 'Not found.'));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const fake: FakeGooglePlay = {
    consumeDown: false,
    url: baseUrl,
    tokenUrl: `${baseUrl}/token`,
    certsUrl: `${baseUrl}/oauth2/v3/certs`,
    calls,
    purchase({ productId, regionCode = 'US', purchaseType, purchaseState = 0, quantity = 1, accountToken }) {
      // Purchase tokens are long opaque strings; order ids look like GPA.1234-5678-9012-34567.
      const purchaseToken = `${randomBytes(12).toString('hex')}.AO-J1O${randomBytes(48).toString('base64url')}`;
      const orderId = `GPA.${randomInt(1000, 9999)}-${randomInt(1000, 9999)}-${randomInt(1000, 9999)}-${randomInt(10000, 99999)}`;
      const purchaseTimeMillis = Date.now();
      purchases.set(purchaseToken, {
        productId,
        orderId,
        purchaseToken,
        purchaseTimeMillis,
        purchaseState,
        consumptionState: 0,
        acknowledgementState: 0,
        ...(purchaseType === undefined ? {} : { purchaseType }),
        quantity,
        regionCode,
        ...(accountToken === undefined ? {} : { obfuscatedExternalAccountId: accountToken }),
      });
      // Play Billing's Purchase.getOriginalJson().
      const receipt = JSON.stringify({
        orderId,
        packageName: options.packageName,
        productId,
        purchaseTime: purchaseTimeMillis,
        purchaseState: purchaseState === 2 ? 4 : purchaseState,
        purchaseToken,
        quantity,
        acknowledged: false,
        ...(accountToken === undefined ? {} : { obfuscatedAccountId: accountToken }),
      });
      return { receipt, purchaseToken, orderId };
    },
    stateOf: (purchaseToken) => purchases.get(purchaseToken),
    voidPurchase(purchaseToken) {
      const purchase = purchases.get(purchaseToken);
      if (purchase === undefined) throw new Error(`no purchase ${purchaseToken}`);
      purchase.purchaseState = 1;
      purchase.voidedTimeMillis = Date.now();
    },
    pushToken(claims, { signingKey = oidcKey.privateKey, kid = oidcKid } = {}) {
      const issuedAt = Math.floor(Date.now() / 1000);
      const signingInput = `${encode({ alg: 'RS256', kid, typ: 'JWT' })}.${encode({
        iss: 'https://accounts.google.com',
        azp: '113774264463038321964',
        sub: '113774264463038321964',
        email_verified: true,
        iat: issuedAt,
        exp: issuedAt + 3600,
        ...claims,
      })}`;
      return `${signingInput}.${sign('sha256', Buffer.from(signingInput), signingKey).toString('base64url')}`;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  return fake;
}
