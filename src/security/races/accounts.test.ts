import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';
import { enableTwoFactor, signUpAndLogIn, totpCode, uniqueEmail } from '../../accounts/testing/users.js';

const WRONG_GUESSES = 45;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`account races on ${engine}`, { skip }, () => {
    describe('sign-in lockout', () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(engine);
      });
      after(async () => {
        await t?.destroy();
      });

      it(`${WRONG_GUESSES} concurrent wrong passwords: at most ten are checked, and the right password sent with them is refused while locked`, async () => {
        const user = await signUpAndLogIn(t);
        const limit = t.config.accounts.loginMaxFailures;
        const attempt = (password: string) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password } });
        const guesses = Array.from({ length: WRONG_GUESSES }, (_, i) => attempt(`wrong password ${i}`));
        const rightOne = attempt(user.password);
        const answers = await Promise.all([...guesses, rightOne]);
        const right = answers.pop()!;

        const checked = answers.filter((response) => response.statusCode === 401);
        for (const response of checked) assert.equal(response.json().error.code, 'invalid_credentials');
        const refused = answers.filter((response) => response.statusCode === 429);
        for (const response of refused) {
          assert.equal(response.json().error.code, 'account_locked');
          assert.ok(Number(response.headers['retry-after']) > 0, 'a refusal says when to retry');
        }
        assert.ok(checked.length <= limit, `${checked.length} wrong passwords were checked, the limit is ${limit} (${refused.length} refused); the right password got ${right.statusCode}`);
        assert.equal(checked.length + refused.length, WRONG_GUESSES, 'every guess is either checked or refused as locked');
        assert.equal(right.statusCode, 429, `the right password is refused while the account is locked: ${right.body}`);
        assert.equal(right.json().error.code, 'account_locked');
        assert.equal((await attempt(user.password)).statusCode, 429, 'still locked afterwards');

        const failures = await t.db.kysely.selectFrom('user_activity').select('kind').where('user_id', '=', user.id).where('kind', '=', 'sign_in_failed').execute();
        assert.ok(failures.length <= limit, `${failures.length} failed sign-ins were recorded`);
        const locks = await t.db.kysely.selectFrom('user_activity').select('kind').where('user_id', '=', user.id).where('kind', '=', 'account_locked').execute();
        assert.equal(locks.length, 1, 'the account is locked once');

        t.clock.advance(t.config.accounts.loginLockoutMs + 1000);
        assert.equal((await attempt(user.password)).statusCode, 200, 'the lock expires as before');
      });
    });

    describe('two-factor guesses', () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(engine);
      });
      after(async () => {
        await t?.destroy();
      });

      it(`${WRONG_GUESSES} concurrent wrong codes with the right password: at most ten are checked; the right password without a code does not count`, async () => {
        const user = await signUpAndLogIn(t);
        const { secret } = await enableTwoFactor(t, user);
        const limit = t.config.accounts.loginMaxFailures;
        const attempt = (extra: Record<string, string>) => t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: user.email, password: user.password, ...extra } });

        for (let i = 0; i < limit + 2; i += 1) assert.equal((await attempt({})).json().error.code, 'two_factor_required', 'a right password without its code is not a failure');
        const answers = await Promise.all(Array.from({ length: WRONG_GUESSES }, (_, i) => attempt({ totp: String(100000 + i) })));
        const checked = answers.filter((response) => response.statusCode === 401);
        for (const response of checked) assert.equal(response.json().error.code, 'invalid_two_factor_code');
        const refused = answers.filter((response) => response.statusCode === 429);
        for (const response of refused) assert.equal(response.json().error.code, 'account_locked');
        assert.ok(checked.length <= limit, `${checked.length} wrong codes were checked, the limit is ${limit} (${refused.length} refused)`);
        assert.equal(checked.length + refused.length, WRONG_GUESSES);
        assert.equal((await attempt({ totp: totpCode(t, secret, 1) })).statusCode, 429, 'the right code is refused while locked');
      });
    });

    describe('per-IP sign-in limit', () => {
      let t: TestApp;
      before(async () => {
        t = await createTestApp(engine, { env: { LOGIN_IP_MAX_FAILURES: '5' } });
      });
      after(async () => {
        await t?.destroy();
      });

      it('30 concurrent failures from one address: at most five are checked, the rest are refused', async () => {
        const user = await signUpAndLogIn(t);
        const address = '198.51.100.7';
        const attempt = (email: string, password: string, remoteAddress = address) =>
          t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });
        const answers = await Promise.all(Array.from({ length: 30 }, (_, i) => attempt(uniqueEmail(), `wrong password ${i}`)));

        const checked = answers.filter((response) => response.statusCode === 401);
        const refused = answers.filter((response) => response.statusCode === 429);
        for (const response of refused) assert.equal(response.json().error.code, 'too_many_attempts');
        assert.ok(checked.length <= 5, `${checked.length} failures from one address were checked, the limit is 5 (${refused.length} refused)`);
        assert.equal(checked.length + refused.length, 30);

        const fromThere = await attempt(user.email, user.password);
        assert.equal(fromThere.statusCode, 429, 'the address stays limited, even with a right password');
        assert.equal(fromThere.json().error.code, 'too_many_attempts');
        assert.equal((await attempt(user.email, user.password, '198.51.100.8')).statusCode, 200, 'other addresses are not affected');
      });
    });
  });
}
