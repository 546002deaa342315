import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { logIn, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, buyCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { deliverDispute } from '../payments/testing/disputes.js';
import { assertAuditPasses } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { offerTiers } from './testing/tiers.js';
import type { Subscription } from './subscriptions.js';

/** Sandbox test cards: one that always pays, and one whose first charge pays and every later one is declined. */
const GOOD_CARD = '4242424242424242';
const FAILS_LATER_CARD = '4000000000000341';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`subscriptions paid by card on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0' } });
      creator = await signUpCreator(t);
      await offerTiers(t, creator, [{ level: 1, name: 'Fan', priceCoins: 100 }]);
    });
    after(async () => {
      await t?.destroy();
    });

    /** The user signed in afresh: a month on the test clock outlives a session. */
    const again = async (user: SignedInUser) => Object.assign(user, await logIn(t, user.email, user.password, user.id));
    const saveCard = async (user: SignedInUser, card: string): Promise<string> => {
      const saved = await t.app.inject({ method: 'POST', url: '/api/v1/me/cards', headers: user.headers, payload: { card } });
      assert.equal(saved.statusCode, 201, saved.body);
      return saved.json().card.id;
    };
    const subscribeByCard = (user: SignedInUser, cardId: string, key = `card-sub-${user.id}`) =>
      t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: { ...user.headers, 'idempotency-key': key }, payload: { creatorId: creator.id, level: 1, cardId } });
    const read = async (user: SignedInUser, id: string): Promise<Subscription> => (await t.services.subscriptions.get(user.id, id)).subscription;
    const cardCharges = async (user: SignedInUser) =>
      (
        await t.db.kysely.selectFrom('sandbox_payments as p').innerJoin('orders as o', 'o.id', 'p.order_id').select(['p.status']).where('o.user_id', '=', user.id).orderBy('p.created_at').execute()
      ).map((row) => row.status);
    const toPeriodEnd = (subscription: Subscription) => t.clock.advance(Date.parse(subscription.currentPeriodEnd!) - t.clock.now().getTime() + 1000);

    it('buys each month’s coins with the saved card; a renewal the card declines goes into grace and recovers with another card', async () => {
      const viewer = await signUpAndLogIn(t);
      const failingCard = await saveCard(viewer, FAILS_LATER_CARD);
      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));
      const subscribed = await subscribeByCard(viewer, failingCard);
      assert.equal(subscribed.statusCode, 201, subscribed.body);
      const subscription: Subscription = subscribed.json().subscription;
      assert.deepEqual([subscription.status, subscription.cardId, subscribed.json().payment.coins], ['active', failingCard, 100]);
      assert.deepEqual(await cardCharges(viewer), ['succeeded'], 'the first month was charged to the card');
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, 100n, 'the creator earns as from coins');
      const coinsAfterFirstMonth = await balanceOf(t, userCoinWalletId(viewer.id));

      toPeriodEnd(subscription);
      await t.services.subscriptions.renewDue();
      const pastDue = await read(viewer, subscription.id);
      assert.deepEqual([pastDue.status, pastDue.lastFailure, pastDue.hasAccess], ['past_due', 'card_declined', true]);
      assert.deepEqual(await cardCharges(viewer), ['succeeded', 'failed']);
      assert.equal(await balanceOf(t, userCoinWalletId(viewer.id)), coinsAfterFirstMonth, 'a declined card moved no coins');

      await again(viewer);
      const refused = await t.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/renew`, headers: viewer.headers });
      assertRefused(refused, 402, 'card_declined');
      assert.deepEqual(await cardCharges(viewer), ['succeeded', 'failed', 'failed'], 'renewing now tried the card again');
      const goodCard = await saveCard(viewer, GOOD_CARD);
      const switched = await t.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/payment-method`, headers: viewer.headers, payload: { cardId: goodCard } });
      assert.equal(switched.json().subscription.cardId, goodCard);
      const renewed = await t.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${subscription.id}/renew`, headers: viewer.headers });
      assert.equal(renewed.statusCode, 200, renewed.body);
      assert.deepEqual([renewed.json().subscription.status, renewed.json().subscription.streakMonths, renewed.json().subscription.currentPeriodStart], ['active', 2, subscription.currentPeriodEnd]);
      assert.deepEqual(await cardCharges(viewer), ['succeeded', 'failed', 'failed', 'succeeded'], 'one more charge, to the new card');

      // Nothing more is due: the job charges no card again.
      await t.services.subscriptions.renewDue();
      assert.equal((await cardCharges(viewer)).length, 4);
      await assertAuditPasses(t, 'after a card renewal recovered');
    });

    it('charges the card once for a month while two server processes renew at the same time', async () => {
      const viewer = await signUpAndLogIn(t);
      const card = await saveCard(viewer, GOOD_CARD);
      const subscription: Subscription = (await subscribeByCard(viewer, card)).json().subscription;
      const second = await createTestApp(engine, { sharing: t, env: { SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0' } });
      try {
        toPeriodEnd(subscription);
        second.clock.advance(t.clock.now().getTime() - second.clock.now().getTime());
        await Promise.all([t.services.subscriptions.renewDue(), second.services.subscriptions.renewDue(), t.services.subscriptions.renewDue()]);
      } finally {
        await second.destroy();
      }
      assert.deepEqual(await cardCharges(viewer), ['succeeded', 'succeeded'], 'two months, two charges');
      assert.equal((await read(viewer, subscription.id)).totalMonths, 2);
      await assertAuditPasses(t, 'after concurrent card renewals');
    });

    it('refuses a renewal over the viewer’s budget before the card is charged', async () => {
      const viewer = await signUpAndLogIn(t);
      const card = await saveCard(viewer, GOOD_CARD);
      const budget = await t.app.inject({ method: 'PUT', url: '/api/v1/me/budget', headers: viewer.headers, payload: { daily: null, weekly: null, monthly: 150 } });
      assert.equal(budget.statusCode, 200, budget.body);
      const subscription: Subscription = (await subscribeByCard(viewer, card)).json().subscription;
      toPeriodEnd(subscription);
      await again(viewer);
      // 70 coins bought this month, and 100 more for the renewal would pass the monthly 150.
      await buyCoins(t, viewer, ['pkg_web_70']);
      const chargesBefore = (await cardCharges(viewer)).length;
      await t.services.subscriptions.renewDue();
      const refused = await read(viewer, subscription.id);
      assert.deepEqual([refused.status, refused.lastFailure], ['past_due', 'budget_exceeded']);
      assert.equal((await cardCharges(viewer)).length, chargesBefore, 'the card was not charged');
    });

    it('claws the month back from the creator when the card payment is charged back, and refuses a minor', async () => {
      const fraudCreator = await signUpCreator(t);
      await t.app.inject({ method: 'PUT', url: '/api/v1/creator/subscription-tiers', headers: fraudCreator.headers, payload: { tiers: [{ level: 1, name: 'Fan', priceCoins: 500 }] } });
      const thief = await signUpAndLogIn(t);
      const card = await saveCard(thief, GOOD_CARD);
      const subscribed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: { ...thief.headers, 'idempotency-key': 'stolen-card' },
        payload: { creatorId: fraudCreator.id, level: 1, cardId: card },
      });
      assert.equal(subscribed.statusCode, 201, subscribed.body);
      assert.equal(await balanceOf(t, userDiamondWalletId(fraudCreator.id)), 500n);
      const { response } = await deliverDispute(t, thief);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(await balanceOf(t, userDiamondWalletId(fraudCreator.id)), 0n, "the month's diamonds were taken back");
      await assertAuditPasses(t, 'after a charged-back card month');

      // A minor is refused before any card is looked at or charged.
      const minor = await signUpAndLogIn(t, { ageYears: 15 });
      assertRefused(await subscribeByCard(minor, 'card_anything'), 403, 'age_restricted');
    });
  });
}
