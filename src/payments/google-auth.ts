import { createPrivateKey, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { WebhookSignatureError } from '../shared/signatures.js';
import { jsonOf } from './app-store.js';
import type { ServiceAccountKey } from './app-store-config.js';

/** A call to Google (its token endpoint, an API, its public keys) that Google refused or could not answer. */
export class GoogleApiError extends Error {
  override readonly name = 'GoogleApiError';
  constructor(
    readonly status: number,
    /** Google's reason for the error (`purchaseTokenNotFound`, `invalid_grant`), when it gave one. */
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
  }
}

/** How long a call to Google may take. */
const GOOGLE_TIMEOUT_MS = 10_000;
/** How long an assertion lives: Google accepts up to an hour. */
const ASSERTION_LIFETIME_SECONDS = 3600;
/** An access token is renewed this long before Google says it expires, so none expires in flight. */
const RENEW_BEFORE_EXPIRY_MS = 60_000;
/** How far apart Google's clock and this server's may be when a token's times are checked, as Google's own libraries allow. */
const CLOCK_SKEW_SECONDS = 300;
/** How long Google's public keys are kept when its answer does not say. */
const DEFAULT_CERTS_MAX_AGE_MS = 3_600_000;
/** A token signed by a key not in the set refetches the set at most this often, so forged tokens cannot make the server hammer Google. */
const CERTS_REFETCH_MS = 60_000;
/** The issuers of Google's OIDC tokens. */
const GOOGLE_ISSUERS = new Set(['https://accounts.google.com', 'accounts.google.com']);

const encode = (value: object): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Sends a request to Google and reads its JSON answer; a refusal throws GoogleApiError with Google's reason. */
export async function callGoogle(url: string, init: RequestInit, what: string): Promise<unknown> {
  const response = await fetch(url, { ...init, signal: AbortSignal.any([AbortSignal.timeout(GOOGLE_TIMEOUT_MS), ...(init.signal ? [init.signal] : [])]) });
  const json = await jsonOf(response);
  if (response.ok) return json;
  // The APIs answer { error: { code, message, errors: [{ reason }] } }; the token endpoint { error, error_description }.
  const body = (json ?? {}) as { error?: string | { message?: string; errors?: { reason?: string }[] }; error_description?: string };
  const reason = typeof body.error === 'string' ? body.error : body.error?.errors?.[0]?.reason;
  const detail = typeof body.error === 'string' ? body.error_description : body.error?.message;
  throw new GoogleApiError(response.status, reason, `${what} answered ${response.status}${reason ? ` (${reason}${detail ? `: ${detail}` : ''})` : ''}`);
}

/**
 * Access tokens for a service account (OAuth 2.0 for server-to-server applications): a JWT the
 * account's key signs (RS256) is exchanged at Google's token endpoint, and the token is kept until
 * shortly before it expires. Callers at the same moment share one exchange.
 */
export function createServiceAccountTokens(options: { key: ServiceAccountKey; scope: string; now: () => Date }): { accessToken(): Promise<string>; forget(token: string): void } {
  const privateKey: KeyObject = createPrivateKey(options.key.privateKey);
  let current: { token: string; renewAtMs: number } | undefined;
  let exchanging: Promise<string> | undefined;

  async function exchange(): Promise<string> {
    const issuedAt = Math.floor(options.now().getTime() / 1000);
    const signingInput = `${encode({ alg: 'RS256', typ: 'JWT', kid: options.key.privateKeyId })}.${encode({
      iss: options.key.clientEmail,
      scope: options.scope,
      aud: options.key.tokenUri,
      iat: issuedAt,
      exp: issuedAt + ASSERTION_LIFETIME_SECONDS,
    })}`;
    const assertion = `${signingInput}.${sign('sha256', Buffer.from(signingInput), privateKey).toString('base64url')}`;
    let answer;
    try {
      answer = (await callGoogle(
        options.key.tokenUri,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion }).toString(),
        },
        "Google's token endpoint",
      )) as { access_token?: unknown; expires_in?: unknown };
    } catch (error) {
      if (error instanceof GoogleApiError && error.status >= 400 && error.status < 500) {
        throw new GoogleApiError(error.status, error.reason, `${error.message}: check GOOGLE_PLAY_SERVICE_ACCOUNT_KEY`);
      }
      throw error;
    }
    if (typeof answer?.access_token !== 'string' || typeof answer.expires_in !== 'number') throw new GoogleApiError(502, undefined, "Google's token endpoint answered no access token");
    current = { token: answer.access_token, renewAtMs: options.now().getTime() + answer.expires_in * 1000 - RENEW_BEFORE_EXPIRY_MS };
    return answer.access_token;
  }

  return {
    async accessToken() {
      if (current !== undefined && options.now().getTime() < current.renewAtMs) return current.token;
      exchanging ??= exchange().finally(() => (exchanging = undefined));
      return exchanging;
    },
    /** A token Google refused (revoked, or the key's permissions changed) is not used again. */
    forget(token) {
      if (current?.token === token) current = undefined;
    },
  };
}

/**
 * Verifies the OIDC token Pub/Sub sends with a push request (`Authorization: Bearer <JWT>`): signed
 * RS256 by one of Google's public keys (a JWK set, kept as long as Google's answer allows), issued by
 * Google, for `audience`, naming the service account `email` as verified, and not expired. Throws
 * WebhookSignatureError saying what did not hold.
 */
export function createPushTokenVerifier(options: { certsUrl: string; audience: string; email: string; now: () => Date }): { verify(authorization: string | undefined): Promise<void> } {
  let keys = new Map<string, KeyObject>();
  let fetchedAtMs = -Infinity;
  let expiresAtMs = -Infinity;
  let fetching: Promise<void> | undefined;

  async function fetchKeys(): Promise<void> {
    const response = await fetch(options.certsUrl, { signal: AbortSignal.timeout(GOOGLE_TIMEOUT_MS) });
    if (!response.ok) throw new GoogleApiError(response.status, undefined, `Google's public keys (${options.certsUrl}) answered ${response.status}`);
    const set = (await response.json()) as { keys?: (JsonWebKey & { kid?: string })[] };
    const found = new Map<string, KeyObject>();
    for (const jwk of set.keys ?? []) {
      if (typeof jwk.kid === 'string' && jwk.kty === 'RSA') found.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
    }
    const maxAge = /max-age=(\d+)/.exec(response.headers.get('cache-control') ?? '');
    fetchedAtMs = options.now().getTime();
    expiresAtMs = fetchedAtMs + (maxAge ? Number(maxAge[1]) * 1000 : DEFAULT_CERTS_MAX_AGE_MS);
    keys = found;
  }

  async function keyFor(kid: string): Promise<KeyObject | undefined> {
    const nowMs = options.now().getTime();
    if (nowMs >= expiresAtMs || (!keys.has(kid) && nowMs - fetchedAtMs >= CERTS_REFETCH_MS)) {
      fetching ??= fetchKeys().finally(() => (fetching = undefined));
      await fetching;
    }
    return keys.get(kid);
  }

  const refuse = (why: string): never => {
    throw new WebhookSignatureError(`The push request was refused: ${why}.`);
  };

  return {
    async verify(authorization) {
      const match = /^Bearer ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(authorization ?? '');
      if (!match) return refuse('it carries no bearer token (turn on authentication in the push subscription)');
      const [, encodedHeader, encodedClaims, encodedSignature] = match as unknown as [string, string, string, string];
      let header: { alg?: unknown; kid?: unknown };
      let claims: { iss?: unknown; aud?: unknown; email?: unknown; email_verified?: unknown; exp?: unknown; iat?: unknown };
      try {
        header = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8')) as typeof header;
        claims = JSON.parse(Buffer.from(encodedClaims, 'base64url').toString('utf8')) as typeof claims;
      } catch {
        return refuse('its token cannot be read');
      }
      if (header.alg !== 'RS256' || typeof header.kid !== 'string') return refuse(`its token is signed with ${String(header.alg)}, not RS256 by a key Google names`);
      const key = await keyFor(header.kid);
      if (key === undefined) return refuse(`its token is signed by the key ${header.kid}, which is not one of Google's`);
      if (!verify('sha256', Buffer.from(`${encodedHeader}.${encodedClaims}`), key, Buffer.from(encodedSignature, 'base64url'))) return refuse("its token's signature does not match its content");
      if (!GOOGLE_ISSUERS.has(String(claims.iss))) return refuse(`its token was issued by ${String(claims.iss)}, not Google`);
      if (claims.aud !== options.audience) return refuse(`its token is for the audience ${String(claims.aud)}, not ${options.audience}`);
      if (claims.email !== options.email || claims.email_verified !== true) return refuse(`its token names the account ${String(claims.email)}, not ${options.email}`);
      const nowSeconds = options.now().getTime() / 1000;
      if (typeof claims.exp !== 'number' || nowSeconds > claims.exp + CLOCK_SKEW_SECONDS) return refuse('its token expired');
      if (typeof claims.iat !== 'number' || claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return refuse('its token was issued in the future');
    },
  };
}
