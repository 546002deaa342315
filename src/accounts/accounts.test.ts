import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { birthDateYearsAgo, enableTwoFactor, logIn, signUpAndLogIn, STRONG_PASSWORD, totpCode, uniqueEmail, type SignedInUser } from './testing/users.js';

async function userCount(testApp: TestApp): Promise<number> {
  const row = await testApp.db.kysely
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<bigint>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

function linkToken(text: string): string {
  const match = /token=([\w-]+)/.exec(text);
  assert.ok(match, `no token link in ${text}`);
  return match[1]!;
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`accounts on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine);
    });
    after(async () => {
      await t?.destroy();
    });

    const signup = (payload: Record<string, unknown>, remoteAddress?: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', payload, ...(remoteAddress ? { remoteAddress } : {}) });
    const validSignup = (overrides: Record<string, unknown> = {}) => ({
      email: uniqueEmail(),
      password: STRONG_PASSWORD,
      displayName: 'Ada Lovelace',
      birthDate: birthDateYearsAgo(t, 30),
      ...overrides,
    });
    const me = (user: { headers: Record<string, string> }) => t.app.inject({ method: 'GET', url: '/api/v1/me', headers: user.headers });

    describe('sign-up', () => {
      it('creates an account with wallets, a unique handle and a confirmation mail', async () => {
        const payload = validSignup({ region: 'de' });
        const response = await signup(payload);
        assert.equal(response.statusCode, 201, response.body);
        const { user } = response.json();
        assert.match(user.id, /^usr_/);
        assert.equal(user.email, payload.email);
        assert.equal(user.region, 'DE');
        assert.equal(user.isAdult, true);
        assert.deepEqual(user.roles, ['viewer']);
        assert.equal(user.emailVerified, false);
        assert.match(user.handle, /^ada_lovelace/);
        assert.equal((await t.ledger.getAccount(`user:${user.id}:coin`))?.posted, 0n);

        const again = await signup(validSignup());
        assert.notEqual(again.json().user.handle, user.handle, 'handles stay unique for the same display name');

        const [mail] = t.mailbox.list(payload.email);
        assert.ok(mail, 'a confirmation mail is sent');
        const verified = await t.app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: linkToken(mail.text) } });
        assert.equal(verified.statusCode, 200, verified.body);
        assert.equal(verified.json().user.emailVerified, true);
        const reused = await t.app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: linkToken(mail.text) } });
        assert.equal(reused.statusCode, 400);
        assert.equal(reused.json().error.code, 'invalid_token');
      });

      it('refuses weak and common passwords with a helpful message and creates nothing', async () => {
        const before = await userCount(t);
        for (const password of ['password', 'password123!', 'qwertyuiop', 'short1!', 'aaaaaaaaaaaaaaa', 'lowercaseonly', 'adalovelace2024!']) {
          const response = await signup(validSignup({ password }));
          assert.equal(response.statusCode, 400, `${password}: ${response.body}`);
          const { error } = response.json();
          assert.equal(error.code, 'weak_password', password);
          assert.equal(error.param, 'password');
          assert.ok(error.message.length > 20);
        }
        assert.equal(await userCount(t), before);
      });

      it('answers bad input with 400, the field at fault, and creates nothing', async () => {
        const before = await userCount(t);
        const cases: [Record<string, unknown>, string][] = [
          [validSignup({ email: 'not-an-email' }), 'email'],
          [validSignup({ email: `${'a'.repeat(250)}@example.com` }), 'email'],
          [validSignup({ displayName: 'x'.repeat(51) }), 'displayName'],
          [validSignup({ displayName: 42 }), 'displayName'],
          [validSignup({ birthDate: '1990-02-30' }), 'birthDate'],
          [validSignup({ birthDate: '19900101' }), 'birthDate'],
          [validSignup({ birthDate: birthDateYearsAgo(t, -1) }), 'birthDate'],
          [validSignup({ region: 'XX' }), 'region'],
          [validSignup({ region: 'USA' }), 'region'],
          [validSignup({ handle: '1abc' }), 'handle'],
          [validSignup({ isAdmin: true }), 'isAdmin'],
          [{ email: uniqueEmail(), password: STRONG_PASSWORD, displayName: 'No Birthday' }, 'birthDate'],
        ];
        for (const [payload, param] of cases) {
          const response = await signup(payload);
          assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
          assert.equal(response.json().error.param, param, response.body);
          assert.equal(response.json().error.type, 'invalid_request_error');
        }
        const wrongJson = await t.app.inject({ method: 'POST', url: '/api/v1/auth/signup', headers: { 'content-type': 'application/json' }, payload: '[1,2]' });
        assert.equal(wrongJson.statusCode, 400);
        const huge = await signup(validSignup({ displayName: 'x'.repeat(100_000) }));
        assert.equal(huge.statusCode, 413);
        assert.equal(await userCount(t), before);
      });

      it('signs up everyone who signs up at once with the same display name, each under a handle of their own', async () => {
        const displayName = `Crowd ${Date.now() % 100_000}`;
        const responses = await Promise.all(Array.from({ length: 6 }, () => signup(validSignup({ displayName }))));
        for (const response of responses) assert.equal(response.statusCode, 201, response.body);
        assert.equal(new Set(responses.map((response) => response.json().user.handle)).size, 6);
      });

      it('refuses an email in use (in any case) and a taken handle', async () => {
        const payload = validSignup({ handle: 'taken_handle' });
        assert.equal((await signup(payload)).statusCode, 201);
        const sameEmail = await signup(validSignup({ email: payload.email.toUpperCase() }));
        assert.equal(sameEmail.statusCode, 409);
        assert.equal(sameEmail.json().error.code, 'email_taken');
        const sameHandle = await signup(validSignup({ handle: 'taken_handle' }));
        assert.equal(sameHandle.statusCode, 409);
        assert.equal(sameHandle.json().error.code, 'handle_taken');
      });

      it('applies the age gate per region: under 13 refused, under 18 a minor, 18 in KR still a minor', async () => {
        const before = await userCount(t);
        const child = await signup(validSignup({ birthDate: birthDateYearsAgo(t, 12) }));
        assert.equal(child.statusCode, 403);
        assert.equal(child.json().error.code, 'age_restricted');
        assert.equal(await userCount(t), before);

        const teen = await signup(validSignup({ birthDate: birthDateYearsAgo(t, 15) }));
        assert.equal(teen.statusCode, 201);
        assert.equal(teen.json().user.isAdult, false);
        const usEighteen = await signup(validSignup({ birthDate: birthDateYearsAgo(t, 18), region: 'US' }));
        assert.equal(usEighteen.json().user.isAdult, true);
        const krEighteen = await signup(validSignup({ birthDate: birthDateYearsAgo(t, 18), region: 'KR' }));
        assert.equal(krEighteen.json().user.isAdult, false);
        const krNineteen = await signup(validSignup({ birthDate: birthDateYearsAgo(t, 19), region: 'KR' }));
        assert.equal(krNineteen.json().user.isAdult, true);
      });
    });

    describe('sign-in and sessions', () => {
      it('answers { token, user }, sets the same session as an HttpOnly SameSite cookie, and the token works as Bearer', async () => {
        const payload = validSignup();
        await signup(payload);
        const response = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: payload.email, password: payload.password } });
        assert.equal(response.statusCode, 200, response.body);
        const body = response.json();
        assert.match(body.token, /^ovs_/);
        assert.equal(body.user.email, payload.email);
        const sessionCookie = response.cookies.find((cookie) => cookie.name === 'ovation_session');
        assert.ok(sessionCookie);
        assert.equal(sessionCookie.value, body.token);
        assert.equal(sessionCookie.httpOnly, true);
        assert.equal(sessionCookie.sameSite, 'Lax');
        const csrfCookie = response.cookies.find((cookie) => cookie.name === 'ovation_csrf');
        assert.equal(csrfCookie?.httpOnly, undefined, 'the page script must be able to read the CSRF token');

        const viaBearer = await me({ headers: { authorization: `Bearer ${body.token}` } });
        assert.equal(viaBearer.statusCode, 200);
        assert.equal(viaBearer.json().user.id, body.user.id);
        const viaCookie = await me({ headers: { cookie: `ovation_session=${body.token}` } });
        assert.equal(viaCookie.json().user.id, body.user.id);
      });

      it('refuses a wrong password or unknown email with the same 401', async () => {
        const payload = validSignup();
        await signup(payload);
        const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: payload.email, password: 'not the password at all' } });
        const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: uniqueEmail(), password: payload.password } });
        for (const response of [wrong, unknown]) {
          assert.equal(response.statusCode, 401);
          assert.equal(response.json().error.code, 'invalid_credentials');
        }
        assert.equal(wrong.json().error.message, unknown.json().error.message);
      });

      it('locks an account after ten wrong passwords in a row: the eleventh is 429 with Retry-After, even with the right password', async () => {
        const user = await signUpAndLogIn(t);
        const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } });
        for (let i = 1; i <= 10; i += 1) {
          const response = await attempt(`wrong password ${i}`);
          assert.equal(response.statusCode, 401, `attempt ${i}`);
        }
        const eleventh = await attempt('wrong password 11');
        assert.equal(eleventh.statusCode, 429);
        assert.equal(eleventh.json().error.code, 'account_locked');
        assert.equal(eleventh.json().error.type, 'rate_limit_error');
        const retryAfter = Number(eleventh.headers['retry-after']);
        assert.ok(retryAfter > 0 && retryAfter <= 900, `Retry-After ${retryAfter}`);
        assert.equal((await attempt(user.password)).statusCode, 429, 'locked means locked');
        const log = await t.app.inject({ method: 'GET', url: '/api/v1/me/activity', headers: user.headers });
        assert.ok(log.json().activity.some((entry: { kind: string }) => entry.kind === 'account_locked'));
        assert.ok(t.mailbox.list(user.email).some((mail) => /locked/.test(mail.subject)));

        t.clock.advance(retryAfter * 1000 + 1000);
        assert.equal((await attempt(user.password)).statusCode, 200, 'the lock expires');
      });

      it('backs off: a second lockout in a row lasts twice as long', async () => {
        const user = await signUpAndLogIn(t);
        const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } });
        for (let i = 0; i < 10; i += 1) await attempt('wrong');
        const first = Number((await attempt('wrong')).headers['retry-after']);
        t.clock.advance(first * 1000 + 1000);
        for (let i = 0; i < 10; i += 1) await attempt('wrong');
        const second = Number((await attempt('wrong')).headers['retry-after']);
        assert.ok(second >= first * 2 - 2, `first ${first}s, second ${second}s`);
        t.clock.advance(second * 1000 + 1000);
      });

      it('a revoked session stops working at once; sign-out ends the session; sessions are listed', async () => {
        const user = await signUpAndLogIn(t);
        const other = await logIn(t, user.email, user.password, user.id);
        const listed = await t.app.inject({ method: 'GET', url: '/api/v1/me/sessions', headers: user.headers });
        assert.equal(listed.statusCode, 200);
        const sessions = listed.json().sessions as { id: string; current: boolean; ip: string }[];
        assert.equal(sessions.length, 2);
        assert.equal(sessions.filter((session) => session.current).length, 1);
        const otherSession = sessions.find((session) => !session.current)!;

        assert.equal((await me(other)).statusCode, 200);
        const revoked = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${otherSession.id}`, headers: user.headers });
        assert.equal(revoked.statusCode, 200);
        const after = await me(other);
        assert.equal(after.statusCode, 401);
        assert.equal(after.json().error.code, 'session_invalid');

        const notMine = await t.app.inject({ method: 'DELETE', url: `/api/v1/me/sessions/${otherSession.id}`, headers: user.headers });
        assert.equal(notMine.statusCode, 404);

        const logout = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: user.headers });
        assert.equal(logout.statusCode, 200);
        assert.equal((await me(user)).statusCode, 401);
      });

      it('sessions expire', async () => {
        const user = await signUpAndLogIn(t);
        t.clock.advance(t.config.accounts.sessionTtlMs + 1000);
        assert.equal((await me(user)).statusCode, 401);
      });
    });

    describe('two-factor', () => {
      let user: SignedInUser;
      let secret: string;
      let recoveryCodes: string[];
      const login = (extra: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password, ...extra } });

      before(async () => {
        user = await signUpAndLogIn(t);
      });

      it('enrols with an otpauth:// URL and a QR code, confirmed by a code, answering ten recovery codes', async () => {
        const setup = await t.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/setup', headers: user.headers });
        assert.equal(setup.statusCode, 200);
        assert.match(setup.json().otpauthUrl, /^otpauth:\/\/totp\/Ovation:.+secret=[A-Z2-7]+/);
        assert.match(setup.json().qrCodeDataUrl, /^data:image\/png;base64,/);
        const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/confirm', headers: user.headers, payload: { code: '000000' } });
        assert.equal(wrong.statusCode, 400);
        assert.equal((await me(user)).json().user.twoFactorEnabled, false);
        ({ secret, recoveryCodes } = await enableTwoFactor(t, user));
        assert.equal(recoveryCodes.length, 10);
        assert.equal(new Set(recoveryCodes).size, 10);
        assert.equal((await me(user)).json().user.twoFactorEnabled, true);
      });

      it('sign-in then needs the code: without it 401 two_factor_required, with it a session', async () => {
        const without = await login();
        assert.equal(without.statusCode, 401);
        assert.equal(without.json().error.code, 'two_factor_required');
        const wrong = await login({ totp: '123456' });
        assert.equal(wrong.statusCode, 401);
        assert.equal(wrong.json().error.code, 'invalid_two_factor_code');
        const code = totpCode(t, secret, 1);
        const withCode = await login({ totp: code });
        assert.equal(withCode.statusCode, 200, withCode.body);
        const replay = await login({ totp: code });
        assert.equal(replay.statusCode, 401, 'a code is accepted once');
        assert.equal(replay.json().error.code, 'invalid_two_factor_code');
      });

      it('a recovery code signs in exactly once', async () => {
        const code = recoveryCodes[0]!;
        const first = await login({ recoveryCode: code.toUpperCase() });
        assert.equal(first.statusCode, 200, first.body);
        const second = await login({ recoveryCode: code });
        assert.equal(second.statusCode, 401);
        const log = await t.app.inject({ method: 'GET', url: '/api/v1/me/activity', headers: user.headers });
        assert.ok(log.json().activity.some((entry: { kind: string }) => entry.kind === 'recovery_code_used'));
      });

      it('turns off only with a valid code', async () => {
        const wrong = await t.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/disable', headers: user.headers, payload: { code: '999999' } });
        assert.equal(wrong.statusCode, 400);
        const off = await t.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/disable', headers: user.headers, payload: { code: recoveryCodes[1]! } });
        assert.equal(off.statusCode, 200, off.body);
        assert.equal((await login()).statusCode, 200, 'password alone works again');
        const kinds = (await t.app.inject({ method: 'GET', url: '/api/v1/me/activity', headers: user.headers })).json().activity.map((entry: { kind: string }) => entry.kind);
        assert.ok(kinds.includes('two_factor_enabled') && kinds.includes('two_factor_disabled'));
      });
    });

    describe('passwords', () => {
      it('change: needs the current password, refuses a weak one, signs out the other sessions', async () => {
        const user = await signUpAndLogIn(t);
        const other = await logIn(t, user.email, user.password, user.id);
        const change = (payload: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/me/password', headers: user.headers, payload });
        const wrongCurrent = await change({ currentPassword: 'not it at all', newPassword: 'a brand new passphrase here' });
        assert.equal(wrongCurrent.statusCode, 400);
        assert.equal(wrongCurrent.json().error.param, 'currentPassword');
        const weak = await change({ currentPassword: user.password, newPassword: 'password1' });
        assert.equal(weak.json().error.code, 'weak_password');
        const ok = await change({ currentPassword: user.password, newPassword: 'a brand new passphrase here' });
        assert.equal(ok.statusCode, 200, ok.body);
        assert.equal((await me(user)).statusCode, 200, 'this session stays');
        assert.equal((await me(other)).statusCode, 401, 'other sessions end');
        await logIn(t, user.email, 'a brand new passphrase here', user.id);
      });

      it('reset by mailed link: single-use, expiring, signs out everywhere, and a weak choice does not use up the link', async () => {
        const user = await signUpAndLogIn(t);
        const unknown = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: uniqueEmail() } });
        assert.equal(unknown.statusCode, 202, 'the same answer for unknown addresses');
        const request = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email } });
        assert.equal(request.statusCode, 202);
        const mail = t.mailbox.list(user.email).find((sent) => /Reset/.test(sent.subject))!;
        const token = linkToken(mail.text);
        const confirm = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } });
        assert.equal((await confirm('password')).json().error.code, 'weak_password');
        assert.equal((await confirm('the reset passphrase works')).statusCode, 200);
        assert.equal((await confirm('another reset passphrase')).json().error.code, 'invalid_token', 'single use');
        assert.equal((await me(user)).statusCode, 401, 'sessions ended');
        await logIn(t, user.email, 'the reset passphrase works', user.id);

        await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email } });
        const later = linkToken(t.mailbox.list(user.email).find((sent) => /Reset/.test(sent.subject))!.text);
        t.clock.advance(2 * 3_600_000);
        const expired = await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token: later, password: 'too late for this link' } });
        assert.equal(expired.json().error.code, 'invalid_token');
      });

      it('a mailed link used by several requests at once works once: one new password, one confirmation', async () => {
        const user = await signUpAndLogIn(t);
        await t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset', payload: { email: user.email } });
        const token = linkToken(t.mailbox.list(user.email).find((sent) => /Reset/.test(sent.subject))!.text);
        const passwords = Array.from({ length: 6 }, (_, index) => `concurrent reset passphrase ${index}`);
        const resets = await Promise.all(passwords.map((password) => t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } })));
        const winners = passwords.filter((_, index) => resets[index]!.statusCode === 200);
        assert.equal(winners.length, 1, resets.map((reset) => reset.body).join('\n'));
        for (const reset of resets.filter((each) => each.statusCode !== 200)) assert.equal(reset.json().error.code, 'invalid_token');
        await logIn(t, user.email, winners[0]!, user.id);
        const loser = passwords.find((password) => password !== winners[0])!;
        assert.equal((await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: loser } })).statusCode, 401);

        const confirmLink = linkToken(t.mailbox.list(user.email).find((sent) => /Confirm your email/.test(sent.subject))!.text);
        const verifies = await Promise.all(Array.from({ length: 6 }, () => t.app.inject({ method: 'POST', url: '/api/v1/auth/verify-email', payload: { token: confirmLink } })));
        assert.deepEqual(verifies.map((verify) => verify.statusCode).sort(), [200, 400, 400, 400, 400, 400]);
        const activity = (await t.app.inject({ method: 'GET', url: '/api/v1/me/activity', headers: (await logIn(t, user.email, winners[0]!, user.id)).headers })).json().activity;
        assert.equal(activity.filter((entry: { kind: string }) => entry.kind === 'email_verified').length, 1);
      });
    });

    describe('activity log', () => {
      it('records sign-ins with IP and user agent, and failed attempts, newest first with a cursor', async () => {
        const user = await signUpAndLogIn(t);
        await t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: 'wrong one' }, remoteAddress: '203.0.113.9' });
        await t.app.inject({
          method: 'POST',
          url: '/api/v1/auth/login',
          payload: { email: user.email, password: user.password },
          remoteAddress: '198.51.100.7',
          headers: { 'user-agent': 'TestBrowser/1.0' },
        });
        const page = await t.app.inject({ method: 'GET', url: '/api/v1/me/activity?limit=2', headers: user.headers });
        assert.equal(page.statusCode, 200);
        const [newest, previous] = page.json().activity;
        assert.equal(newest.kind, 'signed_in');
        assert.equal(newest.ip, '198.51.100.7');
        assert.equal(newest.userAgent, 'TestBrowser/1.0');
        assert.equal(previous.kind, 'sign_in_failed');
        assert.equal(previous.ip, '203.0.113.9');
        const rest = await t.app.inject({ method: 'GET', url: `/api/v1/me/activity?before=${page.json().nextCursor}`, headers: user.headers });
        const kinds = rest.json().activity.map((entry: { kind: string }) => entry.kind);
        assert.deepEqual(kinds, ['signed_in', 'signed_up']);
        assert.equal(rest.json().nextCursor, null);
      });
    });
  });
}

describe('per-IP sign-in limits', () => {
  it('answers 429 with Retry-After once one address has failed too often, across accounts', async () => {
    const t = await createTestApp('sqlite', { env: { LOGIN_IP_MAX_FAILURES: '3', AUTH_IP_MAX_REQUESTS: '5' } });
    try {
      const attempt = (remoteAddress: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: uniqueEmail(), password: 'whatever it is' }, remoteAddress });
      for (let i = 0; i < 3; i += 1) assert.equal((await attempt('192.0.2.1')).statusCode, 401);
      const limited = await attempt('192.0.2.1');
      assert.equal(limited.statusCode, 429);
      assert.equal(limited.json().error.code, 'too_many_attempts');
      assert.ok(Number(limited.headers['retry-after']) > 0);
      assert.equal((await attempt('192.0.2.2')).statusCode, 401, 'other addresses are not affected');

      const signups = [];
      for (let i = 0; i < 6; i += 1) {
        signups.push(
          await t.app.inject({
            method: 'POST',
            url: '/api/v1/auth/signup',
            remoteAddress: '192.0.2.3',
            payload: { email: uniqueEmail(), password: STRONG_PASSWORD, displayName: 'Many', birthDate: '1990-01-01' },
          }),
        );
      }
      assert.deepEqual(
        signups.map((response) => response.statusCode),
        [201, 201, 201, 201, 201, 429],
      );
    } finally {
      await t.destroy();
    }
  });
});

describe('dev mailbox', () => {
  it('answers only on the server machine, and does not exist in production', async () => {
    const dev = await createTestApp('sqlite');
    try {
      assert.equal((await dev.app.inject({ method: 'GET', url: '/api/v1/dev/mailbox' })).statusCode, 200);
      const remote = await dev.app.inject({ method: 'GET', url: '/api/v1/dev/mailbox', remoteAddress: '203.0.113.5' });
      assert.equal(remote.statusCode, 403);
      assert.equal(remote.json().error.code, 'loopback_only');
    } finally {
      await dev.destroy();
    }
    const production = await createTestApp('sqlite', { env: { NODE_ENV: 'production', ALLOW_SANDBOX_IN_PRODUCTION: 'true' } });
    try {
      assert.equal((await production.app.inject({ method: 'GET', url: '/api/v1/dev/mailbox' })).statusCode, 404);
    } finally {
      await production.destroy();
    }
  });
});
