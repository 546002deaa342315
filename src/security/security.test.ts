import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { SESSION_COOKIE } from '../accounts/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { birthDateYearsAgo, createSignedInAdmin, logIn, signUpAndLogIn, STRONG_PASSWORD, uniqueEmail, type SignedInUser } from '../accounts/testing/users.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { assertRefused } from '../server/testing/errors.js';

/**
 * Security properties not proven beside their domains. docs/security.md maps every property
 * of the security suite to the test that proves it, here or elsewhere.
 */
for (const { engine, skip } of await enginesUnderTest()) {
  describe(`security on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let origin: string;

    const userCount = async () =>
      Number(
        (
          await t.db.kysely
            .selectFrom('users')
            .select((eb) => eb.fn.countAll().as('count'))
            .executeTakeFirstOrThrow()
        ).count,
      );
    const signUp = (fields: { displayName?: string; handle?: string; email?: string }) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/signup',
        payload: {
          email: fields.email ?? uniqueEmail(),
          password: STRONG_PASSWORD,
          displayName: fields.displayName ?? 'Plain Name',
          birthDate: birthDateYearsAgo(t, 30),
          region: 'US',
          ...(fields.handle ? { handle: fields.handle } : {}),
        },
      });

    before(async () => {
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
      origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await t?.destroy();
    });

    describe('session fixation', () => {
      const logInWithCookie = (email: string, cookie: string) =>
        t.app.inject({ method: 'POST', url: '/api/v1/auth/login', headers: { cookie: `${SESSION_COOKIE}=${cookie}` }, payload: { email, password: STRONG_PASSWORD } });

      it('a session id planted before sign-in is replaced by a new one and never becomes valid', async () => {
        const victim = await signUpAndLogIn(t);
        const planted = `ovs_${randomBytes(32).toString('base64url')}`;
        const login = await logInWithCookie(victim.email, planted);
        assert.equal(login.statusCode, 200, login.body);
        const token = login.json().token as string;
        assert.notEqual(token, planted);
        assert.equal(login.cookies.find((cookie) => cookie.name === SESSION_COOKIE)?.value, token, 'the cookie is overwritten with the new session');
        assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: { cookie: `${SESSION_COOKIE}=${planted}` } }), 401, 'session_invalid');
      });

      it("an attacker's own session planted in the victim's browser stays the attacker's after the victim signs in", async () => {
        const attacker = await signUpAndLogIn(t);
        const victim = await signUpAndLogIn(t);
        const login = await logInWithCookie(victim.email, attacker.token);
        assert.equal(login.statusCode, 200, login.body);
        assert.notEqual(login.json().token, attacker.token);
        const asAttacker = await t.app.inject({ method: 'GET', url: '/api/v1/me', headers: attacker.headers });
        assert.equal(asAttacker.json().user.id, attacker.id, 'signing in did not move the victim into the planted session');
        const again = await logIn(t, victim.email, STRONG_PASSWORD, victim.id);
        assert.notEqual(again.token, victim.token, 'every sign-in makes a new session');
      });
    });

    describe('oversized bodies', () => {
      const HUGE_BYTES = 100 * 1024;

      it('are refused with 413 and the error object, on API routes and the payment webhook alike', async () => {
        const before = await userCount();
        const signup = await signUp({ displayName: 'x'.repeat(HUGE_BYTES) });
        assertRefused(signup, 413, 'body_too_large');
        assert.equal(signup.json().error.type, 'invalid_request_error');
        const webhook = await t.app.inject({
          method: 'POST',
          url: '/api/v1/webhooks/sandbox',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify({ pad: 'x'.repeat(HUGE_BYTES) }),
        });
        assertRefused(webhook, 413, 'body_too_large');
        assert.equal(await userCount(), before);
      });

      it('are refused from the Content-Length alone, before the body is sent', async () => {
        const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
          const request = httpRequest(`${origin}/api/v1/auth/signup`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': String(50 * 1024 * 1024) } });
          request.on('response', (response) => {
            let body = '';
            response.on('data', (chunk: Buffer) => (body += chunk.toString()));
            response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
          });
          request.on('error', reject);
          // Only the headers go out: a server that waited for the 50 MB would never answer.
          request.flushHeaders();
        });
        assert.equal(answer.status, 413, answer.body);
        assert.equal(JSON.parse(answer.body).error.code, 'body_too_large');
      });
    });

    describe('input the database must never see', () => {
      it('a NUL character is refused as invalid input in bodies, paths and queries (PostgreSQL cannot store one)', async () => {
        const before = await userCount();
        const signup = await signUp({ displayName: 'Nul\u0000Name' });
        assertRefused(signup, 400, 'validation_failed');
        assert.equal(signup.json().error.param, 'displayName');
        assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/users/ab%00cd' }), 400, 'validation_failed');
        assertRefused(await t.app.inject({ method: 'DELETE', url: '/api/v1/me/sessions/%00', headers: admin.headers }), 400, 'validation_failed');
        assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/admin/users?query=%00', headers: admin.headers }), 400, 'validation_failed');
        assert.equal(await userCount(), before);
      });

      it('URLs the router cannot take get the error object too: an over-long path parameter, broken percent-encoding', async () => {
        assertRefused(await t.app.inject({ method: 'POST', url: `/api/v1/lives/${'x'.repeat(500)}/end`, headers: admin.headers }), 414, 'path_parameter_too_long');
        assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/users/%E0%A4%A' }), 400, 'invalid_url');
      });
    });

    describe('SQL metacharacters', () => {
      const search = async (query: string): Promise<{ id: string; email: string; handle: string; displayName: string }[]> => {
        const response = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users?limit=100&query=${encodeURIComponent(query)}`, headers: admin.headers });
        assert.equal(response.statusCode, 200, response.body);
        return response.json().users;
      };

      it('are stored and shown as written, and match only themselves in handles and the admin search', async () => {
        const quote = await signUp({ displayName: "Robert'); DROP TABLE users;--" });
        assert.equal(quote.statusCode, 201, quote.body);
        assert.equal(quote.json().user.displayName, "Robert'); DROP TABLE users;--");
        const percent = await signUp({ displayName: '100% fan' });
        assert.equal(percent.statusCode, 201, percent.body);
        const underscore = await signUp({ handle: `under_${randomBytes(3).toString('hex')}` });
        assert.equal(underscore.statusCode, 201, underscore.body);
        const before = await userCount();

        for (const handle of ["' OR '1'='1", 'x" OR 1=1 --', '%', '_', '*', '\\']) {
          assertRefused(await t.app.inject({ method: 'GET', url: `/api/v1/users/${encodeURIComponent(handle)}` }), 404, 'user_not_found');
        }

        // A wildcard in the search is a literal: it finds the users whose text holds it, not everyone.
        for (const [text, expected] of [
          ["'", quote],
          ['%', percent],
          ['_', underscore],
          ["'); DROP TABLE", quote],
        ] as const) {
          const found = await search(text);
          assert.ok(
            found.some((user) => user.id === expected.json().user.id),
            `searching ${text} finds the user whose name holds it`,
          );
          for (const user of found)
            assert.ok(
              [user.email, user.handle, user.displayName.toLowerCase()].some((field) => field.includes(text.toLowerCase())),
              `searching ${text} found ${JSON.stringify(user)}`,
            );
        }
        assert.deepEqual(await search('\\'), [], 'a backslash is a literal too');
        assert.equal(await userCount(), before, 'nothing was dropped or added');
      });
    });

    it('API answers, successes and refusals alike, tell browsers not to sniff their type', async () => {
      for (const [url, headers] of [
        ['/api/v1/gifts', {}],
        ['/api/v1/me', {}],
        ['/api/v1/nowhere', {}],
        ['/api/v1/wallet/transactions?format=csv', admin.headers],
        ['/api/openapi.json', {}],
      ] as const) {
        const response = await t.app.inject({ method: 'GET', url, headers });
        assert.equal(response.headers['x-content-type-options'], 'nosniff', `${url} answered ${response.statusCode}`);
      }
    });
  });
}
