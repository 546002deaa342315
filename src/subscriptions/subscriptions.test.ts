import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, logIn, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, buyCoins, viewerWithCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { deliverDispute } from '../payments/testing/disputes.js';
import { assertAuditPasses } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { monthsAfter, upgradeCoins } from './periods.js';
import { createSubscriptions, type Subscription, type SubscriptionPayment } from './subscriptions.js';

const DAY_MS = 86_400_000;

describe('subscription periods', () => {
  it('end a whole number of months after the run began, on its day or the last day of a shorter month', () => {
    const anchor = new Date('2027-01-31T10:00:00.000Z');
    assert.deepEqual(
      [1, 2, 3, 13].map((months) => monthsAfter(anchor, months).toISOString()),
      ['2027-02-28T10:00:00.000Z', '2027-03-31T10:00:00.000Z', '2027-04-30T10:00:00.000Z', '2028-02-29T10:00:00.000Z'],
    );
  });

  it('prorate a move up by the time left, rounded down to whole coins and at least one', () => {
    const periodStart = new Date('2027-04-01T00:00:00.000Z');
    const periodEnd = new Date('2027-05-01T00:00:00.000Z');
    const at = (day: number) => new Date(Date.UTC(2027, 3, day));
    assert.equal(upgradeCoins({ fromPriceCoins: 100, toPriceCoins: 400, periodStart, periodEnd, at: at(1) }), 300);
    assert.equal(upgradeCoins({ fromPriceCoins: 100, toPriceCoins: 400, periodStart, periodEnd, at: at(16) }), 150);
    assert.equal(upgradeCoins({ fromPriceCoins: 100, toPriceCoins: 107, periodStart, periodEnd, at: at(21) }), 2, '7 × 10/30 = 2.33 coins, rounded down');
    assert.equal(upgradeCoins({ fromPriceCoins: 100, toPriceCoins: 400, periodStart, periodEnd, at: periodEnd }), 1);
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`subscriptions on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let keyCounter = 0;
    before(async () => {
      // Renewals are run by hand here; the job's timer stays off.
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0', SUBSCRIPTION_GRACE_DAYS: '3' } });
      creator = await signUpCreator(t);
      await setTiers(creator, [
        { level: 1, name: 'Fan', priceCoins: 100, perks: ['Badge in chat'] },
        { level: 2, name: 'Super fan', priceCoins: 300, perks: ['Badge in chat', 'Emotes'] },
      ]);
    });
    after(async () => {
      await t?.destroy();
    });

    /** The user's headers, signing in again once the moved clock has taken their session past half its 30 days. */
    const signedInAt = new Map<string, number>();
    const headersOf = async (user: SignedInUser) => {
      const at = signedInAt.get(user.id);
      if (at === undefined) signedInAt.set(user.id, t.clock.now().getTime());
      else if (t.clock.now().getTime() - at > 15 * DAY_MS) {
        Object.assign(user, await logIn(t, user.email, user.password, user.id));
        signedInAt.set(user.id, t.clock.now().getTime());
      }
      return user.headers;
    };
    const setTiers = async (user: SignedInUser, tiers: unknown[]) => t.app.inject({ method: 'PUT', url: '/api/v1/creator/subscription-tiers', headers: await headersOf(user), payload: { tiers } });
    const subscribe = async (user: SignedInUser, body: Record<string, unknown>, key = `sub-${++keyCounter}`) =>
      t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: { ...(await headersOf(user)), 'idempotency-key': key }, payload: { creatorId: creator.id, ...body } });
    const action = async (user: SignedInUser, id: string, verb: 'cancel' | 'resume' | 'renew') =>
      t.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${id}/${verb}`, headers: await headersOf(user) });
    const changeTier = async (user: SignedInUser, id: string, level: number, key = `tier-${++keyCounter}`) =>
      t.app.inject({ method: 'POST', url: `/api/v1/subscriptions/${id}/tier`, headers: { ...(await headersOf(user)), 'idempotency-key': key }, payload: { level } });
    const read = async (user: SignedInUser, id: string) => {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/subscriptions/${id}`, headers: await headersOf(user) });
      assert.equal(response.statusCode, 200, response.body);
      return response.json() as { subscription: Subscription; payments: SubscriptionPayment[] };
    };
    const coinsOf = (user: SignedInUser) => balanceOf(t, userCoinWalletId(user.id));
    const subscriptionTransfers = async (subscriptionId: string) =>
      (await t.db.kysely.selectFrom('ledger_transfers').select('idempotency_key').where('idempotency_key', 'like', `sub:${subscriptionId}:%`).execute()).map((row) => row.idempotency_key).sort();
    /** Moves the clock to just after the subscription's period ends. */
    const toPeriodEnd = (subscription: { currentPeriodEnd: string }) => t.clock.advance(Date.parse(subscription.currentPeriodEnd) - t.clock.now().getTime() + 1000);
    /** Spends the viewer's coins down to `left` on a month of another creator's subscription. */
    const spendAllBut = async (viewer: SignedInUser, left: bigint) => {
      const other = await signUpCreator(t);
      assert.equal((await setTiers(other, [{ level: 1, name: 'Everything', priceCoins: Number((await coinsOf(viewer)) - left) }])).statusCode, 200);
      const paid = await t.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: { ...(await headersOf(viewer)), 'idempotency-key': `drain-${viewer.id}` },
        payload: { creatorId: other.id, level: 1, confirm: true },
      });
      assert.equal(paid.statusCode, 201, paid.body);
      assert.equal(await coinsOf(viewer), left);
    };
    /** Webhook events committed: with a payment's transfer (the ledger's outbox), or with a change that moved no coins. */
    const webhookEvents = async (event: string) =>
      [
        ...(await t.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'webhook').execute()),
        ...(await t.db.kysely.selectFrom('event_outbox').select('payload').where('topic', '=', 'webhook').execute()),
      ]
        .map((row) => JSON.parse(row.payload) as { event: string; data: Record<string, unknown> })
        .filter((message) => message.event === event);

    it('lets a creator offer up to three tiers whose prices rise with the level, and shows viewers the open ones', async () => {
      const other = await signUpCreator(t);
      assertRefused(
        await setTiers(other, [
          { level: 1, name: 'A', priceCoins: 200 },
          { level: 2, name: 'B', priceCoins: 200 },
        ]),
        400,
        'tier_prices_out_of_order',
      );
      assertRefused(await setTiers(other, [{ level: 1, name: '  ', priceCoins: 200 }]), 400, 'invalid_tier_name');
      assertRefused(await setTiers(other, [{ level: 1, name: 'A', priceCoins: 0 }]), 400, 'invalid_tier_price');
      assertRefused(
        await setTiers(other, [
          { level: 1, name: 'A', priceCoins: 10 },
          { level: 1, name: 'B', priceCoins: 20 },
        ]),
        400,
        'duplicate_tier_level',
      );
      const set = await setTiers(other, [
        { level: 1, name: 'Bronze', priceCoins: 50 },
        { level: 3, name: 'Gold', priceCoins: 900, perks: ['  Shout-out  '] },
      ]);
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(
        set.json().tiers.map((tier: { level: number; name: string; priceCoins: number; perks: string[] }) => [tier.level, tier.name, tier.priceCoins, tier.perks]),
        [
          [1, 'Bronze', 50, []],
          [3, 'Gold', 900, ['Shout-out']],
        ],
      );
      // Leaving a level out closes it: viewers no longer see it, the creator still does.
      assert.equal((await setTiers(other, [{ level: 3, name: 'Gold', priceCoins: 900 }])).statusCode, 200);
      const handle = (await t.db.kysely.selectFrom('users').select('handle').where('id', '=', other.id).executeTakeFirstOrThrow()).handle;
      const offered = await t.app.inject({ method: 'GET', url: `/api/v1/users/${handle}/subscription-tiers` });
      assert.deepEqual(
        offered.json().tiers.map((tier: { level: number }) => tier.level),
        [3],
      );
      const own = await t.app.inject({ method: 'GET', url: '/api/v1/creator/subscription-tiers', headers: other.headers });
      assert.deepEqual(
        own.json().tiers.map((tier: { level: number; open: boolean }) => [tier.level, tier.open]),
        [
          [1, false],
          [3, true],
        ],
      );
      const viewer = await signUpAndLogIn(t);
      assertRefused(await setTiers(viewer, []), 403, 'role_required');
    });

    it('subscribes in coins: one month paid, the creator earns their share, a retry answers the same payment and another key is refused', async () => {
      const viewer = await viewerWithCoins(t);
      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));
      const subscribed = await subscribe(viewer, { level: 1 }, 'first-sub');
      assert.equal(subscribed.statusCode, 201, subscribed.body);
      const { subscription, payment } = subscribed.json();
      assert.equal(subscription.status, 'active');
      assert.deepEqual([subscription.tier, subscription.priceCoins, subscription.streakMonths, subscription.totalMonths, subscription.hasAccess], [{ level: 1, name: 'Fan' }, 100, 1, 1, true]);
      assert.equal(subscription.currentPeriodEnd, monthsAfter(new Date(subscription.currentPeriodStart), 1).toISOString());
      assert.equal(subscription.renewsAt, subscription.currentPeriodEnd);
      assert.deepEqual([payment.kind, payment.periodIndex, payment.coins, payment.diamonds], ['period', 1, 100, 100]);
      assert.equal(await coinsOf(viewer), 740n);
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, 100n, '100 coins × 2 diamonds × 50%');

      const retried = await subscribe(viewer, { level: 1 }, 'first-sub');
      assert.equal(retried.statusCode, 201);
      assert.equal(retried.headers['idempotent-replayed'], 'true');
      assert.equal(retried.json().payment.transferId, payment.transferId);
      assertRefused(await subscribe(viewer, { level: 2 }), 409, 'already_subscribed');
      assert.equal(await coinsOf(viewer), 740n, 'charged once');
      assert.deepEqual(await subscriptionTransfers(subscription.id), [`sub:${subscription.id}:1`]);
      const started = (await webhookEvents('subscription.started')).filter((event) => event.data.subscriptionId === subscription.id);
      assert.equal(started.length, 1);
      assert.deepEqual([started[0]!.data.coins, started[0]!.data.subscriberId], [100, viewer.id]);

      const subscribers = await t.app.inject({ method: 'GET', url: '/api/v1/creator/subscribers', headers: creator.headers });
      assert.ok(subscribers.json().subscribers.some((row: { userId: string; tierLevel: number }) => row.userId === viewer.id && row.tierLevel === 1));
    });

    it('refuses a minor, a subscription to oneself, a closed or unknown tier and a viewer short of coins, charging nothing', async () => {
      const minor = await signUpAndLogIn(t, { ageYears: 16 });
      assertRefused(await subscribe(minor, { level: 1 }), 403, 'age_restricted');
      assertRefused(await subscribe(creator, { level: 1 }), 400, 'cannot_subscribe_to_yourself');
      const viewer = await viewerWithCoins(t);
      assertRefused(await subscribe(viewer, { level: 3 }), 404, 'tier_not_found');
      const poor = await signUpAndLogIn(t);
      const refused = await subscribe(poor, { level: 1 });
      assertRefused(refused, 402, 'insufficient_coins');
      assert.match(refused.json().error.message, /costs 100 coins and you have 0/);
      const mine = await t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: poor.headers });
      assert.deepEqual(mine.json().subscriptions, [], 'a subscription never paid is not listed');
    });

    it('renews exactly once per period while two server processes run the renewal job at the same time', async () => {
      const second = await createTestApp(engine, { sharing: t, env: { SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0' } });
      try {
        const viewers = await Promise.all([viewerWithCoins(t), viewerWithCoins(t), viewerWithCoins(t)]);
        const subscriptions: { id: string; currentPeriodStart: string; currentPeriodEnd: string }[] = [];
        for (const viewer of viewers) subscriptions.push((await subscribe(viewer, { level: 1 })).json().subscription);
        toPeriodEnd(subscriptions[0]!);
        second.clock.advance(t.clock.now().getTime() - second.clock.now().getTime());
        const reports = await Promise.all([t.services.subscriptions.renewDue(), second.services.subscriptions.renewDue(), t.services.subscriptions.renewDue()]);
        assert.ok(reports.reduce((sum, report) => sum + report.renewed, 0) >= 3, JSON.stringify(reports));
        for (const [index, viewer] of viewers.entries()) {
          const subscription = subscriptions[index]!;
          assert.deepEqual(await subscriptionTransfers(subscription.id), [`sub:${subscription.id}:1`, `sub:${subscription.id}:2`]);
          assert.equal(await coinsOf(viewer), 640n, 'two months of 100 coins');
          const renewed = await read(viewer, subscription.id);
          assert.deepEqual([renewed.subscription.streakMonths, renewed.subscription.totalMonths], [2, 2]);
          assert.equal(renewed.subscription.currentPeriodStart, subscription.currentPeriodEnd, 'the new month starts where the last ended');
          assert.equal(renewed.subscription.currentPeriodEnd, monthsAfter(new Date(subscription.currentPeriodStart), 2).toISOString());
          assert.deepEqual(
            renewed.payments.map((payment) => payment.periodIndex),
            [2, 1],
          );
        }
        // Running again changes nothing until the next month is due.
        const again = await Promise.all([t.services.subscriptions.renewDue(), second.services.subscriptions.renewDue()]);
        assert.deepEqual(
          again.map((report) => report.renewed),
          [0, 0],
        );
      } finally {
        await second.destroy();
      }
      await assertAuditPasses(t, 'after concurrent renewals');
    });

    it('enters grace when the coins fall short, keeps access while it lasts, and ends when it passes unpaid', async () => {
      const viewer = await viewerWithCoins(t);
      const subscription = (await subscribe(viewer, { level: 2 })).json().subscription;
      await spendAllBut(viewer, 40n);
      toPeriodEnd(subscription);
      const report = await t.services.subscriptions.renewDue();
      assert.ok(report.failed >= 1);
      const pastDue = (await read(viewer, subscription.id)).subscription;
      assert.deepEqual([pastDue.status, pastDue.hasAccess, pastDue.lastFailure], ['past_due', true, 'insufficient_coins']);
      assert.equal(Date.parse(pastDue.graceEndsAt!) - Date.parse(subscription.currentPeriodEnd), 3 * DAY_MS);
      assert.equal((await webhookEvents('subscription.past_due')).filter((event) => event.data.id === subscription.id).length, 1);
      assert.equal(await coinsOf(viewer), 40n, 'nothing charged');

      // Retried at the next attempt, still short; then the grace ends.
      t.clock.advance(DAY_MS);
      await t.services.subscriptions.renewDue();
      assert.equal((await read(viewer, subscription.id)).subscription.status, 'past_due');
      t.clock.advance(2 * DAY_MS + 1000);
      await t.services.subscriptions.renewDue();
      const ended = (await read(viewer, subscription.id)).subscription;
      assert.deepEqual([ended.status, ended.endedReason, ended.hasAccess, ended.renewsAt], ['ended', 'payment_failed', false, null]);
      assert.equal(await coinsOf(viewer), 40n);
      assert.deepEqual(await subscriptionTransfers(subscription.id), [`sub:${subscription.id}:1`]);
      await assertAuditPasses(t, 'after a lapse');

      // Subscribing again starts a new run: streak 1, total 2.
      await buyCoins(t, viewer, ['pkg_web_700']);
      const again = await subscribe(viewer, { level: 1 });
      assert.equal(again.statusCode, 201, again.body);
      assert.deepEqual([again.json().subscription.id, again.json().subscription.streakMonths, again.json().subscription.totalMonths], [subscription.id, 1, 2]);
    });

    it('recovers a past-due renewal paid within grace: the month starts where the last ended and the streak goes on', async () => {
      const viewer = await viewerWithCoins(t);
      const subscription = (await subscribe(viewer, { level: 1 })).json().subscription;
      await spendAllBut(viewer, 40n);
      toPeriodEnd(subscription);
      await t.services.subscriptions.renewDue();
      assert.equal((await read(viewer, subscription.id)).subscription.status, 'past_due');
      const short = await action(viewer, subscription.id, 'renew');
      assertRefused(short, 402, 'insufficient_coins');
      assert.match(short.json().error.message, /costs 100 coins and you have 40/);
      await buyCoins(t, viewer, ['pkg_web_350']);
      t.clock.advance(DAY_MS);
      const renewed = await action(viewer, subscription.id, 'renew');
      assert.equal(renewed.statusCode, 200, renewed.body);
      const after = renewed.json().subscription;
      assert.deepEqual([after.status, after.streakMonths, after.currentPeriodStart, after.graceEndsAt, after.lastFailure], ['active', 2, subscription.currentPeriodEnd, null, null]);
      assertRefused(await action(viewer, subscription.id, 'renew'), 409, 'nothing_to_renew');
    });

    it('keeps access after a cancel until the period ends, then ends without a charge; a resume before then renews as before', async () => {
      const leaving = await viewerWithCoins(t);
      const staying = await viewerWithCoins(t);
      const left = (await subscribe(leaving, { level: 1 })).json().subscription;
      const stayed = (await subscribe(staying, { level: 1 })).json().subscription;
      const cancelled = await action(leaving, left.id, 'cancel');
      assert.equal(cancelled.statusCode, 200, cancelled.body);
      assert.deepEqual([cancelled.json().subscription.cancelAtPeriodEnd, cancelled.json().subscription.hasAccess, cancelled.json().subscription.renewsAt], [true, true, null]);
      await action(staying, stayed.id, 'cancel');
      assert.equal((await action(staying, stayed.id, 'resume')).json().subscription.cancelAtPeriodEnd, false);
      const outsider = await signUpAndLogIn(t);
      assertRefused(await action(outsider, left.id, 'cancel'), 404, 'subscription_not_found');

      toPeriodEnd(left);
      await t.services.subscriptions.renewDue();
      const ended = (await read(leaving, left.id)).subscription;
      assert.deepEqual([ended.status, ended.endedReason, ended.endedAt, ended.hasAccess], ['ended', 'canceled', left.currentPeriodEnd, false]);
      assert.equal(await coinsOf(leaving), 740n, 'the cancelled month was not charged');
      assert.equal((await read(staying, stayed.id)).subscription.totalMonths, 2);
      assertRefused(await action(leaving, left.id, 'resume'), 409, 'subscription_ended');
    });

    it('moves up at once for the prorated difference and down at the next renewal', async () => {
      const viewer = await viewerWithCoins(t);
      const subscription = (await subscribe(viewer, { level: 1 })).json().subscription;
      const periodMs = Date.parse(subscription.currentPeriodEnd) - Date.parse(subscription.currentPeriodStart);
      t.clock.advance(Math.floor(periodMs / 2));
      const up = await changeTier(viewer, subscription.id, 2, 'move-up');
      assert.equal(up.statusCode, 200, up.body);
      const paid = up.json().payment;
      assert.equal(paid.kind, 'upgrade');
      assert.ok(paid.coins === 100 || paid.coins === 99, `half a month of the 200-coin difference: ${paid.coins}`);
      assert.deepEqual([up.json().subscription.tier.level, up.json().subscription.priceCoins], [2, 300]);
      const retried = await changeTier(viewer, subscription.id, 2, 'move-up');
      assert.equal(retried.json().payment.transferId, paid.transferId);
      assert.equal(await coinsOf(viewer), 840n - 100n - BigInt(paid.coins));

      const down = await changeTier(viewer, subscription.id, 1);
      assert.deepEqual([down.json().payment, down.json().subscription.tier.level, down.json().subscription.nextTier?.level], [null, 2, 1]);
      toPeriodEnd(subscription);
      await t.services.subscriptions.renewDue();
      const renewed = await read(viewer, subscription.id);
      assert.deepEqual([renewed.subscription.tier.level, renewed.subscription.priceCoins, renewed.subscription.nextTier, renewed.payments[0]!.coins], [1, 100, null, 100]);
    });

    it('claws a subscription month back from the creator when the purchase that paid it is charged back', async () => {
      const clawedCreator = await signUpCreator(t);
      await setTiers(clawedCreator, [{ level: 1, name: 'Fan', priceCoins: 700 }]);
      const thief = await viewerWithCoins(t);
      const subscribed = await t.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: { ...(await headersOf(thief)), 'idempotency-key': 'stolen' },
        payload: { creatorId: clawedCreator.id, level: 1 },
      });
      assert.equal(subscribed.statusCode, 201, subscribed.body);
      assert.equal(await balanceOf(t, userDiamondWalletId(clawedCreator.id)), 700n);
      const { response } = await deliverDispute(t, thief);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(await balanceOf(t, userDiamondWalletId(clawedCreator.id)), 0n, "the month's diamonds were taken back");
      await assertAuditPasses(t, 'after a clawback of a subscription month');
    });

    it('never charges a renewal decided before a cancel that committed first', async () => {
      const viewer = await viewerWithCoins(t);
      const subscription = (await subscribe(viewer, { level: 1 })).json().subscription;
      toPeriodEnd(subscription);
      // A renewal whose authorization is read, then the subscriber's cancel commits, then the renewal charges.
      let cancelled = false;
      const racing = createSubscriptions({
        db: t.db,
        ledger: t.ledger,
        lives: t.lives,
        viewersIn: (liveId) => t.services.rooms.viewersHere(liveId),
        accounts: {
          namesOf: (ids) => t.accounts.namesOf(ids),
          getUser: (id) => t.accounts.getUser(id),
          async authorizePayment(input) {
            const authorization = await t.accounts.authorizePayment(input);
            if (!cancelled) {
              cancelled = true;
              await t.db.kysely.updateTable('subscriptions').set({ cancel_at_period_end: 1n }).where('id', '=', subscription.id).execute();
            }
            return authorization;
          },
        },
        tiers: t.services.subscriptionTiers,
        shares: t.services.creatorTiers,
        events: t.relay,
        config: { graceMs: DAY_MS, retryIntervalMs: DAY_MS, renewalIntervalMs: 0, diamondsPerCoin: 2, confirmCoins: 5000 },
        now: t.clock.now,
      });
      await racing.renewDue();
      const ended = (await read(viewer, subscription.id)).subscription;
      assert.deepEqual([ended.status, ended.endedReason], ['ended', 'canceled']);
      assert.deepEqual(await subscriptionTransfers(subscription.id), [`sub:${subscription.id}:1`], 'the ledger refused the charge decided before the cancel');
      assert.equal(await coinsOf(viewer), 740n);
    });

    it('charges once when one viewer subscribes many times at once', async () => {
      const viewer = await viewerWithCoins(t);
      const attempts = await Promise.all(Array.from({ length: 8 }, (_, index) => subscribe(viewer, { level: index % 2 === 0 ? 1 : 2 }, `rush-${index}`)));
      const created = attempts.filter((response) => response.statusCode === 201);
      assert.equal(created.length, 1, attempts.map((response) => `${response.statusCode} ${response.body}`).join('\n'));
      for (const refused of attempts.filter((response) => response.statusCode !== 201)) assertRefused(refused, 409, 'already_subscribed');
      const charged = created[0]!.json().payment.coins as number;
      assert.equal(await coinsOf(viewer), 840n - BigInt(charged));
      await assertAuditPasses(t, 'after concurrent subscribes');
    });

    it('lets an admin list subscriptions and end one at once; a viewer may not', async () => {
      const viewer = await viewerWithCoins(t);
      const subscription = (await subscribe(viewer, { level: 1 })).json().subscription;
      assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/admin/subscriptions', headers: viewer.headers }), 403, 'role_required');
      const admin = await createSignedInAdmin(t);
      const listed = await t.app.inject({ method: 'GET', url: `/api/v1/admin/subscriptions?subscriberId=${viewer.id}`, headers: admin.headers });
      assert.deepEqual(
        listed.json().subscriptions.map((row: { id: string }) => row.id),
        [subscription.id],
      );
      const ended = await t.app.inject({ method: 'POST', url: `/api/v1/admin/subscriptions/${subscription.id}/cancel`, headers: admin.headers, payload: { now: true } });
      assert.equal(ended.statusCode, 200, ended.body);
      assert.deepEqual([ended.json().subscription.status, ended.json().subscription.endedReason, ended.json().subscription.hasAccess], ['ended', 'closed_by_admin', false]);
    });
  });
}
