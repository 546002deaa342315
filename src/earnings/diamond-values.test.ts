import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout } from 'node:timers/promises';
import { createSignedInAdmin, signUpAndLogIn, stepUp, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { DIAMOND, platformAccountId, userDiamondWalletId } from '../ledger/index.js';
import { assertAuditPasses, payoutReadyCreator } from '../payouts/testing/creators.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

const HOUR_MS = 3_600_000;
const START_DELAY_MS = 1_500;
/** PAYOUT_FIRST_HOLD_DAYS and a day. */
const FIRST_PAYOUT_WAIT_MS = 8 * 24 * HOUR_MS;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`the diamond's cash value over time on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    const run = randomBytes(4).toString('hex');
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    /** Diamonds into the creator's wallet, as gifts move them. */
    const earn = (creatorId: string, diamonds: number) =>
      t.ledger.submit({
        type: 'posted',
        idempotencyKey: `diamond-values-test:${run}:${++keyCounter}`,
        legs: [
          { accountId: userDiamondWalletId(creatorId), asset: DIAMOND, direction: 'credit', amount: diamonds },
          { accountId: platformAccountId('diamond_issuance', DIAMOND), asset: DIAMOND, direction: 'debit', amount: diamonds },
        ],
        metadata: {},
      });
    const get = (user: SignedInUser, url: string) => t.app.inject({ method: 'GET', url, headers: user.headers });
    const setValue = (user: SignedInUser, body: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/v1/admin/diamond-values', headers: user.headers, payload: body });
    const cashValueOf = async (creator: SignedInUser) => {
      const response = await get(creator, '/api/v1/creator/earnings');
      assert.equal(response.statusCode, 200, response.body);
      return response.json().cashValue as { amount: number; currency: string };
    };
    const inHours = (hours: number) => new Date(t.clock.now().getTime() + hours * HOUR_MS).toISOString();

    it('a new value counts for diamonds earned from its start: balances earned before keep their value, and a payout takes them first', async () => {
      const creator = await payoutReadyCreator(t);
      const viewer = await signUpAndLogIn(t);
      await earn(creator.id, 2_000);
      assert.deepEqual(await cashValueOf(creator), { amount: 1_000, currency: 'USD' }, '2,000 diamonds at PAYOUT_DIAMOND_VALUE 0.005 USD');

      // Refused changes change nothing.
      const before = (await get(admin, '/api/v1/admin/diamond-values')).json().diamondValues;
      for (const [body, code] of [
        [{ amount: '0.01', effectiveFrom: inHours(-1) }, 'effective_date_not_future'],
        [{ amount: '0.01', effectiveFrom: 'tomorrow' }, 'invalid_date'],
        [{ amount: '0,01', effectiveFrom: inHours(1) }, 'invalid_diamond_value'],
        [{ amount: '0', effectiveFrom: inHours(1) }, 'invalid_diamond_value'],
      ] as const) {
        const refused = await setValue(admin, body);
        assert.equal(refused.statusCode, 400, refused.body);
        assert.equal(refused.json().error.code, code);
      }
      for (const [user, response] of [
        [creator, await setValue(creator, { amount: '0.01', effectiveFrom: inHours(1) })],
        [creator, await get(creator, '/api/v1/admin/diamond-values')],
        [viewer, await get(viewer, '/api/v1/creator/rate-card')],
      ] as const) {
        assert.equal(response.statusCode, 403, `${user.id}: ${response.body}`);
      }
      assert.deepEqual((await get(admin, '/api/v1/admin/diamond-values')).json().diamondValues, before);

      // Soon: the ledger stamps transfers with the real time, which the test clock does not move.
      const effectiveFrom = new Date(Date.now() + START_DELAY_MS).toISOString();
      const set = await setValue(admin, { amount: '0.01', effectiveFrom });
      assert.equal(set.statusCode, 201, set.body);
      assert.deepEqual(set.json().diamondValue, { effectiveFrom, effectiveUntil: null, amount: '0.01', currency: 'USD', setBy: admin.id });
      assert.deepEqual(await cashValueOf(creator), { amount: 1_000, currency: 'USD' }, 'a scheduled value changes nothing yet');

      await setTimeout(START_DELAY_MS);
      assert.deepEqual(await cashValueOf(creator), { amount: 1_000, currency: 'USD' }, 'diamonds earned before the new value keep theirs');
      const card = (await get(creator, '/api/v1/creator/rate-card')).json();
      assert.equal(card.current.amount, '0.01');
      assert.deepEqual(
        card.diamondValues.map((rate: { effectiveFrom: string | null; effectiveUntil: string | null; amount: string }) => [rate.effectiveFrom, rate.effectiveUntil, rate.amount]),
        [
          [null, effectiveFrom, '0.005'],
          [effectiveFrom, null, '0.01'],
        ],
      );
      assert.equal(typeof card.sharePercent, 'number');

      await earn(creator.id, 1_000);
      assert.deepEqual(await cashValueOf(creator), { amount: 2_000, currency: 'USD' }, '2,000 diamonds at 0.005 and 1,000 at 0.01');
      // A payout of 2,500, once the first payout's wait is over, takes the 2,000 oldest first, then 500 of the new ones.
      t.clock.advance(FIRST_PAYOUT_WAIT_MS);
      await stepUp(t, creator);
      const payout = await t.app.inject({
        method: 'POST',
        url: '/api/v1/payouts',
        headers: { ...creator.headers, 'idempotency-key': `diamond-values-test:${run}:payout` },
        payload: { diamonds: 2_500, methodId: creator.methodId },
      });
      assert.equal(payout.statusCode, 201, payout.body);
      assert.deepEqual(payout.json().payout.amount, { amount: 1_000 + 500, currency: 'USD' });
      assert.deepEqual(await cashValueOf(creator), { amount: 2_000, currency: 'USD' }, 'the balance counts the held diamonds at their own values still');
      await assertAuditPasses(t);
    });

    it('two admins scheduling a value at the same instant at once: one is kept, the other is told', async () => {
      const second = await createSignedInAdmin(t);
      const effectiveFrom = inHours(24 * 30);
      const answers = await Promise.all([setValue(admin, { amount: '0.02', effectiveFrom }), setValue(second, { amount: '0.03', effectiveFrom })]);
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [201, 409]);
      const kept = (await get(admin, '/api/v1/admin/diamond-values')).json().diamondValues.filter((rate: { effectiveFrom: string }) => rate.effectiveFrom === effectiveFrom);
      assert.equal(kept.length, 1);
      assert.equal(kept[0].amount, answers.find((answer) => answer.statusCode === 201)!.json().diamondValue.amount);
    });
  });
}
