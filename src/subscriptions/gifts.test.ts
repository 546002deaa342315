import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { goLiveAs, joinRoom, type RoomClient } from '../live/testing/room-client.js';
import { assertAuditPasses } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { offerTiers } from './testing/tiers.js';
import type { Subscription } from './subscriptions.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`gifted subscriptions on ${engine}`, { skip }, () => {
    let t: TestApp;
    let base: string;
    let keyCounter = 0;
    const clients: RoomClient[] = [];
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0', ROOM_MAX_SOCKETS_PER_VIEWER: '1000' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    /** A creator with one 100-coin tier, live now. */
    async function liveCreator(): Promise<{ creator: SignedInUser; liveId: string }> {
      const creator = await signUpCreator(t);
      await offerTiers(t, creator, [{ level: 1, name: 'Fan', priceCoins: 100 }]);
      return { creator, liveId: await goLiveAs(t.app, creator) };
    }
    const join = (liveId: string, user?: SignedInUser) => joinRoom({ app: t.app, base, clients }, liveId, user);
    const gift = (gifter: SignedInUser, liveId: string, body: Record<string, unknown>, key = `gift-${++keyCounter}`) =>
      t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/subscription-gifts`, headers: { ...gifter.headers, 'idempotency-key': key }, payload: { level: 1, ...body } });
    const subscriptionsOf = async (user: SignedInUser): Promise<Subscription[]> => (await t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: user.headers })).json().subscriptions;

    it('gives five distinct viewers in the room who have no subscription a month each, in one payment the room hears of', async () => {
      const { creator, liveId } = await liveCreator();
      const gifter = await viewerWithCoins(t);
      const subscriber = await viewerWithCoins(t);
      assert.equal(
        (await t.app.inject({ method: 'POST', url: '/api/v1/subscriptions', headers: { ...subscriber.headers, 'idempotency-key': 'own' }, payload: { creatorId: creator.id, level: 1 } })).statusCode,
        201,
      );
      const viewers = await Promise.all(Array.from({ length: 6 }, () => signUpAndLogIn(t)));
      const watching = await join(liveId, gifter);
      for (const user of [subscriber, ...viewers]) await join(liveId, user);
      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));

      const response = await gift(gifter, liveId, { count: 5 }, 'five-subs');
      assert.equal(response.statusCode, 201, response.body);
      const given = response.json().gift;
      const recipientIds: string[] = given.recipients.map((recipient: { userId: string }) => recipient.userId);
      assert.equal(new Set(recipientIds).size, 5, 'five distinct viewers');
      assert.ok(
        recipientIds.every((id) => viewers.some((viewer) => viewer.id === id)),
        'drawn from the viewers without a subscription, never the gifter, the subscriber or the creator',
      );
      assert.deepEqual([given.coins, given.months, given.tier.name], [500, 1, 'Fan']);
      assert.equal(await balanceOf(t, userCoinWalletId(gifter.id)), 340n);
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, 500n);

      for (const viewer of viewers) {
        const [subscription] = await subscriptionsOf(viewer);
        if (!recipientIds.includes(viewer.id)) {
          assert.equal(subscription, undefined);
          continue;
        }
        assert.deepEqual(
          [subscription!.status, subscription!.hasAccess, subscription!.cancelAtPeriodEnd, subscription!.renewsAt],
          ['active', true, true, null],
          'a gifted month never charges its recipient',
        );
      }
      const announced = await watching.next((message) => message.type === 'subscription_gift');
      assert.deepEqual([announced.gifterId, (announced.recipients as unknown[]).length, announced.months], [gifter.id, 5, 1]);

      const retried = await gift(gifter, liveId, { count: 5 }, 'five-subs');
      assert.equal(retried.headers['idempotent-replayed'], 'true');
      assert.deepEqual(
        retried.json().gift.recipients.map((recipient: { userId: string }) => recipient.userId),
        recipientIds,
      );
      assert.equal(await balanceOf(t, userCoinWalletId(gifter.id)), 340n, 'paid once');
      await assertAuditPasses(t, 'after a gift of five subscriptions');
    });

    it('refuses more recipients than the room has without charging, and a named viewer who already subscribes', async () => {
      const { creator, liveId } = await liveCreator();
      const gifter = await viewerWithCoins(t);
      const viewer = await signUpAndLogIn(t);
      await join(liveId, viewer);
      const tooMany = await gift(gifter, liveId, { count: 3 });
      assertRefused(tooMany, 409, 'not_enough_viewers');
      assert.match(tooMany.json().error.message, /Only 1 viewer in the room/);
      assertRefused(await gift(gifter, liveId, { count: 1, recipientId: viewer.id }), 400, 'invalid_recipient');
      assert.equal(await balanceOf(t, userCoinWalletId(gifter.id)), 840n);
      assertRefused(await gift(creator, liveId, { count: 1 }), 400, 'cannot_gift_yourself');
      const minor = await signUpAndLogIn(t, { ageYears: 15 });
      assertRefused(await gift(gifter, liveId, { recipientId: minor.id }), 409, 'recipient_not_eligible');
      assert.equal((await gift(gifter, liveId, { recipientId: viewer.id })).statusCode, 201);
      assertRefused(await gift(gifter, liveId, { recipientId: viewer.id }), 409, 'recipient_not_eligible');
    });

    it('gives a named viewer several months that end without charging them', async () => {
      const { liveId } = await liveCreator();
      const gifter = await viewerWithCoins(t);
      const friend = await viewerWithCoins(t);
      const response = await gift(gifter, liveId, { recipientId: friend.id, months: 3 });
      assert.equal(response.statusCode, 201, response.body);
      const [subscription] = await subscriptionsOf(friend);
      assert.deepEqual([subscription!.totalMonths, subscription!.streakMonths, subscription!.cancelAtPeriodEnd], [3, 3, true]);
      const start = new Date(subscription!.currentPeriodStart!);
      const monthsLater = new Date(
        Date.UTC(start.getUTCFullYear(), start.getUTCMonth() - 2, start.getUTCDate(), start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds(), start.getUTCMilliseconds()),
      );
      assert.ok(Date.parse(subscription!.currentPeriodEnd!) > monthsLater.getTime(), 'three months from the gift');
      assert.equal(await balanceOf(t, userCoinWalletId(gifter.id)), 540n);
      t.clock.advance(Date.parse(subscription!.currentPeriodEnd!) - t.clock.now().getTime() + 1000);
      await t.services.subscriptions.renewDue();
      const ended = await t.services.subscriptions.get(friend.id, subscription!.id);
      assert.deepEqual([ended.subscription.status, ended.subscription.endedReason], ['ended', 'canceled']);
      assert.equal(await balanceOf(t, userCoinWalletId(friend.id)), 840n, 'the recipient paid nothing');
    });

    it('never pays twice for one viewer when two gifts draw from the same room at once', async () => {
      const { creator, liveId } = await liveCreator();
      const gifters = await Promise.all([viewerWithCoins(t), viewerWithCoins(t), viewerWithCoins(t)]);
      const viewers = await Promise.all(Array.from({ length: 4 }, () => signUpAndLogIn(t)));
      for (const viewer of viewers) await join(liveId, viewer);
      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));
      const responses = await Promise.all(gifters.map((gifter) => gift(gifter, liveId, { count: 2 })));
      const given = responses.filter((response) => response.statusCode === 201).map((response) => response.json().gift);
      for (const refused of responses.filter((response) => response.statusCode !== 201)) {
        assert.equal(refused.statusCode, 409, refused.body);
        assert.ok(['not_enough_viewers', 'recipient_unavailable'].includes(refused.json().error.code), refused.body);
      }
      assert.ok(given.length >= 1 && given.length <= 2, `${given.length} gifts of two among four viewers`);
      const recipients = given.flatMap((paid) => paid.recipients.map((recipient: { userId: string }) => recipient.userId));
      assert.equal(new Set(recipients).size, recipients.length, 'no viewer was given two subscriptions');
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, BigInt(100 * recipients.length));
      for (const [index, gifter] of gifters.entries()) {
        const paid = responses[index]!.statusCode === 201;
        assert.equal(await balanceOf(t, userCoinWalletId(gifter.id)), paid ? 640n : 840n, 'a refused gift charged nothing');
      }
      await assertAuditPasses(t, 'after concurrent gifts');
    });
  });
}
