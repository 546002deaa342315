import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { deliverDispute } from '../payments/testing/disputes.js';
import { assertAuditPasses } from '../payouts/testing/creators.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { offerTiers } from '../subscriptions/testing/tiers.js';
import type { ContentAccess } from './content.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`paid content on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let admin: SignedInUser;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0' } });
      creator = await signUpCreator(t);
      admin = await createSignedInAdmin(t);
      await offerTiers(t, creator, [
        { level: 1, name: 'Fan', priceCoins: 100 },
        { level: 2, name: 'Super fan', priceCoins: 300 },
      ]);
    });
    after(async () => {
      await t?.destroy();
    });

    const lock = (user: SignedInUser, contentId: string, body: Record<string, unknown>) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/creator/content/${contentId}`, headers: user.headers, payload: body });
    const unlock = (viewer: SignedInUser, contentId: string, key = `unlock-${++keyCounter}`, owner: SignedInUser = creator, body: Record<string, unknown> = {}) =>
      t.app.inject({ method: 'POST', url: `/api/v1/content/${owner.id}/${contentId}/unlock`, headers: { ...viewer.headers, 'idempotency-key': key }, payload: body });
    const access = async (user: SignedInUser, contentId: string, owner: SignedInUser = creator): Promise<ContentAccess> => {
      const response = await t.app.inject({ method: 'GET', url: `/api/v1/content/${owner.id}/${contentId}/access`, headers: user.headers });
      assert.equal(response.statusCode, 200, response.body);
      return response.json().access;
    };
    const subscribe = async (viewer: SignedInUser, level: number) => {
      const response = await t.app.inject({
        method: 'POST',
        url: '/api/v1/subscriptions',
        headers: { ...viewer.headers, 'idempotency-key': `sub-${++keyCounter}` },
        payload: { creatorId: creator.id, level },
      });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().subscription as { id: string };
    };
    const coinsOf = (user: SignedInUser) => balanceOf(t, userCoinWalletId(user.id));
    const unlockTransfers = async (viewer: SignedInUser) =>
      (await t.db.kysely.selectFrom('content_unlocks').select('transfer_id').where('viewer_id', '=', viewer.id).execute()).map((row) => row.transfer_id);

    it('lets a creator lock, change, list and free their content, refusing prices and tiers out of range', async () => {
      assertRefused(await lock(creator, 'post-1', { kind: 'post' }), 400, 'lock_needs_price_or_tier');
      assertRefused(await lock(creator, 'post-1', { kind: 'post', priceCoins: 0 }), 400, 'invalid_content_price');
      assertRefused(await lock(creator, 'post-1', { kind: 'post', priceCoins: 1_000_001 }), 400, 'invalid_content_price');
      assertRefused(await lock(creator, 'post-1', { kind: 'post', minTierLevel: 4 }), 400, 'invalid_tier_level');
      assert.equal((await lock(creator, 'bad.id', { kind: 'post', priceCoins: 5 })).statusCode, 400);
      const locked = await lock(creator, 'post-1', { kind: 'post', priceCoins: 50 });
      assert.equal(locked.statusCode, 200, locked.body);
      assert.deepEqual([locked.json().lock.priceCoins, locked.json().lock.minTierLevel, locked.json().lock.unlocks], [50, null, 0]);
      const changed = await lock(creator, 'post-1', { kind: 'post', priceCoins: 60, minTierLevel: 1 });
      assert.deepEqual([changed.json().lock.priceCoins, changed.json().lock.minTierLevel], [60, 1]);
      const listed = await t.app.inject({ method: 'GET', url: '/api/v1/creator/content', headers: creator.headers });
      assert.ok(listed.json().locks.some((row: { contentId: string; priceCoins: number }) => row.contentId === 'post-1' && row.priceCoins === 60));

      const viewer = await signUpAndLogIn(t);
      assert.equal((await access(viewer, 'post-1')).reason, 'locked');
      const freed = await t.app.inject({ method: 'DELETE', url: '/api/v1/creator/content/post-1', headers: creator.headers });
      assert.equal(freed.statusCode, 200, freed.body);
      assert.deepEqual([(await access(viewer, 'post-1')).allowed, (await access(viewer, 'post-1')).reason], [true, 'free']);
      assertRefused(await t.app.inject({ method: 'DELETE', url: '/api/v1/creator/content/post-1', headers: creator.headers }), 404, 'content_not_locked');
      // A viewer is not a creator: the creator's routes refuse them.
      assertRefused(await lock(viewer, 'mine', { kind: 'post', priceCoins: 5 }), 403, 'role_required');
      assertRefused(await t.app.inject({ method: 'GET', url: '/api/v1/creator/content', headers: viewer.headers }), 403, 'role_required');
    });

    it('refuses a locked video before payment and allows it after: one transfer pays the creator their share, and a retry pays nothing more', async () => {
      await lock(creator, 'video-1', { kind: 'video', priceCoins: 200 });
      const viewer = await viewerWithCoins(t);
      const before = await access(viewer, 'video-1');
      assert.deepEqual([before.allowed, before.reason, before.lock], [false, 'locked', { kind: 'video', priceCoins: 200, minTierLevel: null }]);
      assert.deepEqual([(await access(creator, 'video-1')).allowed, (await access(creator, 'video-1')).reason], [true, 'creator']);

      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));
      const paid = await unlock(viewer, 'video-1', 'buy-video-1');
      assert.equal(paid.statusCode, 201, paid.body);
      const unlocked = paid.json().unlock;
      assert.deepEqual([unlocked.coins, unlocked.diamonds, unlocked.kind, unlocked.viewerId], [200, 200, 'video', viewer.id]);
      assert.equal(await coinsOf(viewer), 640n);
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, 200n, '200 coins × 2 diamonds × 50%');
      const after = await access(viewer, 'video-1');
      assert.deepEqual([after.allowed, after.reason, after.transferId], [true, 'unlocked', unlocked.transferId]);

      const retried = await unlock(viewer, 'video-1', 'buy-video-1');
      assert.equal(retried.statusCode, 200, retried.body);
      assert.equal(retried.headers['idempotent-replayed'], 'true');
      assert.equal(retried.json().unlock.transferId, unlocked.transferId);
      const again = await unlock(viewer, 'video-1', 'another-key');
      assert.equal(again.statusCode, 200, again.body);
      assert.equal(again.json().unlock.transferId, unlocked.transferId);
      assert.equal(await coinsOf(viewer), 640n, 'paid once');
      await lock(creator, 'video-2', { kind: 'video', priceCoins: 10 });
      assertRefused(await unlock(viewer, 'video-2', 'buy-video-1'), 409, 'idempotency_key_reused');

      // The operator's server asks for the viewer with an admin's token.
      const asked = await t.app.inject({ method: 'GET', url: `/api/v1/admin/content/${creator.id}/video-1/access?userId=${viewer.id}`, headers: admin.headers });
      assert.equal(asked.statusCode, 200, asked.body);
      assert.deepEqual([asked.json().access.reason, asked.json().access.transferId], ['unlocked', unlocked.transferId]);
      assertRefused(await t.app.inject({ method: 'GET', url: `/api/v1/admin/content/${creator.id}/video-1/access?userId=${viewer.id}`, headers: viewer.headers }), 403, 'role_required');
      assertRefused(await t.app.inject({ method: 'GET', url: `/api/v1/admin/content/${creator.id}/video-1/access?userId=usr_nobody`, headers: admin.headers }), 404, 'user_not_found');

      const events = (await t.db.kysely.selectFrom('outbox').select('payload').where('topic', '=', 'webhook').execute())
        .map((row) => JSON.parse(row.payload) as { event: string; data: Record<string, unknown> })
        .filter((message) => message.event === 'content.unlocked' && message.data.viewerId === viewer.id);
      assert.deepEqual(
        events.map((event) => [event.data.contentId, event.data.coins]),
        [['video-1', 200]],
      );
      await assertAuditPasses(t, 'after an unlock');
    });

    it('charges once when one viewer unlocks the same item many times at once', async () => {
      await lock(creator, 'video-rush', { kind: 'video', priceCoins: 300 });
      const viewer = await viewerWithCoins(t);
      const attempts = await Promise.all(Array.from({ length: 8 }, (_, index) => unlock(viewer, 'video-rush', `rush-${index}`)));
      assert.deepEqual(attempts.filter((response) => response.statusCode === 201).length, 1, attempts.map((response) => `${response.statusCode} ${response.body}`).join('\n'));
      for (const response of attempts) assert.ok(response.statusCode === 201 || response.statusCode === 200, response.body);
      assert.equal(new Set(attempts.map((response) => response.json().unlock.transferId)).size, 1);
      assert.equal(await coinsOf(viewer), 540n);
      assert.equal((await unlockTransfers(viewer)).length, 1);
      await assertAuditPasses(t, 'after concurrent unlocks');
    });

    it('lets subscribers at the tier or higher see tier-locked content while their subscription lasts, and nobody below it', async () => {
      await lock(creator, 'post-fans', { kind: 'post', minTierLevel: 1 });
      await lock(creator, 'post-super', { kind: 'post', minTierLevel: 2 });
      const fan = await viewerWithCoins(t);
      const superFan = await viewerWithCoins(t);
      const outsider = await viewerWithCoins(t);
      await subscribe(fan, 1);
      const superSubscription = await subscribe(superFan, 2);

      assert.deepEqual([(await access(fan, 'post-fans')).reason, (await access(fan, 'post-fans')).tierLevel], ['subscriber', 1]);
      const below = await access(fan, 'post-super');
      assert.deepEqual([below.allowed, below.reason, below.lock?.minTierLevel], [false, 'locked', 2]);
      assert.deepEqual([(await access(superFan, 'post-fans')).reason, (await access(superFan, 'post-fans')).tierLevel], ['subscriber', 2]);
      assert.equal((await access(superFan, 'post-super')).reason, 'subscriber');
      assert.equal((await access(outsider, 'post-fans')).allowed, false);
      // Tier-only content cannot be bought.
      assertRefused(await unlock(outsider, 'post-fans'), 409, 'not_for_sale');

      const ended = await t.app.inject({ method: 'POST', url: `/api/v1/admin/subscriptions/${superSubscription.id}/cancel`, headers: admin.headers, payload: { now: true } });
      assert.equal(ended.statusCode, 200, ended.body);
      assert.deepEqual([(await access(superFan, 'post-super')).allowed, (await access(superFan, 'post-super')).reason], [false, 'locked']);
    });

    it('refuses a minor, a restricted viewer, a viewer short of coins, the creator themselves and free content, charging nothing', async () => {
      await lock(creator, 'video-adult', { kind: 'video', priceCoins: 100 });
      const minor = await signUpAndLogIn(t, { ageYears: 16 });
      assertRefused(await unlock(minor, 'video-adult'), 403, 'age_restricted');
      const restricted = await viewerWithCoins(t);
      const restriction = await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/users/${restricted.id}/restrictions`,
        headers: admin.headers,
        payload: { kind: 'gifting', reason: 'Paused while we review chargebacks.' },
      });
      assert.equal(restriction.statusCode, 200, restriction.body);
      assertRefused(await unlock(restricted, 'video-adult'), 403, 'account_restricted');
      assert.equal(await coinsOf(restricted), 840n);
      const poor = await signUpAndLogIn(t);
      const refused = await unlock(poor, 'video-adult');
      assertRefused(refused, 402, 'insufficient_coins');
      assert.match(refused.json().error.message, /costs 100 coins and you have 0/);
      assertRefused(await unlock(creator, 'video-adult'), 400, 'cannot_unlock_own_content');
      assertRefused(await unlock(poor, 'never-locked'), 409, 'content_not_locked');
      assertRefused(await t.app.inject({ method: 'POST', url: `/api/v1/content/${creator.id}/video-adult/unlock`, headers: poor.headers, payload: {} }), 400, 'idempotency_key_required');
      assert.deepEqual([...(await unlockTransfers(minor)), ...(await unlockTransfers(restricted)), ...(await unlockTransfers(poor))], []);
      assert.equal((await access(minor, 'video-adult')).allowed, false);
    });

    it('claws an unlock’s diamonds back from the creator when the purchase that paid it is charged back', async () => {
      const clawedCreator = await signUpCreator(t);
      await lock(clawedCreator, 'video-stolen', { kind: 'video', priceCoins: 700 });
      const thief = await viewerWithCoins(t);
      const paid = await unlock(thief, 'video-stolen', 'stolen', clawedCreator);
      assert.equal(paid.statusCode, 201, paid.body);
      assert.equal(await balanceOf(t, userDiamondWalletId(clawedCreator.id)), 700n);
      const { response } = await deliverDispute(t, thief);
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(await balanceOf(t, userDiamondWalletId(clawedCreator.id)), 0n, "the unlock's diamonds were taken back");
      await assertAuditPasses(t, 'after a clawback of an unlock');
    });
  });
}
