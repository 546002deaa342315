import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId, runAudit, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { rejectsWith } from '../server/testing/errors.js';
import { cheerBadgeFor, CHEER_MAX_COINS } from './cheers.js';
import { balanceOf, viewerWithCoins } from './testing/payments.js';

describe('cheer badges', () => {
  it('go by amount: gray from 1, purple from 100, green from 1,000, blue from 5,000, red at 10,000', async () => {
    const names = [1, 99, 100, 999, 1_000, 4_999, 5_000, 9_999, 10_000].map((coins) => cheerBadgeFor(coins).name);
    assert.deepEqual(names, ['gray', 'gray', 'purple', 'purple', 'green', 'green', 'blue', 'blue', 'red']);
    assert.deepEqual(cheerBadgeFor(100), { name: 'purple', color: '#9C3EE8' });
    assert.equal(CHEER_MAX_COINS, 10_000);
    for (const coins of [0, 10_001, 1.5]) await rejectsWith(() => cheerBadgeFor(coins), 'invalid', 'invalid_coins', 'coins');
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`cheers on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let liveId: string;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      creator = await signUpCreator(t);
      liveId = (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Speedrun' } })).json().live.id;
    });
    after(async () => {
      await t?.destroy();
    });

    /** Posts with a new key unless one is given; `null` sends none. */
    const cheer = (user: SignedInUser | undefined, body: Record<string, unknown>, key: string | null = `cheer-${++keyCounter}`) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${liveId}/cheers`,
        headers: { ...(user?.headers ?? {}), ...(key === null ? {} : { 'idempotency-key': key }) },
        payload: body,
      });
    const coinsOf = (user: SignedInUser) => balanceOf(t, userCoinWalletId(user.id));

    it('moves exactly its coins, earns the creator their share, and answers its badge', async () => {
      const viewer = await viewerWithCoins(t);
      const sinkBefore = await balanceOf(t, platformAccountId('gift_sink', COIN));
      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));
      const sent = await cheer(viewer, { coins: 100, text: ' Cheer100 what a jump ' });
      assert.equal(sent.statusCode, 201, sent.body);
      const answer = sent.json().cheer;
      assert.deepEqual([answer.text, answer.coins, answer.diamonds, answer.liveId, answer.senderId, answer.creatorId], ['Cheer100 what a jump', 100, 100, liveId, viewer.id, creator.id]);
      assert.deepEqual(answer.badge, { name: 'purple', color: '#9C3EE8' });
      assert.equal(await coinsOf(viewer), 740n);
      assert.equal((await balanceOf(t, platformAccountId('gift_sink', COIN))) - sinkBefore, 100n);
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, 100n);
      assert.equal((await cheer(viewer, { coins: 1, text: 'gg' })).json().cheer.badge.name, 'gray');
    });

    it('takes 1 to 200 characters and 1 to 10,000 coins; refusals move nothing', async () => {
      const viewer = await viewerWithCoins(t);
      assert.equal((await cheer(viewer, { coins: 1, text: '🔥'.repeat(200) })).statusCode, 201);
      const left = await coinsOf(viewer);
      for (const [body, code, param] of [
        [{ coins: 1, text: '🔥'.repeat(201) }, 'text_too_long', 'text'],
        [{ coins: 1, text: ' ' }, 'invalid_text', 'text'],
        [{ coins: 1, text: 'tab\there' }, 'invalid_text', 'text'],
        [{ coins: 0, text: 'free?' }, 'invalid_coins', 'coins'],
        [{ coins: 10_001, text: 'too much' }, 'invalid_coins', 'coins'],
      ] as const) {
        const refused = await cheer(viewer, body);
        assert.equal(refused.statusCode, 400, JSON.stringify(body));
        assert.deepEqual([refused.json().error.code, refused.json().error.param], [code, param], JSON.stringify(body));
      }
      assert.match((await cheer(viewer, { coins: 1, text: 'x'.repeat(201) })).json().error.message, /up to 200 characters; this one has 201/);
      assert.equal((await cheer(viewer, { coins: 1, text: 'no key' }, null)).json().error.code, 'idempotency_key_required');
      assert.equal((await cheer(undefined, { coins: 1, text: 'anonymous' })).statusCode, 401);
      assert.equal((await cheer(creator, { coins: 1, text: 'self' })).json().error.code, 'cannot_gift_yourself');
      assert.equal((await cheer(viewer, { coins: 900, text: 'broke' })).statusCode, 402);
      assert.equal(await coinsOf(viewer), left);
    });

    it('a big cheer needs confirm and wears the blue badge', async () => {
      const viewer = await viewerWithCoins(t, ['pkg_web_7000']);
      const unconfirmed = await cheer(viewer, { coins: 5_000, text: 'big one' });
      assert.deepEqual([unconfirmed.statusCode, unconfirmed.json().error.code], [400, 'confirmation_required']);
      const confirmed = await cheer(viewer, { coins: 5_000, text: 'big one', confirm: true });
      assert.equal(confirmed.statusCode, 201, confirmed.body);
      assert.equal(confirmed.json().cheer.badge.name, 'blue');
      assert.equal(await coinsOf(viewer), 3_400n);
    });

    it('a retry with the same key answers the first cheer; the key with other text is refused', async () => {
      const viewer = await viewerWithCoins(t);
      const first = await cheer(viewer, { coins: 10, text: 'once' }, 'cheer-once');
      const again = await cheer(viewer, { coins: 10, text: 'once' }, 'cheer-once');
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), first.json());
      const reused = await cheer(viewer, { coins: 10, text: 'twice' }, 'cheer-once');
      assert.deepEqual([reused.statusCode, reused.json().error.code], [409, 'idempotency_key_reused']);
      // One key space per sender: a gift cannot take a key a cheer used.
      const gift = await t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: { ...viewer.headers, 'idempotency-key': 'cheer-once' }, payload: { giftId: 'gift_rose' } });
      assert.deepEqual([gift.statusCode, gift.json().error.code], [409, 'idempotency_key_reused']);
      assert.equal(await coinsOf(viewer), 830n, 'charged once');
    });

    it('leaves the ledger consistent', async () => {
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
