import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { LightMyRequestResponse } from 'fastify';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createSignedInAdmin, logIn, signUpAndLogIn, signUpCreator, STRONG_PASSWORD, totpCode, uniqueEmail, type SignedInUser } from '../accounts/testing/users.js';
import { createTestApp, type TestApp } from './testing/app.js';
import { CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE, type Access } from '../accounts/index.js';
import { accessOf, RECENT_TWO_FACTOR_ROUTES, ROUTE_ACCESS } from './access.js';

/** Routes with a rule that the OpenAPI document leaves out on purpose (or only lists outside production). */
const HIDDEN_ROUTES = [
  'GET /api/openapi.json',
  'GET /api/v1/dev/mailbox',
  // The web app's pages and files (src/web/): not API operations.
  'GET /*',
];
/**
 * Routes registered only under some configuration: the Stripe webhook with PAYMENT_PROVIDER=stripe (see stripe.test.ts), Apple's with APP_STORE_PROVIDER=apple (apple.test.ts), Google Play's with APP_STORE_PROVIDER=google (google-play.test.ts), Wise's with PAYOUT_PROVIDER=wise (wise.test.ts), PayPal's with PAYOUT_PROVIDER=paypal (paypal.test.ts);
 * the media server's stream callbacks with STREAM_CALLBACK_SECRET (streams.test.ts); Prometheus's scrape with METRICS_TOKEN
 * (metrics.test.ts), which is not an API operation either.
 */
const CONFIGURED_ROUTES = [
  'POST /api/v1/webhooks/stripe',
  'POST /api/v1/webhooks/apple',
  'POST /api/v1/webhooks/google-play',
  'POST /api/v1/webhooks/wise',
  'POST /api/v1/webhooks/paypal',
  'POST /api/v1/streams/events/:event',
  'GET /metrics',
];
/** Routes the matrix calls besides the documented ones: the hidden ones, and the browsable docs (public by prefix). */
const UNDOCUMENTED_ROUTES = [...HIDDEN_ROUTES, 'GET /api/docs/json'];

/** Codes that mean "access control refused the caller": an allowed caller must never see them. */
const ACCESS_REFUSALS = ['authentication_required', 'role_required', 'session_invalid', 'csrf_token_invalid', 'two_factor_required', 'two_factor_recent_required', 'invalid_authorization'];

/** Routes that end the session they are called with even without a body: allowed callers use a spare session. */
const SESSION_ENDING = new Set(['POST /api/v1/auth/logout']);
/** Routes that would change the account if their handler ran; the matrix's empty body must stop them at validation. */
const DESTRUCTIVE = ['POST /api/v1/me/close', 'POST /api/v1/me/report-unauthorized-activity', 'POST /api/v1/me/password', 'POST /api/v1/me/two-factor/disable'];

/** Path parameter values that exist nowhere: allowed callers get a 404 (or 400), which is fine. */
const DUMMY_PARAMS: Record<string, string> = { id: 'usr_doesnotexist', handle: 'doesnotexist' };

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';

interface Caller {
  name: string;
  /** Undefined for the anonymous caller. */
  user: SignedInUser | undefined;
  /** Roles the caller was given when it was made (not read back from the server). */
  roles: readonly ('viewer' | 'creator' | 'admin')[];
  twoFactor: boolean;
  /** Signs the same account in again, for routes that end the calling session. */
  spareSession?: () => Promise<SignedInUser>;
}

interface RouteCase {
  /** `METHOD /fastify/:path`, as ROUTE_ACCESS keys it. */
  key: string;
  method: Method;
  /** The Fastify route pattern, such as `/api/v1/users/:handle`. */
  path: string;
  /** The URL with dummy path parameters. */
  url: string;
  hasBody: boolean;
}

interface OpenApiParameter {
  in: string;
  name: string;
  schema?: { enum?: unknown[]; anyOf?: { enum?: unknown[]; const?: unknown }[] };
}
interface OpenApiOperation {
  parameters?: OpenApiParameter[];
  requestBody?: unknown;
}
type OpenApiDocument = { paths: Record<string, Record<string, OpenApiOperation>> };

/** `{param}` (OpenAPI) to `:param` (Fastify). */
function fastifyPath(openApiPath: string): string {
  return openApiPath.replace(/\{([^}]+)\}/g, ':$1');
}

/** A value the parameter's schema accepts: the first enum member when it has one, else a dummy by name. */
function dummyParam(name: string, parameter: OpenApiParameter | undefined): string {
  const schema = parameter?.schema;
  const choices = schema?.enum ?? schema?.anyOf?.flatMap((option) => option.enum ?? (option.const === undefined ? [] : [option.const]));
  if (choices && choices.length > 0) return String(choices[0]);
  return DUMMY_PARAMS[name] ?? 'doesnotexist';
}

function routeCases(doc: OpenApiDocument): RouteCase[] {
  const cases: RouteCase[] = [];
  for (const [path, operations] of Object.entries(doc.paths)) {
    for (const [lowerMethod, operation] of Object.entries(operations)) {
      const method = lowerMethod.toUpperCase() as Method;
      const route = fastifyPath(path);
      const url = route.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) =>
        encodeURIComponent(
          dummyParam(
            name,
            operation.parameters?.find((parameter) => parameter.in === 'path' && parameter.name === name),
          ),
        ),
      );
      cases.push({ key: `${method} ${route}`, method, path: route, url, hasBody: operation.requestBody !== undefined });
    }
  }
  return cases;
}

/** The refusal access control owes this caller on a route with this rule, or undefined when the caller may call it. */
function expectedRefusal(access: Access, caller: Caller, key: string): { status: number; code: string } | undefined {
  if (access === 'public') return undefined;
  if (caller.user === undefined) return { status: 401, code: 'authentication_required' };
  if (access === 'creator' && !caller.roles.includes('creator')) return { status: 403, code: 'role_required' };
  if (access === 'admin') {
    if (!caller.roles.includes('admin')) return { status: 403, code: 'role_required' };
    if (!caller.twoFactor) return { status: 403, code: 'two_factor_required' };
  }
  // Every caller with two-factor on signed in with it moments ago, so only those without it are refused here.
  if (RECENT_TWO_FACTOR_ROUTES.has(key) && !caller.twoFactor) return { status: 403, code: 'two_factor_required' };
  return undefined;
}

function errorOf(response: LightMyRequestResponse): { type: string; code: string; message: string } | undefined {
  if (response.statusCode < 400 || !/^application\/json/.test(String(response.headers['content-type'] ?? ''))) return undefined;
  return (response.json() as { error?: { type: string; code: string; message: string } }).error;
}

function assertErrorShape(response: LightMyRequestResponse, expected: { status: number; code: string }, context: string) {
  assert.equal(response.statusCode, expected.status, `${context}: expected ${expected.status} ${expected.code}, got ${response.statusCode} ${response.body}`);
  const body = response.json() as unknown;
  assert.ok(body && typeof body === 'object' && 'error' in body, `${context}: expected an error object, got ${response.body}`);
  const { error } = body as { error: Record<string, unknown> };
  assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'type'], `${context}: ${response.body}`);
  assert.equal(error.type, expected.status === 401 ? 'authentication_error' : 'permission_error', context);
  assert.equal(error.code, expected.code, `${context}: ${response.body}`);
  assert.equal(typeof error.message, 'string', context);
  assert.ok((error.message as string).length > 0, context);
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`route access on ${engine}`, { skip }, () => {
    let testApp: TestApp;
    let doc: OpenApiDocument;
    let callers: Caller[];

    const inject = (options: { method: Method | 'HEAD'; url: string; headers?: Record<string, string>; payload?: object }) => testApp.app.inject(options);

    before(async () => {
      testApp = await createTestApp(engine);
      const viewer = await signUpAndLogIn(testApp);
      const creator = await signUpCreator(testApp);
      const admin = await createSignedInAdmin(testApp);
      // An admin who turned two-factor off, signed in with the password alone.
      const lapsedAdmin = await createSignedInAdmin(testApp);
      const disabled = await inject({ method: 'POST', url: '/api/v1/me/two-factor/disable', headers: lapsedAdmin.headers, payload: { code: lapsedAdmin.recoveryCodes[0]! } });
      assert.equal(disabled.statusCode, 200, disabled.body);
      const plainAdmin = await logIn(testApp, lapsedAdmin.email, STRONG_PASSWORD, lapsedAdmin.id);
      const again = (user: SignedInUser) => () => logIn(testApp, user.email, user.password, user.id);

      callers = [
        { name: 'anonymous', user: undefined, roles: [], twoFactor: false },
        { name: 'viewer', user: viewer, roles: ['viewer'], twoFactor: false, spareSession: again(viewer) },
        { name: 'creator', user: creator, roles: ['viewer', 'creator'], twoFactor: false, spareSession: again(creator) },
        {
          name: 'admin',
          user: admin,
          roles: ['viewer', 'admin'],
          twoFactor: true,
          spareSession: async () => {
            // A TOTP code works once per time step: step the clock past the codes already used.
            testApp.clock.advance(30_000);
            return logIn(testApp, admin.email, admin.password, admin.id, { totp: totpCode(testApp, admin.totpSecret, 1) });
          },
        },
        { name: 'admin without two-factor', user: plainAdmin, roles: ['viewer', 'admin'], twoFactor: false, spareSession: again(plainAdmin) },
      ];

      const response = await inject({ method: 'GET', url: '/api/openapi.json' });
      assert.equal(response.statusCode, 200, response.body);
      doc = response.json() as OpenApiDocument;
    });

    after(async () => {
      await testApp?.destroy();
    });

    it('the callers are who the matrix takes them for', async () => {
      for (const caller of callers) {
        if (!caller.user) continue;
        const response = await inject({ method: 'GET', url: '/api/v1/me', headers: caller.user.headers });
        assert.equal(response.statusCode, 200, response.body);
        const { user } = response.json() as { user: { roles: string[]; twoFactorEnabled: boolean } };
        assert.deepEqual([...user.roles].sort(), [...caller.roles].sort(), caller.name);
        assert.equal(user.twoFactorEnabled, caller.twoFactor, caller.name);
      }
    });

    it('every documented operation has a rule, and every rule names a documented or known hidden route', () => {
      const documented = new Set<string>();
      for (const route of routeCases(doc)) {
        documented.add(route.key);
        assert.notEqual(accessOf(route.method, route.path), undefined, `${route.key} has no rule`);
        assert.ok(route.key in ROUTE_ACCESS, `${route.key} is documented but not listed in ROUTE_ACCESS`);
      }
      assert.ok(documented.size >= 30, `only ${documented.size} operations documented`);
      const stale = Object.keys(ROUTE_ACCESS).filter((key) => !documented.has(key) && !HIDDEN_ROUTES.includes(key) && !CONFIGURED_ROUTES.includes(key));
      assert.deepEqual(stale, [], 'ROUTE_ACCESS lists routes the server does not document (removed or renamed?)');
    });

    it('the rules agree with independent expectations', () => {
      const keys = Object.keys(ROUTE_ACCESS);
      const adminKeys = keys.filter((key) => key.split(' ')[1]!.startsWith('/api/v1/admin/'));
      assert.ok(adminKeys.length >= 8, `only ${adminKeys.length} admin routes`);
      for (const key of adminKeys) assert.equal(ROUTE_ACCESS[key], 'admin', key);

      const ownKeys = keys.filter((key) => /^\/api\/v1\/(me(\/|$)|wallet$)/.test(key.split(' ')[1]!));
      assert.ok(ownKeys.length >= 14, `only ${ownKeys.length} /me and /wallet routes`);
      for (const key of ownKeys) assert.notEqual(ROUTE_ACCESS[key], 'public', `${key} exposes a signed-in user's own data`);

      assert.equal(ROUTE_ACCESS['POST /api/v1/auth/signup'], 'public');
      assert.equal(ROUTE_ACCESS['POST /api/v1/auth/login'], 'public');
      assert.equal(ROUTE_ACCESS['POST /api/v1/auth/logout'], 'user');
      assert.equal(accessOf('HEAD', '/api/v1/me'), 'user', 'HEAD follows the GET rule');
      assert.equal(accessOf('GET', '/api/docs/static/index.html'), 'public');
      assert.equal(accessOf('GET', '/api/docsx'), undefined, 'the docs prefix covers only /api/docs and below');
      assert.equal(accessOf('GET', '/unlisted'), undefined);
    });

    it('every route answers every caller as its rule says', async (t) => {
      const documented = routeCases(doc);
      const extra: RouteCase[] = UNDOCUMENTED_ROUTES.filter((key) => !documented.some((route) => route.key === key)).map((key) => {
        const [method, path] = key.split(' ') as [Method, string];
        return { key, method, path, url: path, hasBody: false };
      });
      const routes = [...documented, ...extra];
      let cases = 0;
      const outcomes = new Map<string, number>();

      for (const route of routes) {
        await t.test(route.key, async () => {
          const access = accessOf(route.method, route.path);
          assert.notEqual(access, undefined, `${route.key} has no rule`);
          for (const caller of callers) {
            const context = `${route.key} as ${caller.name} (${access})`;
            const refusal = expectedRefusal(access!, caller, route.key);
            // A refused caller never reaches the handler, so it may use its own session even on routes that end it.
            const user = refusal === undefined && SESSION_ENDING.has(route.key) ? await caller.spareSession?.() : caller.user;
            const response = await inject({
              method: route.method,
              url: route.url,
              headers: user?.headers ?? {},
              ...(route.hasBody ? { payload: {} } : {}),
            });
            cases++;
            const outcome = refusal ? `refused ${refusal.code}` : 'allowed';
            outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);

            if (refusal) {
              assertErrorShape(response, refusal, context);
              continue;
            }
            const error = errorOf(response);
            assert.notEqual(response.statusCode, 401, `${context}: ${response.body}`);
            assert.ok(!ACCESS_REFUSALS.includes(error?.code ?? ''), `${context}: refused by access control: ${response.body}`);
            if (error)
              assert.deepEqual(
                Object.keys(error)
                  .filter((key) => key !== 'param')
                  .sort(),
                ['code', 'message', 'type'],
                `${context}: ${response.body}`,
              );
            // The empty body must stop every allowed call with a 400 (validation, a missing field or header), so the matrix changes nothing.
            if (route.hasBody) assert.equal(response.statusCode, 400, `${context}: an empty body was not refused: ${response.body}`);
            if (SESSION_ENDING.has(route.key) && user) {
              assert.equal(response.statusCode, 200, `${context}: ${response.body}`);
              const ended = await inject({ method: 'GET', url: '/api/v1/me', headers: user.headers });
              assertErrorShape(ended, { status: 401, code: 'session_invalid' }, `${context}: the spare session after the call`);
            }
          }
        });
      }
      assert.equal(cases, routes.length * callers.length);
      // 37 routes today; a shrinking matrix means routes went missing from the document.
      assert.ok(routes.length >= 35, `only ${routes.length} routes`);
      // Every kind of refusal occurred, so the matrix is not vacuously passing.
      assert.deepEqual([...outcomes.keys()].sort(), ['allowed', 'refused authentication_required', 'refused role_required', 'refused two_factor_required']);
      t.diagnostic(`${cases} route × caller cases over ${routes.length} routes: ${[...outcomes].map(([outcome, count]) => `${count} ${outcome}`).join(', ')}`);
    });

    it('the routes that would close, freeze or re-key an account are among those stopped by the empty body', () => {
      const withBody = new Set(
        routeCases(doc)
          .filter((route) => route.hasBody)
          .map((route) => route.key),
      );
      for (const key of DESTRUCTIVE) assert.ok(withBody.has(key), `${key} takes no body, so the matrix would run it`);
    });

    it('HEAD follows the rule of its GET', async () => {
      for (const route of routeCases(doc).filter((candidate) => candidate.method === 'GET')) {
        const anonymous = await inject({ method: 'HEAD', url: route.url });
        const access = accessOf('GET', route.path);
        if (access === 'public') assert.notEqual(anonymous.statusCode, 401, route.key);
        else assert.equal(anonymous.statusCode, 401, route.key);
      }
    });

    it('after the matrix every caller is still signed in, open, unrestricted and as it was', async () => {
      for (const caller of callers) {
        if (!caller.user) continue;
        const response = await inject({ method: 'GET', url: '/api/v1/me', headers: caller.user.headers });
        assert.equal(response.statusCode, 200, `${caller.name}: ${response.body}`);
        const { user } = response.json() as { user: { roles: string[]; twoFactorEnabled: boolean; closed: boolean; restrictions: unknown[] } };
        assert.equal(user.closed, false, caller.name);
        assert.deepEqual(user.restrictions, [], caller.name);
        assert.deepEqual([...user.roles].sort(), [...caller.roles].sort(), caller.name);
        assert.equal(user.twoFactorEnabled, caller.twoFactor, caller.name);
        // The old password still signs in: POST /me/password did not change it.
        if (!caller.twoFactor) await logIn(testApp, caller.user.email, caller.user.password, caller.user.id);
      }
    });

    it('a revoked session is refused at once, and only that one', async () => {
      const user = await signUpAndLogIn(testApp);
      const other = await logIn(testApp, user.email, user.password, user.id);
      const sessions = await inject({ method: 'GET', url: '/api/v1/me/sessions', headers: user.headers });
      assert.equal(sessions.statusCode, 200, sessions.body);
      const otherSession = (sessions.json() as { sessions: { id: string; current: boolean }[] }).sessions.find((session) => !session.current);
      assert.ok(otherSession, sessions.body);

      assert.equal((await inject({ method: 'GET', url: '/api/v1/me', headers: other.headers })).statusCode, 200);
      const revoked = await inject({ method: 'DELETE', url: `/api/v1/me/sessions/${otherSession.id}`, headers: user.headers });
      assert.equal(revoked.statusCode, 200, revoked.body);
      assertErrorShape(await inject({ method: 'GET', url: '/api/v1/me', headers: other.headers }), { status: 401, code: 'session_invalid' }, 'revoked token');
      assert.equal((await inject({ method: 'GET', url: '/api/v1/me', headers: user.headers })).statusCode, 200);

      const loggedOut = await inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers });
      assert.equal(loggedOut.statusCode, 200, loggedOut.body);
      assertErrorShape(await inject({ method: 'GET', url: '/api/v1/me', headers: user.headers }), { status: 401, code: 'session_invalid' }, 'signed-out token');
      // A public route treats a dead token as no token.
      assert.equal((await inject({ method: 'GET', url: '/healthz', headers: user.headers })).statusCode, 200);
    });

    it('a token nobody issued is refused as session_invalid', async () => {
      const response = await inject({ method: 'GET', url: '/api/v1/me', headers: { authorization: 'Bearer ovs_notatokenanyoneissued' } });
      assertErrorShape(response, { status: 401, code: 'session_invalid' }, 'unknown token');
    });

    it('a malformed Authorization header is refused as invalid_authorization', async () => {
      for (const authorization of ['Token abc', 'Bearer', 'Bearer a b', 'Basic dXNlcjpwYXNz']) {
        assertErrorShape(await inject({ method: 'GET', url: '/api/v1/me', headers: { authorization } }), { status: 401, code: 'invalid_authorization' }, authorization);
      }
    });

    it('cookie sessions: reads need only the cookie, changes need the CSRF header too', async () => {
      const email = uniqueEmail('cookie');
      const signup = await inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: { email, password: STRONG_PASSWORD, displayName: 'Cookie Viewer', birthDate: '1990-01-01', region: 'US' },
      });
      assert.equal(signup.statusCode, 201, signup.body);
      const login = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password: STRONG_PASSWORD } });
      assert.equal(login.statusCode, 200, login.body);
      const { token, csrfToken } = login.json() as { token: string; csrfToken: string };
      const sessionCookie = login.cookies.find((cookie) => cookie.name === SESSION_COOKIE);
      assert.equal(sessionCookie?.value, token);
      assert.equal(sessionCookie?.httpOnly, true);
      assert.equal(login.cookies.find((cookie) => cookie.name === CSRF_COOKIE)?.value, csrfToken);
      const cookie = `${SESSION_COOKIE}=${token}`;

      const me = await inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } });
      assert.equal(me.statusCode, 200, me.body);
      assert.equal((me.json() as { user: { email: string } }).user.email, email);

      const creator = callers.find((caller) => caller.name === 'creator')!.user!;
      const creatorMe = await inject({ method: 'GET', url: '/api/v1/me', headers: creator.headers });
      const handle = (creatorMe.json() as { user: { handle: string } }).user.handle;
      const follow = `/api/v1/users/${handle}/follow`;

      assertErrorShape(await inject({ method: 'PUT', url: follow, headers: { cookie } }), { status: 403, code: 'csrf_token_invalid' }, 'cookie without CSRF header');
      assertErrorShape(
        await inject({ method: 'PUT', url: follow, headers: { cookie, [CSRF_HEADER]: `${csrfToken.slice(0, -1)}x` } }),
        { status: 403, code: 'csrf_token_invalid' },
        'cookie with a wrong CSRF header',
      );
      assertErrorShape(
        await inject({ method: 'PUT', url: follow, headers: { cookie, [CSRF_HEADER]: creator.token } }),
        { status: 403, code: 'csrf_token_invalid' },
        'cookie with another secret as CSRF header',
      );
      const profileBefore = await inject({ method: 'GET', url: `/api/v1/users/${handle}`, headers: { cookie } });
      assert.equal((profileBefore.json() as { profile: { following: boolean } }).profile.following, false, 'the refused requests changed nothing');

      const followed = await inject({ method: 'PUT', url: follow, headers: { cookie, [CSRF_HEADER]: csrfToken } });
      assert.equal(followed.statusCode, 200, followed.body);
      assert.equal((followed.json() as { profile: { following: boolean } }).profile.following, true);

      // A public route called by cookie without the header runs as anonymous rather than as the user.
      const reset = await inject({ method: 'POST', url: '/api/v1/auth/password-reset', headers: { cookie }, payload: { email } });
      assert.equal(reset.statusCode, 202, reset.body);

      const logout = await inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie, [CSRF_HEADER]: csrfToken } });
      assert.equal(logout.statusCode, 200, logout.body);
      assertErrorShape(await inject({ method: 'GET', url: '/api/v1/me', headers: { cookie } }), { status: 401, code: 'session_invalid' }, 'cookie after logout');
    });

    it('a route without a ROUTE_ACCESS entry stops the app from building', async () => {
      await assert.rejects(createTestApp(engine, { addRoutes: (app) => app.get('/unlisted', async () => ({})) }), (error: Error) => {
        assert.match(error.message, /ROUTE_ACCESS/);
        assert.match(error.message, /GET \/unlisted/);
        return true;
      });
    });
  });
}
