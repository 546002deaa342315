import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';
import { enableTwoFactor, logIn, signUpAndLogIn, signUpCreator, totpCode, uniqueEmail, type SignedInUser } from '../../accounts/testing/users.js';
import { earnDiamonds, submitIdentity } from '../../payouts/testing/creators.js';

const WRONG_GUESSES = 45;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`account races on ${engine}`, { skip }, () => {
    let t: TestApp;
    before(async () => {
      t = await createTestApp(engine, { env: { PAYOUT_FIRST_HOLD_DAYS: '0' } });
    });
    after(async () => {
      await t?.destroy();
    });

    describe('sign-in lockout', () => {
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

    describe('cashing out needs a recent second factor', () => {
      const bankAccount = { type: 'bank_account', holderName: 'Dana Creator', country: 'US', currency: 'USD', routingCode: '110000000' };
      let keys = 0;
      const addMethod = (user: SignedInUser, accountNumber: string) =>
        t.app.inject({ method: 'POST', url: '/api/v1/creator/payout-methods', headers: user.headers, payload: { ...bankAccount, accountNumber } });
      const requestPayout = (user: SignedInUser, methodId: string) =>
        t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...user.headers, 'idempotency-key': `race-payout-${++keys}` }, payload: { diamonds: 2000, methodId } });

      it('a session signed in with the password alone before two-factor was turned on can neither add its own bank account nor cash out to it', async () => {
        const creator = await signUpCreator(t, { displayName: 'Dana Creator' });
        // Someone who knows the password signs in while two-factor is still off.
        const intruder = await logIn(t, creator.email, creator.password, creator.id);
        await enableTwoFactor(t, creator);
        assert.equal((await submitIdentity(t, creator, 'P12345678')).status, 'verified');
        await earnDiamonds(t, creator, 3);

        const added = await addMethod(intruder, '999988887777');
        assert.equal(added.statusCode, 401, `the intruder's session ended when two-factor was turned on: ${added.body}`);
        assert.equal(added.json().error.code, 'session_invalid');
        const own = await addMethod(creator, '000123456789');
        assert.equal(own.statusCode, 201, `the session that turned two-factor on has proven it: ${own.body}`);
        const paid = await requestPayout(intruder, own.json().method.id);
        assert.equal(paid.statusCode, 401, paid.body);
        const methods = await t.db.kysely.selectFrom('payout_methods').select('account_number').where('user_id', '=', creator.id).execute();
        assert.deepEqual(
          methods.map((row) => row.account_number),
          ['000123456789'],
          'no bank account of the intruder was added',
        );
        const payouts = await t.db.kysely.selectFrom('payouts').select('id').where('user_id', '=', creator.id).execute();
        assert.equal(payouts.length, 0, 'no payout was requested');
      });

      it('a two-factor session older than the window must prove two-factor again before adding a payout method or requesting a payout', async () => {
        const creator = await signUpCreator(t, { displayName: 'Dana Creator' });
        const { secret } = await enableTwoFactor(t, creator);
        assert.equal((await submitIdentity(t, creator, 'P12345678')).status, 'verified');
        await earnDiamonds(t, creator, 3);
        const signedIn = await logIn(t, creator.email, creator.password, creator.id, { totp: totpCode(t, secret, 1) });
        const methodId = (await addMethod(signedIn, '000123456789')).json().method.id as string;

        t.clock.advance(t.config.accounts.twoFactorRecentMs + 1000);
        for (const refused of [await addMethod(signedIn, '999988887777'), await requestPayout(signedIn, methodId)]) {
          assert.equal(refused.statusCode, 403, refused.body);
          assert.equal(refused.json().error.code, 'two_factor_recent_required');
          assert.match(refused.json().error.message, /POST \/api\/v1\/me\/two-factor\/verify/);
        }
        const payouts = await t.db.kysely.selectFrom('payouts').select('id').where('user_id', '=', creator.id).execute();
        assert.equal(payouts.length, 0, 'no payout was requested');

        const verify = (code: string) => t.app.inject({ method: 'POST', url: '/api/v1/me/two-factor/verify', headers: signedIn.headers, payload: { code } });
        const wrong = await verify('000000');
        assert.equal(wrong.statusCode, 400, wrong.body);
        assert.equal(wrong.json().error.code, 'invalid_two_factor_code');
        const stepUp = await verify(totpCode(t, secret));
        assert.equal(stepUp.statusCode, 200, stepUp.body);
        assert.equal(Date.parse(stepUp.json().recentUntil) - Date.parse(stepUp.json().verifiedAt), t.config.accounts.twoFactorRecentMs);
        assert.equal((await verify(totpCode(t, secret))).statusCode, 400, 'a code proves two-factor once');
        const paid = await requestPayout(signedIn, methodId);
        assert.equal(paid.statusCode, 201, `a session that stepped up may cash out: ${paid.body}`);
      });

      for (const route of ['verify', 'disable'] as const) {
        it(`concurrent wrong codes to POST /api/v1/me/two-factor/${route} count towards the lockout: at most ten are checked`, async () => {
          const user = await signUpAndLogIn(t);
          await enableTwoFactor(t, user);
          const limit = t.config.accounts.loginMaxFailures;
          const answers = await Promise.all(
            Array.from({ length: WRONG_GUESSES }, (_, i) => t.app.inject({ method: 'POST', url: `/api/v1/me/two-factor/${route}`, headers: user.headers, payload: { code: String(200000 + i) } })),
          );
          const checked = answers.filter((response) => response.statusCode === 400);
          const refused = answers.filter((response) => response.statusCode === 429);
          for (const response of refused) assert.equal(response.json().error.code, 'account_locked');
          assert.ok(checked.length <= limit, `${checked.length} wrong codes were checked, the limit is ${limit} (${refused.length} refused)`);
          assert.equal(checked.length + refused.length, WRONG_GUESSES);
        });
      }
    });

    describe('per-IP sign-in limit', () => {
      let limited: TestApp;
      before(async () => {
        limited = await createTestApp(engine, { env: { LOGIN_IP_MAX_FAILURES: '5' } });
      });
      after(async () => {
        await limited?.destroy();
      });

      it('30 concurrent failures from one address: at most five are checked, the rest are refused', async () => {
        const user = await signUpAndLogIn(limited);
        const address = '198.51.100.7';
        const attempt = (email: string, password: string, remoteAddress = address) => limited.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password }, remoteAddress });
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
