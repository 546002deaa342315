import type { FastifyInstance, FastifyRequest } from 'fastify';
import { CSRF_HEADER, sameSecret, SESSION_COOKIE, type Access, type Principal } from '../accounts/index.js';
import { DomainError } from '../shared/errors.js';

/**
 * The one place that says which role (Access) may call which route; routes in RECENT_TWO_FACTOR_ROUTES
 * also need a session that proved two-factor recently. A route missing
 * here fails the server at startup, so none can ship without a rule.
 */
export const ROUTE_ACCESS: Readonly<Record<string, Access>> = {
  'GET /healthz': 'public',
  'GET /readyz': 'public',
  // Prometheus's scrape: the route checks METRICS_TOKEN itself, and no session opens it.
  'GET /metrics': 'public',
  'GET /api/openapi.json': 'public',
  'GET /api/v1/dev/mailbox': 'public',

  'POST /api/v1/auth/signup': 'public',
  'POST /api/v1/auth/login': 'public',
  'POST /api/v1/auth/verify-email': 'public',
  'POST /api/v1/auth/password-reset': 'public',
  'POST /api/v1/auth/password-reset/confirm': 'public',
  'POST /api/v1/auth/logout': 'user',

  'GET /api/v1/me': 'user',
  'GET /api/v1/wallet': 'user',
  'GET /api/v1/wallet/transactions': 'user',
  'POST /api/v1/me/password': 'user',
  'POST /api/v1/me/email/verification': 'user',
  'GET /api/v1/me/sessions': 'user',
  'DELETE /api/v1/me/sessions/:id': 'user',
  'POST /api/v1/me/two-factor/setup': 'user',
  'POST /api/v1/me/two-factor/confirm': 'user',
  'POST /api/v1/me/two-factor/disable': 'user',
  'POST /api/v1/me/two-factor/verify': 'user',
  'GET /api/v1/me/activity': 'user',
  'POST /api/v1/me/report-unauthorized-activity': 'user',
  'GET /api/v1/me/closure': 'user',
  'POST /api/v1/me/close': 'user',
  'GET /api/v1/me/export': 'user',

  'POST /api/v1/creator/apply': 'user',
  'POST /api/v1/creator/identity': 'creator',
  'GET /api/v1/creator/identity': 'creator',
  'GET /api/v1/admin/identity-checks': 'admin',
  'POST /api/v1/admin/identity-checks/:id/decision': 'admin',
  'POST /api/v1/admin/identity-checks/:id/revoke': 'admin',
  'GET /api/v1/creator/payout-methods': 'creator',
  'POST /api/v1/creator/payout-methods': 'creator',
  'DELETE /api/v1/creator/payout-methods/:id': 'creator',
  'GET /api/v1/creator/earnings': 'creator',
  'GET /api/v1/users/:handle/subscription-tiers': 'public',
  'GET /api/v1/creator/subscription-tiers': 'creator',
  'PUT /api/v1/creator/subscription-tiers': 'creator',
  'GET /api/v1/creator/subscribers': 'creator',
  'POST /api/v1/subscriptions': 'user',
  'POST /api/v1/lives/:id/subscription-gifts': 'user',
  'GET /api/v1/subscriptions': 'user',
  'GET /api/v1/subscriptions/:id': 'user',
  'POST /api/v1/subscriptions/:id/cancel': 'user',
  'POST /api/v1/subscriptions/:id/resume': 'user',
  'POST /api/v1/subscriptions/:id/tier': 'user',
  'POST /api/v1/subscriptions/:id/renew': 'user',
  'POST /api/v1/subscriptions/:id/payment-method': 'user',
  'GET /api/v1/admin/subscriptions': 'admin',
  'POST /api/v1/admin/subscriptions/:id/cancel': 'admin',
  'GET /api/v1/premium': 'public',
  'POST /api/v1/premium': 'user',
  'PUT /api/v1/admin/premium': 'admin',
  'GET /api/v1/me/entitlements': 'user',
  'GET /api/v1/admin/users/:id/entitlements': 'admin',
  'GET /api/v1/creator/content': 'creator',
  'PUT /api/v1/creator/content/:contentId': 'creator',
  'DELETE /api/v1/creator/content/:contentId': 'creator',
  'POST /api/v1/content/:creatorId/:contentId/unlock': 'user',
  'GET /api/v1/content/:creatorId/:contentId/access': 'user',
  'GET /api/v1/admin/content/:creatorId/:contentId/access': 'admin',
  'GET /api/v1/creator/statements': 'creator',
  'GET /api/v1/creator/statements/:month': 'creator',
  'GET /api/v1/creator/rate-card': 'creator',
  'GET /api/v1/me/tax-profile': 'creator',
  'PUT /api/v1/me/tax-profile': 'creator',
  'GET /api/v1/me/tax-years/:year': 'creator',
  'GET /api/v1/admin/diamond-values': 'admin',
  'POST /api/v1/admin/diamond-values': 'admin',
  'GET /api/v1/admin/finance/balances': 'admin',
  'GET /api/v1/admin/finance/report': 'admin',
  'POST /api/v1/admin/goodwill-grants': 'admin',
  'GET /api/v1/admin/goodwill-grants': 'admin',
  'GET /api/v1/admin/goodwill-grants/:id': 'admin',
  'POST /api/v1/admin/goodwill-grants/:id/approve': 'admin',
  'POST /api/v1/admin/goodwill-grants/:id/reject': 'admin',
  'GET /api/v1/admin/tax-rates': 'admin',
  'POST /api/v1/admin/tax-rates': 'admin',
  'GET /api/v1/admin/finance/tax': 'admin',
  'GET /api/v1/users/:handle': 'public',
  'PUT /api/v1/users/:handle/follow': 'user',
  'DELETE /api/v1/users/:handle/follow': 'user',

  'POST /api/v1/lives/:id/gifts': 'user',
  'POST /api/v1/lives/:id/paid-messages': 'user',
  'POST /api/v1/lives/:id/cheers': 'user',
  'POST /api/v1/users/:handle/gifts': 'user',
  'GET /api/v1/lives/:id/top-gifters': 'public',
  'POST /api/v1/lives/:id/tickets': 'user',
  // WebSocket addresses: anyone may watch a room; signing in happens through a ticket, an overlay through its key.
  'GET /api/v1/lives/:id/ws': 'public',
  'GET /api/v1/overlay/:handle/ws': 'public',
  'GET /api/v1/users/:handle/top-gifters': 'public',
  'GET /api/v1/rankings/creators': 'public',
  'POST /api/v1/lives/:id/guests': 'creator',
  'POST /api/v1/lives/:id/guests/accept': 'creator',
  'POST /api/v1/lives/:id/guests/:userId/leave': 'creator',
  'GET /api/v1/lives/:id/stage': 'public',
  'POST /api/v1/battles': 'creator',
  'POST /api/v1/battles/:id/accept': 'creator',
  'POST /api/v1/battles/:id/decline': 'creator',
  'GET /api/v1/battles/:id': 'public',
  'GET /api/v1/lives/:id/battle': 'public',
  'GET /api/v1/rankings/creators/:handle/gifters': 'public',
  'GET /api/v1/me/gifter-level': 'user',

  'GET /api/v1/store/packages': 'public',
  'GET /api/v1/store/custom-price': 'public',
  'GET /api/v1/gifts': 'public',
  'POST /api/v1/lives': 'creator',
  'GET /api/v1/lives': 'public',
  'GET /api/v1/lives/:id': 'public',
  'GET /api/v1/lives/:id/summary': 'public',
  'POST /api/v1/lives/:id/heartbeat': 'creator',
  'POST /api/v1/lives/:id/end': 'creator',
  // The live's creator or an admin: decided by the live, since an admin need not be a creator.
  'PUT /api/v1/lives/:id/chat-mode': 'user',
  'GET /api/v1/lives/:id/goal': 'public',
  'PUT /api/v1/lives/:id/goal': 'creator',
  'DELETE /api/v1/lives/:id/goal': 'creator',
  'PUT /api/v1/creator/fan-club': 'creator',
  'GET /api/v1/creators/:handle/fan-club': 'public',
  'GET /api/v1/creators/:handle/fan-club/me': 'user',
  'GET /api/v1/me/overlay': 'creator',
  'POST /api/v1/me/overlay/rotate': 'creator',
  'GET /api/v1/me/live': 'creator',
  'GET /api/v1/me/stream': 'creator',
  'POST /api/v1/me/stream/key': 'creator',
  // The media server's callbacks: the route checks STREAM_CALLBACK_SECRET itself, and no session opens it.
  'POST /api/v1/streams/events/:event': 'public',
  // The overlay page checks its key itself and answers the same 404 to every wrong guess.
  'GET /overlay/:creatorHandle': 'public',
  'GET /overlay/assets/overlay.js': 'public',
  'GET /overlay/assets/overlay.css': 'public',
  'POST /api/v1/orders': 'user',
  'GET /api/v1/orders': 'user',
  'GET /api/v1/orders/:id': 'user',
  'POST /api/v1/orders/:id/check': 'user',
  'GET /api/v1/orders/:id/receipt': 'user',
  'POST /api/v1/orders/app-receipts': 'user',
  'GET /api/v1/me/app-account-token': 'user',
  'GET /api/v1/me/budget': 'user',
  'PUT /api/v1/me/budget': 'user',
  'POST /api/v1/me/cards': 'user',
  'GET /api/v1/me/cards': 'user',
  'DELETE /api/v1/me/cards/:id': 'user',
  'POST /api/v1/sandbox/app-store/purchases': 'user',
  'POST /api/v1/sandbox/checkout/:orderId': 'user',
  'POST /api/v1/sandbox/checkout/:orderId/challenge': 'user',
  // Authenticated by the provider's signature over the body, not by a session.
  'POST /api/v1/webhooks/sandbox': 'public',
  'POST /api/v1/webhooks/stripe': 'public',
  'POST /api/v1/webhooks/apple': 'public',
  // Authenticated by the OIDC token Pub/Sub signs for the push subscription.
  'POST /api/v1/webhooks/google-play': 'public',
  'POST /api/v1/webhooks/wise': 'public',
  'POST /api/v1/webhooks/paypal': 'public',

  'GET /api/v1/admin/store/packages': 'admin',
  'PUT /api/v1/admin/store/packages/:id': 'admin',
  'POST /api/v1/admin/store/packages/:id/enabled': 'admin',
  'GET /api/v1/admin/store/promotions': 'admin',
  'PUT /api/v1/admin/store/promotions/:id': 'admin',
  'GET /api/v1/admin/gifts': 'admin',
  'PUT /api/v1/admin/gifts/:id': 'admin',
  'POST /api/v1/admin/gifts/:id/status': 'admin',
  'PUT /api/v1/admin/creators/:id/tier': 'admin',
  'POST /api/v1/admin/lives/:id/end': 'admin',
  'GET /api/v1/admin/orders': 'admin',
  'GET /api/v1/admin/orders/:id': 'admin',
  'POST /api/v1/admin/orders/:id/refund': 'admin',
  'GET /api/v1/admin/users': 'admin',
  'GET /api/v1/admin/users/:id': 'admin',
  'GET /api/v1/admin/users/:id/activity': 'admin',
  'POST /api/v1/admin/users/:id/restrictions': 'admin',
  'POST /api/v1/admin/users/:id/restrictions/:kind/lift': 'admin',
  'POST /api/v1/admin/users/:id/creator': 'admin',
  'GET /api/v1/admin/cases': 'admin',
  'POST /api/v1/admin/cases/:id/resolve': 'admin',
  'POST /api/v1/admin/webhooks': 'admin',
  'GET /api/v1/admin/webhooks': 'admin',
  'GET /api/v1/admin/webhooks/:id': 'admin',
  'PATCH /api/v1/admin/webhooks/:id': 'admin',
  'DELETE /api/v1/admin/webhooks/:id': 'admin',
  'POST /api/v1/admin/webhooks/:id/rotate-secret': 'admin',
  'GET /api/v1/admin/webhooks/:id/deliveries': 'admin',
  'POST /api/v1/admin/webhooks/:id/test': 'admin',
  'POST /api/v1/admin/webhook-deliveries/:id/retry': 'admin',

  'GET /api/v1/payouts/rules': 'creator',
  'POST /api/v1/payouts/quotes': 'creator',
  'POST /api/v1/payouts': 'creator',
  'GET /api/v1/payouts': 'creator',
  'GET /api/v1/payouts/:id': 'creator',
  'GET /api/v1/admin/payouts': 'admin',
  'GET /api/v1/admin/payouts/:id': 'admin',
  'POST /api/v1/admin/payouts/:id/approve': 'admin',
  'POST /api/v1/admin/payouts/:id/reject': 'admin',
  'GET /api/v1/admin/creators/:id/risk': 'admin',
  'POST /api/v1/admin/audit': 'admin',

  // The web app's pages and built files (src/web/): every GET no other route claims.
  'GET /*': 'public',
};

/**
 * Routes that send money out, or say where it goes: besides their role they
 * need a session that proved two-factor within TWO_FACTOR_RECENT_MINUTES.
 */
export const RECENT_TWO_FACTOR_ROUTES: ReadonlySet<string> = new Set(['POST /api/v1/creator/payout-methods', 'POST /api/v1/payouts']);

/**
 * Routes that change state but may take the session from memory: payments to creators, which hand the
 * ledger the authorization version the session was read under, so a session ended in any process
 * never spends. Reads take it from memory too; every other change asks the database.
 */
const CACHED_SESSION_ROUTES: ReadonlySet<string> = new Set([
  'POST /api/v1/lives/:id/gifts',
  'POST /api/v1/users/:handle/gifts',
  'POST /api/v1/lives/:id/paid-messages',
  'POST /api/v1/lives/:id/cheers',
  'POST /api/v1/content/:creatorId/:contentId/unlock',
]);

/** Routes under these prefixes are the browsable API docs: public, static. */
const PUBLIC_PREFIXES = ['/api/docs'];

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function accessOf(method: string, url: string, extra: Readonly<Record<string, Access>> = {}): Access | undefined {
  const key = `${method === 'HEAD' ? 'GET' : method} ${url}`;
  return ROUTE_ACCESS[key] ?? extra[key] ?? (PUBLIC_PREFIXES.some((prefix) => url === prefix || url.startsWith(`${prefix}/`)) ? 'public' : undefined);
}

function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw DomainError.unauthenticated('invalid_authorization', 'The Authorization header must be "Bearer <token>".');
  return match[1];
}

/**
 * Authenticates every request (bearer token, or the session cookie with a
 * CSRF header on state changes) and enforces ROUTE_ACCESS before the body is
 * even read, so a refused caller learns nothing about the route's input.
 */
export function installAccessControl(
  app: FastifyInstance,
  authenticate: {
    /** From the database. */
    fresh: (token: string) => Promise<Principal | undefined>;
    /** From memory when recently seen and unchanged. */
    cached: (token: string) => Promise<Principal | undefined>;
  },
  /** Rules for routes an embedding application adds after buildServer. */
  extraAccess: Readonly<Record<string, Access>> = {},
): void {
  app.decorateRequest('principal', null);

  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (accessOf(method, route.url, extraAccess) === undefined) throw new Error(`route ${method} ${route.url} has no entry in ROUTE_ACCESS (src/server/access.ts)`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const url = request.routeOptions.url;
    if (url === undefined) return; // no route: the not-found handler answers
    const access = accessOf(request.method, url, extraAccess) ?? 'admin';

    const bearer = bearerToken(request);
    const cookie = bearer === undefined ? request.cookies[SESSION_COOKIE] : undefined;
    const token = bearer ?? cookie;
    const cached = SAFE_METHODS.has(request.method) || CACHED_SESSION_ROUTES.has(`${request.method} ${url}`);
    const principal = token === undefined ? undefined : await (cached ? authenticate.cached : authenticate.fresh)(token);
    if (principal && cookie !== undefined && !SAFE_METHODS.has(request.method)) {
      // A cookie rides along on any cross-site request; only our own page can read the CSRF token to echo it.
      const echoed = request.headers[CSRF_HEADER];
      if (typeof echoed !== 'string' || !sameSecret(echoed, principal.csrfToken)) {
        if (access !== 'public') throw DomainError.forbidden('csrf_token_invalid', `Requests authenticated by cookie must send the ${CSRF_HEADER} header.`);
        return; // public route: proceed as anonymous
      }
    }
    request.principal = principal ?? null;

    if (access === 'public') return;
    if (!principal) {
      throw token === undefined
        ? DomainError.unauthenticated('authentication_required', 'Sign in to use this route: send Authorization: Bearer <token>.')
        : DomainError.unauthenticated('session_invalid', 'The session has ended or was revoked; sign in again.');
    }
    if (access === 'creator' && !principal.roles.includes('creator')) throw DomainError.forbidden('role_required', 'Only creators can use this route.');
    if (access === 'admin') {
      if (!principal.roles.includes('admin')) throw DomainError.forbidden('role_required', 'Only admins can use this route.');
      if (!principal.twoFactorVerified) {
        throw DomainError.forbidden('two_factor_required', 'Admin routes need a session signed in with two-factor authentication.');
      }
    }
    if (RECENT_TWO_FACTOR_ROUTES.has(`${request.method} ${url}`)) {
      if (!principal.twoFactorEnabled) {
        throw DomainError.forbidden('two_factor_required', 'Turn on two-factor authentication before adding a payout method or cashing out.');
      }
      if (!principal.twoFactorRecent) {
        throw DomainError.forbidden(
          'two_factor_recent_required',
          'Adding a payout method or cashing out needs two-factor proven in this session in the last few minutes: send a current code from your authenticator app (or a recovery code) to POST /api/v1/me/two-factor/verify, then try again.',
        );
      }
    }
  });
}
