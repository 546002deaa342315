import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId, runAudit, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { balanceOf, viewerWithCoins as buyer } from './testing/payments.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`sending gifts on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let liveId: string;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      creator = await signUpCreator(t);
      const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Friday night' } });
      assert.equal(live.statusCode, 201, live.body);
      liveId = live.json().live.id;
    });
    after(async () => {
      await t?.destroy();
    });

    const balance = (accountId: string) => balanceOf(t, accountId);
    const send = (user: SignedInUser, body: Record<string, unknown>, key = `gift-${++keyCounter}`, live = liveId) =>
      t.app.inject({ method: 'POST', url: `/api/v1/lives/${live}/gifts`, headers: { ...user.headers, 'idempotency-key': key }, payload: body });
    /** A viewer with 840 coins (700 bought and the first-purchase bonus), paid through the sandbox. */
    async function viewerWithCoins(): Promise<SignedInUser> {
      const viewer = await buyer(t);
      assert.equal(await balance(userCoinWalletId(viewer.id)), 840n);
      return viewer;
    }

    it('a gift moves exactly price × quantity coins to the gift sink and credits the creator half their value in diamonds', async () => {
      const viewer = await viewerWithCoins();
      const sinkBefore = await balance(platformAccountId('gift_sink', COIN));
      const diamondsBefore = await balance(userDiamondWalletId(creator.id));
      const sent = await send(viewer, { giftId: 'gift_perfume', quantity: 3 });
      assert.equal(sent.statusCode, 201, sent.body);
      const gift = sent.json().gift;
      assert.equal(gift.coins, 60);
      assert.equal(gift.diamonds, 60, '60 coins are worth 120 diamonds; the creator’s 50% share is 60');
      assert.equal(gift.creatorId, creator.id);
      assert.equal(gift.combo, null, 'perfume is not streakable');
      assert.equal(await balance(userCoinWalletId(viewer.id)), 780n);
      assert.equal((await balance(platformAccountId('gift_sink', COIN))) - sinkBefore, 60n);
      assert.equal((await balance(userDiamondWalletId(creator.id))) - diamondsBefore, 60n);
      const wallet = await t.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: creator.headers });
      assert.equal(wallet.json().diamonds, Number(diamondsBefore) + 60);
    });

    it('a retried gift with the same key is sent once and answers the same gift; the key with another gift is refused', async () => {
      const viewer = await viewerWithCoins();
      const [first, second] = await Promise.all([send(viewer, { giftId: 'gift_confetti' }, 'retry-1'), send(viewer, { giftId: 'gift_confetti' }, 'retry-1')]);
      assert.equal(first!.statusCode, 201);
      assert.equal(second!.statusCode, 201);
      assert.equal(first!.json().gift.id, second!.json().gift.id);
      assert.equal(await balance(userCoinWalletId(viewer.id)), 740n, 'charged once');
      const later = await send(viewer, { giftId: 'gift_confetti' }, 'retry-1');
      assert.equal(later.headers['idempotent-replayed'], 'true');
      assert.deepEqual(later.json().gift, first!.json().gift);
      const other = await send(viewer, { giftId: 'gift_rose' }, 'retry-1');
      assert.equal(other.statusCode, 409);
      assert.equal(other.json().error.code, 'idempotency_key_reused');
      const events = await t.db.kysely.selectFrom('gift_events').selectAll().where('sender_id', '=', viewer.id).execute();
      assert.equal(events.length, 1, 'shown once');
      // Another viewer may use the same key: keys are the sender's own.
      const stranger = await viewerWithCoins();
      assert.notEqual((await send(stranger, { giftId: 'gift_confetti' }, 'retry-1')).json().gift.id, first!.json().gift.id);
    });

    it('a viewer without enough coins gets 402 insufficient_coins with the balance, and nothing changes', async () => {
      const viewer = await viewerWithCoins();
      const journal = await t.db.kysely
        .selectFrom('ledger_transfers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      const refused = await send(viewer, { giftId: 'gift_galaxy' });
      assert.equal(refused.statusCode, 402, refused.body);
      assert.equal(refused.json().error.code, 'insufficient_coins');
      assert.match(refused.json().error.message, /costs 1,000 coins and you have 840\. Recharge/);
      assert.equal(await balance(userCoinWalletId(viewer.id)), 840n);
      const after = await t.db.kysely
        .selectFrom('ledger_transfers')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(String(after.n), String(journal.n));
      assert.equal((await t.db.kysely.selectFrom('gift_events').selectAll().where('sender_id', '=', viewer.id).execute()).length, 0);
    });

    it('ten roses in a row are one combo counting to x10, counted once as 10 roses in totals and the board', async () => {
      const viewer = await viewerWithCoins();
      let last;
      for (let rose = 1; rose <= 10; rose += 1) {
        last = (await send(viewer, { giftId: 'gift_rose' })).json().gift;
        assert.equal(last.combo.count, rose);
      }
      const combos = await t.db.kysely.selectFrom('gift_events').select('combo_id').where('sender_id', '=', viewer.id).execute();
      assert.equal(new Set(combos.map((c) => c.combo_id)).size, 1, 'one streak');
      assert.equal(await balance(userCoinWalletId(viewer.id)), 830n);
      const board = (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/top-gifters` })).json().topGifters;
      assert.equal(board.find((entry: { userId: string }) => entry.userId === viewer.id).coins, 10);
      // A different gift starts a new streak.
      const heart = (await send(viewer, { giftId: 'gift_finger_heart' })).json().gift;
      assert.equal(heart.combo.count, 1);
      assert.notEqual(heart.combo.id, last.combo.id);
    });

    it('the boards agree with the ledger: each gifter’s total is what left their wallet for the gift sink', async () => {
      const viewer = await viewerWithCoins();
      await send(viewer, { giftId: 'gift_money_gun' });
      await send(viewer, { giftId: 'gift_doughnut', quantity: 2 });
      const live = (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/top-gifters` })).json().topGifters;
      const allTime = (await t.app.inject({ method: 'GET', url: `/api/v1/users/${(await t.accounts.getUser(creator.id)).handle}/top-gifters` })).json().topGifters;
      assert.equal(live[0].userId, viewer.id, 'the biggest gifter leads');
      for (const entry of live as { userId: string; coins: number }[]) {
        const spent = 840n - (await balance(userCoinWalletId(entry.userId)));
        assert.equal(BigInt(entry.coins), spent, `${entry.userId}'s board total`);
        assert.equal(allTime.find((other: { userId: string }) => other.userId === entry.userId).coins, entry.coins);
      }
      const summary = (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/summary` })).json();
      const totals = summary.summary?.gifts ?? summary.gifts;
      assert.equal(
        totals.coins,
        (live as { coins: number }[]).reduce((sum, entry) => sum + entry.coins, 0),
      );
    });

    it('refuses clearly: a large gift the wallet cannot cover (before asking to confirm it), yourself, a minor, an ended live; none of them moves coins', async () => {
      const viewer = await viewerWithCoins();
      const universe = await send(viewer, { giftId: 'gift_universe' });
      assert.equal(universe.statusCode, 402, 'refused for want of coins, never confirmed first and refused after');
      assert.equal(universe.json().error.code, 'insufficient_coins');
      assert.match(universe.json().error.message, /Universe costs 44,999 coins and you have 840\. Recharge to send it\./);
      assert.equal((await send(viewer, { giftId: 'gift_universe', confirm: true })).json().error.code, 'insufficient_coins');

      const self = await send(creator, { giftId: 'gift_rose' });
      assert.equal(self.statusCode, 400);
      assert.equal(self.json().error.code, 'cannot_gift_yourself');

      const minor = await signUpAndLogIn(t, { ageYears: 15 });
      const refusedMinor = await send(minor, { giftId: 'gift_rose' });
      assert.equal(refusedMinor.statusCode, 403);
      assert.equal(refusedMinor.json().error.code, 'age_restricted');

      const missingKey = await t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: viewer.headers, payload: { giftId: 'gift_rose' } });
      assert.equal(missingKey.json().error.code, 'idempotency_key_required');

      const other = await signUpCreator(t);
      const shortLive = (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: other.headers, payload: { title: 'Quick one' } })).json().live;
      await t.app.inject({ method: 'POST', url: `/api/v1/lives/${shortLive.id}/end`, headers: other.headers });
      const ended = await send(viewer, { giftId: 'gift_rose' }, undefined, shortLive.id);
      assert.equal(ended.statusCode, 409);
      assert.equal(ended.json().error.code, 'live_ended');
      assert.equal(await balance(userCoinWalletId(viewer.id)), 840n);
    });

    it('a retry after the live ended answers the gift it sent, not live_ended', async () => {
      const viewer = await viewerWithCoins();
      const other = await signUpCreator(t);
      const live = (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: other.headers, payload: { title: 'Last minute' } })).json().live;
      const first = await send(viewer, { giftId: 'gift_perfume' }, 'just-in-time', live.id);
      assert.equal(first.statusCode, 201, first.body);
      await t.app.inject({ method: 'POST', url: `/api/v1/lives/${live.id}/end`, headers: other.headers });
      const retry = await send(viewer, { giftId: 'gift_perfume' }, 'just-in-time', live.id);
      assert.equal(retry.statusCode, 201, retry.body);
      assert.equal(retry.headers['idempotent-replayed'], 'true');
      assert.deepEqual(retry.json().gift, first.json().gift);
      assert.equal(await balance(userCoinWalletId(viewer.id)), 820n, 'charged once');
    });

    it('gifts to a profile or a video pay the creator alike, count in their all-time board and in no live', async () => {
      const viewer = await viewerWithCoins();
      const handle = (await t.accounts.getUser(creator.id)).handle;
      const sendTo = (user: SignedInUser, body: Record<string, unknown>, key = `profile-${++keyCounter}`, to = handle) =>
        t.app.inject({ method: 'POST', url: `/api/v1/users/${to}/gifts`, headers: { ...user.headers, 'idempotency-key': key }, payload: body });
      const diamondsBefore = await balance(userDiamondWalletId(creator.id));
      const liveBoard = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/top-gifters` })).json().topGifters as { userId: string }[];
      const summaryCoins = async () => (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/summary` })).json().summary.gifts.coins as number;
      const liveCoinsBefore = await summaryCoins();

      const profile = await sendTo(viewer, { giftId: 'gift_confetti' }, 'to-profile');
      assert.equal(profile.statusCode, 201, profile.body);
      assert.deepEqual([profile.json().gift.liveId, profile.json().gift.target, profile.json().gift.combo], [null, { type: 'profile' }, null]);
      assert.deepEqual([profile.json().gift.coins, profile.json().gift.diamonds, profile.json().gift.creatorId], [100, 100, creator.id]);
      const video = await sendTo(viewer, { giftId: 'gift_rose', quantity: 3, videoId: 'vid_42-A' });
      assert.equal(video.statusCode, 201, video.body);
      assert.deepEqual(video.json().gift.target, { type: 'video', videoId: 'vid_42-A' });
      assert.equal(video.json().gift.combo, null, 'streaks belong to lives');
      assert.equal(await balance(userCoinWalletId(viewer.id)), 737n);
      assert.equal((await balance(userDiamondWalletId(creator.id))) - diamondsBefore, 103n);

      const allTime = (await t.app.inject({ method: 'GET', url: `/api/v1/users/${handle}/top-gifters` })).json().topGifters;
      assert.equal(allTime.find((entry: { userId: string }) => entry.userId === viewer.id).coins, 103);
      assert.ok(!(await liveBoard()).some((entry) => entry.userId === viewer.id), 'in no live’s board');
      assert.equal(await summaryCoins(), liveCoinsBefore);

      // Operators hear of it; no room does.
      const messages = await t.db.kysely
        .selectFrom('outbox')
        .select(['topic', 'payload'])
        .where(
          'transfer_seq',
          'in',
          [profile, video].map((sent) => BigInt(sent.json().gift.id.slice(3))),
        )
        .execute();
      assert.deepEqual(
        messages.map((message) => message.topic),
        ['webhook', 'webhook'],
      );
      const webhook = JSON.parse(messages.find((message) => message.payload.includes('vid_42-A'))!.payload);
      assert.equal(webhook.event, 'gift.sent');
      assert.deepEqual(webhook.data.target, { type: 'video', videoId: 'vid_42-A' });

      const replay = await sendTo(viewer, { giftId: 'gift_confetti' }, 'to-profile');
      assert.equal(replay.headers['idempotent-replayed'], 'true');
      assert.deepEqual(replay.json().gift, profile.json().gift);
      assert.equal((await sendTo(viewer, { giftId: 'gift_confetti', videoId: 'vid_1' }, 'to-profile')).json().error.code, 'idempotency_key_reused');

      const notCreator = await signUpAndLogIn(t);
      for (const [response, status, code] of [
        [await sendTo(viewer, { giftId: 'gift_rose' }, undefined, 'nobody_here_at_all'), 404, 'user_not_found'],
        [await sendTo(viewer, { giftId: 'gift_rose' }, undefined, (await t.accounts.getUser(notCreator.id)).handle), 404, 'creator_not_found'],
        [await sendTo(viewer, { giftId: 'gift_rose', videoId: 'my video' }), 400, 'invalid_video_id'],
        [await sendTo(creator, { giftId: 'gift_rose' }), 400, 'cannot_gift_yourself'],
        [await t.app.inject({ method: 'POST', url: `/api/v1/users/${handle}/gifts`, headers: viewer.headers, payload: { giftId: 'gift_rose' } }), 400, 'idempotency_key_required'],
        [await t.app.inject({ method: 'POST', url: `/api/v1/users/${handle}/gifts`, headers: { 'idempotency-key': 'anon' }, payload: { giftId: 'gift_rose' } }), 401, 'authentication_required'],
        [await t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: { 'idempotency-key': 'anon' }, payload: { giftId: 'gift_rose' } }), 401, 'authentication_required'],
      ] as const) {
        assert.equal(response.statusCode, status, response.body);
        assert.equal(response.json().error.code, code);
      }
      assert.equal(await balance(userCoinWalletId(viewer.id)), 737n, 'refusals move nothing');
    });

    it('describes every route that pays a creator in the OpenAPI document', async () => {
      const document = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
      for (const [method, path, tag] of [
        ['post', '/api/v1/lives/{id}/gifts', 'gifts'],
        ['post', '/api/v1/users/{handle}/gifts', 'gifts'],
        ['post', '/api/v1/lives/{id}/paid-messages', 'gifts'],
        ['post', '/api/v1/lives/{id}/cheers', 'gifts'],
        ['put', '/api/v1/admin/creators/{id}/tier', 'admin'],
      ] as const) {
        const operation = document.paths[path]?.[method];
        assert.ok(operation?.summary, `${method} ${path} has a summary`);
        assert.deepEqual(operation.tags, [tag]);
        assert.ok(operation.responses[path.endsWith('/tier') ? '200' : '201'], `${method} ${path} describes its answer`);
      }
    });

    it('leaves the ledger consistent', async () => {
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
