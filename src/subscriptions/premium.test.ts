import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, buyCoins, viewerWithCoins } from '../gifts/testing/payments.js';
import { COIN, platformAccountId, userCoinWalletId } from '../ledger/index.js';
import { assertAuditPasses } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

const PLAN = { name: 'Ovation Premium', priceCoins: 300, perks: ['No ads', '10% more coins'], open: true, purchaseBonusPercent: 10, adFree: true, badge: '⭐' };

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`the premium plan on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0' } });
      admin = await createSignedInAdmin(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const setPlan = (body: Record<string, unknown>, user = admin) => t.app.inject({ method: 'PUT', url: '/api/v1/admin/premium', headers: user.headers, payload: body });
    const join = (user: SignedInUser, key = `join-${user.id}`) => t.app.inject({ method: 'POST', url: '/api/v1/premium', headers: { ...user.headers, 'idempotency-key': key }, payload: {} });
    const entitlements = async (user: SignedInUser) => (await t.app.inject({ method: 'GET', url: '/api/v1/me/entitlements', headers: user.headers })).json().premium;

    it('is offered once the operator sets it up, and only an admin may', async () => {
      assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/premium' }), 404, 'premium_not_offered');
      const viewer = await signUpAndLogIn(t);
      assertRefused(await setPlan(PLAN, viewer), 403, 'role_required');
      assertRefused(await setPlan({ ...PLAN, badge: '' }), 400, 'invalid_badge');
      assertRefused(await setPlan({ ...PLAN, purchaseBonusPercent: 101 }), 400, 'invalid_bonus');
      const set = await setPlan(PLAN);
      assert.equal(set.statusCode, 200, set.body);
      const offered = await t.app.inject({ method: 'GET', url: '/api/v1/premium' });
      const { updatedAt: _at, ...plan } = offered.json().plan;
      assert.deepEqual(plan, PLAN);
    });

    it('takes a member’s coins for the platform, with no creator’s diamonds, and gives the perks the entitlements API reports', async () => {
      const member = await viewerWithCoins(t);
      assert.deepEqual(await entitlements(member), { active: false, subscriptionId: null, until: null, renews: false, adFree: false, badge: null, purchaseBonusPercent: 0 });
      const sinkBefore = await balanceOf(t, platformAccountId('gift_sink', COIN));
      const joined = await join(member);
      assert.equal(joined.statusCode, 201, joined.body);
      const { subscription, payment } = joined.json();
      assert.deepEqual([subscription.creatorName, subscription.tier.name, payment.coins, payment.diamonds], ['Ovation Premium', 'Ovation Premium', 300, 0]);
      assert.equal(await balanceOf(t, userCoinWalletId(member.id)), 540n);
      assert.equal((await balanceOf(t, platformAccountId('gift_sink', COIN))) - sinkBefore, 300n);
      const transfer = await t.ledger.getTransfer(payment.transferId);
      assert.deepEqual(
        transfer!.legs.map((leg) => leg.asset),
        ['COIN', 'COIN'],
        'coins only: no creator earns diamonds',
      );
      const perks = await entitlements(member);
      assert.deepEqual([perks.active, perks.adFree, perks.badge, perks.purchaseBonusPercent, perks.renews, perks.until], [true, true, '⭐', 10, true, subscription.currentPeriodEnd]);
      const forOperator = await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/${member.id}/entitlements`, headers: admin.headers });
      assert.deepEqual(forOperator.json().premium, perks);
      assertRefused(await t.app.inject({ method: 'GET', url: `/api/v1/admin/users/${member.id}/entitlements`, headers: member.headers }), 403, 'role_required');

      // Every purchase while a member carries the plan's bonus: 10% of 700 coins.
      await buyCoins(t, member, ['pkg_web_700']);
      assert.equal(await balanceOf(t, userCoinWalletId(member.id)), 540n + 700n + 70n);
      assertRefused(await join(member, 'again'), 409, 'already_subscribed');
      await assertAuditPasses(t, 'with a premium member');
    });

    it('renews, cancels and ends by the rules of subscriptions; a closed plan takes no one new and keeps its members', async () => {
      const member = await viewerWithCoins(t);
      const leaving = await viewerWithCoins(t);
      const minor = await signUpAndLogIn(t, { ageYears: 15 });
      assertRefused(await join(minor), 403, 'age_restricted');
      const kept = (await join(member)).json().subscription;
      const left = (await join(leaving)).json().subscription;
      assert.equal((await t.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${left.id}/cancel`, headers: leaving.headers })).statusCode, 200);
      assert.equal((await entitlements(leaving)).renews, false);

      assert.equal((await setPlan({ ...PLAN, priceCoins: 500, open: false })).statusCode, 200);
      const latecomer = await viewerWithCoins(t);
      assertRefused(await join(latecomer), 409, 'tier_closed');

      t.clock.advance(Date.parse(kept.currentPeriodEnd) - t.clock.now().getTime() + 1000);
      await t.services.subscriptions.renewDue();
      assert.equal(await balanceOf(t, userCoinWalletId(member.id)), 840n - 600n, 'renewed at the price they joined at');
      assert.equal(await balanceOf(t, userCoinWalletId(leaving.id)), 540n, 'the cancelled membership was not renewed');
      // A month on, their sessions have expired: the operator's server asks for them.
      assert.equal((await t.services.premium.entitlements(leaving.id)).premium.active, false);
      const memberPerks = (await t.services.premium.entitlements(member.id)).premium;
      assert.deepEqual([memberPerks.active, memberPerks.adFree], [true, true]);
      await assertAuditPasses(t, 'after premium renewals');
    });
  });
}
