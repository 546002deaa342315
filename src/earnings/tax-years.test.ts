import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { earnDiamonds, payoutReadyCreator, PAYOUTS_APPROVED_AT_ONCE } from '../payouts/testing/creators.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

/** How far ahead a new diamond value starts, long enough for the request to arrive before it. */
const START_DELAY_MS = 1_500;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`creators' tax profile and yearly earnings on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    before(async () => {
      t = await createTestApp(engine, { env: PAYOUTS_APPROVED_AT_ONCE });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (user: SignedInUser, method: 'GET' | 'PUT' | 'POST', url: string, payload?: Record<string, unknown>, headers: Record<string, string> = {}) =>
      t.app.inject({ method, url, headers: { ...user.headers, ...headers }, ...(payload === undefined ? {} : { payload }) });

    it('a creator keeps a tax profile; the tax id is never shown back whole; viewers have none', async () => {
      const creator = await payoutReadyCreator(t);
      assert.deepEqual((await call(creator, 'GET', '/api/v1/me/tax-profile')).json(), { taxProfile: null });
      for (const [body, code] of [
        [{ country: 'USA', formType: 'w9' }, 'invalid_country'],
        [{ country: 'US', formType: 'w9', taxId: '12;drop' }, 'invalid_tax_id'],
        [{ country: 'US', formType: '1099' }, 'validation_failed'],
      ] as const) {
        const refused = await call(creator, 'PUT', '/api/v1/me/tax-profile', body);
        assert.equal(refused.statusCode, 400, refused.body);
        assert.equal(refused.json().error.code, code);
      }
      const set = await call(creator, 'PUT', '/api/v1/me/tax-profile', { country: 'de', taxId: 'DE 123 456 789', formType: 'w8ben' });
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual({ ...set.json().taxProfile, updatedAt: undefined }, { country: 'DE', taxIdLast4: ' 789'.slice(-4), formType: 'w8ben', updatedAt: undefined });
      assert.ok(!set.body.includes('123 456'));
      assert.equal((await call(creator, 'GET', '/api/v1/me/tax-profile')).json().taxProfile.formType, 'w8ben');

      const viewer = await signUpAndLogIn(t);
      for (const [method, url] of [
        ['GET', '/api/v1/me/tax-profile'],
        ['PUT', '/api/v1/me/tax-profile'],
        ['GET', '/api/v1/me/tax-years/2026'],
      ] as const) {
        assert.equal((await call(viewer, method, url, method === 'PUT' ? { country: 'US', formType: 'w9' } : undefined)).statusCode, 403, `${method} ${url}`);
        assert.equal((await t.app.inject({ method, url })).statusCode, 401);
      }
    });

    it('the year’s report values each diamond at the value in force when it was earned and lists the payouts paid in it', async () => {
      const creator = await payoutReadyCreator(t);
      const year = t.clock.now().getUTCFullYear();
      await earnDiamonds(t, creator, 8);
      const payout = await call(creator, 'POST', '/api/v1/payouts', { diamonds: 4000, methodId: creator.methodId }, { 'idempotency-key': `tax-year-payout-${creator.id}` });
      assert.equal(payout.json().payout.status, 'paid', payout.body);
      // Diamonds earned from a moment on are worth 0.01 USD; the 8,000 before keep 0.005. (The ledger stamps transfers with the real time.)
      const from = new Date(Date.now() + START_DELAY_MS).toISOString();
      const value = await call(admin, 'POST', '/api/v1/admin/diamond-values', { amount: '0.01', effectiveFrom: from });
      assert.equal(value.statusCode, 201, value.body);
      await sleep(START_DELAY_MS);
      await earnDiamonds(t, creator, 2);

      const report = await call(creator, 'GET', `/api/v1/me/tax-years/${year}`);
      assert.equal(report.statusCode, 200, report.body);
      const body = report.json();
      assert.equal(body.diamondsEarned, 10_000);
      assert.deepEqual(body.earnedValue, { amount: 8000 * 0.5 + 2000 * 1, currency: 'USD' });
      assert.deepEqual(
        body.byValue.map((lot: { effectiveFrom: string | null; diamonds: number }) => [lot.effectiveFrom, lot.diamonds]),
        [
          [null, 8000],
          [from, 2000],
        ],
      );
      assert.equal(body.payouts.length, 1);
      assert.deepEqual(body.payouts[0].amount, { amount: 2000, currency: 'USD' });
      assert.deepEqual(body.paidOut, [{ amount: 2000, currency: 'USD' }]);

      const csv = await call(creator, 'GET', `/api/v1/me/tax-years/${year}?format=csv`);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.ok(csv.body.includes(`${year},total_earned,,,10000,6000,USD,\r\n`), csv.body);
      assert.ok(csv.body.includes(`${year},total_paid_out,,,4000,2000,USD,\r\n`), csv.body);

      const earlier = (await call(creator, 'GET', `/api/v1/me/tax-years/${year - 1}`)).json();
      assert.equal(earlier.diamondsEarned, 0);
      assert.deepEqual(earlier.payouts, []);
      assert.equal((await call(creator, 'GET', '/api/v1/me/tax-years/26')).statusCode, 400);
    });
  });
}
