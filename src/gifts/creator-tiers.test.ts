import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { ConfigError } from '../config/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId, runAudit, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { loadGiftSendingConfig } from './sending.js';
import { balanceOf, viewerWithCoins } from './testing/payments.js';

describe('GIFT_CREATOR_TIER_SHARES', () => {
  it('adds tiers beside standard, which always pays GIFT_DIAMOND_SHARE_PERCENT', () => {
    assert.deepEqual([...loadGiftSendingConfig({}).creatorTierShares], [['standard', 50]]);
    assert.deepEqual([...loadGiftSendingConfig({ GIFT_CREATOR_TIER_SHARES: ' ' }).creatorTierShares], [['standard', 50]]);
    assert.deepEqual(
      [...loadGiftSendingConfig({ GIFT_CREATOR_TIER_SHARES: ' partner:60 , star:70 ' }).creatorTierShares],
      [
        ['standard', 50],
        ['partner', 60],
        ['star', 70],
      ],
    );
    const config = loadGiftSendingConfig({ GIFT_DIAMOND_SHARE_PERCENT: '40', GIFT_CREATOR_TIER_SHARES: 'partner:60' });
    assert.deepEqual(
      [...config.creatorTierShares],
      [
        ['standard', 40],
        ['partner', 60],
      ],
    );
  });

  it('refuses a malformed list, naming the variable', () => {
    for (const raw of ['partner', 'partner:60:1', 'Partner:60', 'partner:101', 'partner:-1', 'partner:6x', 'standard:70', 'partner:60,partner:65', 'partner:60,']) {
      assert.throws(
        () => loadGiftSendingConfig({ GIFT_CREATOR_TIER_SHARES: raw }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'GIFT_CREATOR_TIER_SHARES',
        raw,
      );
    }
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`creator tiers on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let creator: SignedInUser;
    let viewer: SignedInUser;
    let liveId: string;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { GIFT_CREATOR_TIER_SHARES: 'partner:60,star:70', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      admin = await createSignedInAdmin(t);
      creator = await signUpCreator(t);
      viewer = await viewerWithCoins(t);
      liveId = (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Tiered' } })).json().live.id;
    });
    after(async () => {
      await t?.destroy();
    });

    const setTier = (user: SignedInUser | undefined, userId: string, tier: string) =>
      t.app.inject({ method: 'PUT', url: `/api/v1/admin/creators/${userId}/tier`, headers: user?.headers ?? {}, payload: { tier } });
    const pay = (path: string, body: Record<string, unknown>) =>
      t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/${path}`, headers: { ...viewer.headers, 'idempotency-key': `tiered-${++keyCounter}` }, payload: body });
    /** What one payment took from the viewer, gave the gift sink, and earned the creator. */
    async function moved(path: string, body: Record<string, unknown>) {
      const accounts = [userCoinWalletId(viewer.id), platformAccountId('gift_sink', COIN), userDiamondWalletId(creator.id)];
      const before = await Promise.all(accounts.map((id) => balanceOf(t, id)));
      const response = await pay(path, body);
      assert.equal(response.statusCode, 201, response.body);
      const after = await Promise.all(accounts.map((id) => balanceOf(t, id)));
      const [spent, sunk, earned] = after.map((balance, index) => balance - before[index]!);
      return { answer: Object.values(response.json())[0] as { coins: number; diamonds: number }, spent: -spent!, sunk: sunk!, earned: earned! };
    }

    it('keeps the route for admins: anonymous, viewers and creators are refused and nothing changes', async () => {
      for (const [user, status, code] of [
        [undefined, 401, 'authentication_required'],
        [viewer, 403, 'role_required'],
        [creator, 403, 'role_required'],
      ] as const) {
        const refused = await setTier(user, creator.id, 'star');
        assert.equal(refused.statusCode, status, refused.body);
        assert.equal(refused.json().error.code, code);
      }
      const { answer, earned } = await moved('cheers', { coins: 10, text: 'still standard' });
      assert.deepEqual([answer.diamonds, earned], [10, 10n], 'the standard 50% of 20 diamonds');
    });

    it('sets a configured tier and shows it back; unknown users and tiers are refused', async () => {
      const set = await setTier(admin, creator.id, 'partner');
      assert.equal(set.statusCode, 200, set.body);
      const shown = set.json().creator;
      assert.deepEqual([shown.userId, shown.tier, shown.diamondSharePercent], [creator.id, 'partner', 60]);
      assert.ok(Date.parse(shown.updatedAt) <= t.clock.now().getTime());

      const unknownTier = await setTier(admin, creator.id, 'gold');
      assert.equal(unknownTier.statusCode, 400);
      assert.equal(unknownTier.json().error.code, 'unknown_tier');
      assert.equal(unknownTier.json().error.param, 'tier');
      assert.match(unknownTier.json().error.message, /standard \(50%\), partner \(60%\) and star \(70%\)/);
      const unknownUser = await setTier(admin, 'usr_doesnotexist', 'star');
      assert.equal(unknownUser.statusCode, 404);
      assert.equal(unknownUser.json().error.code, 'user_not_found');
      const { earned } = await moved('cheers', { coins: 10, text: 'partner now' });
      assert.equal(earned, 12n, 'still partner: 60% of 20 diamonds');
    });

    it("pays every kind of payment at the creator's tier share, rounded down", async () => {
      assert.equal((await setTier(admin, creator.id, 'star')).statusCode, 200);
      // 70% of 2 diamonds a coin: 1.4 diamonds a coin.
      const gift = await moved('gifts', { giftId: 'gift_perfume', quantity: 2 });
      assert.deepEqual([gift.answer.coins, gift.spent, gift.sunk, gift.answer.diamonds, gift.earned], [40, 40n, 40n, 56, 56n]);
      const message = await moved('paid-messages', { coins: 25, text: 'star power' });
      assert.deepEqual([message.spent, message.sunk, message.answer.diamonds, message.earned], [25n, 25n, 35, 35n]);
      const cheer = await moved('cheers', { coins: 3, text: 'cheer3' });
      assert.deepEqual([cheer.spent, cheer.sunk, cheer.answer.diamonds, cheer.earned], [3n, 3n, 4, 4n], '4.2 diamonds round down to 4');

      const handle = (await t.accounts.getUser(creator.id)).handle;
      const profile = await t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${handle}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': 'tiered-profile' },
        payload: { giftId: 'gift_rose' },
      });
      assert.equal(profile.json().gift.diamonds, 1, '1.4 diamonds round down to 1');

      assert.equal((await setTier(admin, creator.id, 'standard')).json().creator.diamondSharePercent, 50);
      assert.equal((await moved('cheers', { coins: 3, text: 'back to standard' })).earned, 3n);
    });

    it('leaves the ledger consistent', async () => {
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
