import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { COIN, platformAccountId, runAudit, userCoinWalletId, userDiamondWalletId } from '../ledger/index.js';
import type { PaidMessageEvent } from '../live/protocol.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { rejectsWith } from '../server/testing/errors.js';
import { paidMessageTierFor, PAID_MESSAGE_MAX_COINS, PAID_MESSAGE_MIN_COINS, PAID_MESSAGE_TIERS } from './paid-messages.js';
import { balanceOf, viewerWithCoins } from './testing/payments.js';

describe('paid message tiers', () => {
  it('go from blue (20 coins, not pinned, 50 characters) to red (10,000 coins, pinned five minutes, 350 characters)', () => {
    assert.deepEqual(paidMessageTierFor(20), { name: 'blue', color: '#1E88E5', pinSeconds: 0, maxChars: 50 });
    assert.deepEqual(paidMessageTierFor(10_000), { name: 'red', color: '#E62117', pinSeconds: 300, maxChars: 350 });
    assert.deepEqual([PAID_MESSAGE_MIN_COINS, PAID_MESSAGE_MAX_COINS], [20, 50_000]);
    assert.equal(PAID_MESSAGE_TIERS.length, 8);
    for (const [index, tier] of PAID_MESSAGE_TIERS.entries()) {
      const cheaper = PAID_MESSAGE_TIERS[index - 1];
      assert.equal(paidMessageTierFor(tier.minCoins).name, tier.name);
      if (!cheaper) continue;
      assert.equal(paidMessageTierFor(tier.minCoins - 1).name, cheaper.name, `${tier.minCoins - 1} coins is still ${cheaper.name}`);
      assert.ok(tier.minCoins > cheaper.minCoins && tier.maxChars > cheaper.maxChars && tier.pinSeconds >= cheaper.pinSeconds, `${tier.name} gives more than ${cheaper.name}`);
    }
    assert.equal(paidMessageTierFor(PAID_MESSAGE_MAX_COINS).name, 'red');
  });

  it('refuse amounts outside 20 to 50,000 coins', async () => {
    for (const coins of [0, 19, 50_001, 20.5, Number.NaN]) await rejectsWith(() => paidMessageTierFor(coins), 'invalid', 'invalid_coins', 'coins');
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`paid messages on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let rich: SignedInUser;
    let liveId: string;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      creator = await signUpCreator(t);
      liveId = await goLive(creator);
      // 7,000 coins with the first-purchase bonus, then 7,000 more.
      rich = await viewerWithCoins(t, ['pkg_web_7000', 'pkg_web_7000']);
    });
    after(async () => {
      await t?.destroy();
    });

    async function goLive(user: SignedInUser): Promise<string> {
      const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: user.headers, payload: { title: 'Ask me anything' } });
      assert.equal(live.statusCode, 201, live.body);
      return live.json().live.id;
    }
    /** Posts with a new key unless one is given; `null` sends none. */
    const post = (user: SignedInUser | undefined, body: Record<string, unknown>, key: string | null = `message-${++keyCounter}`, live = liveId) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${live}/paid-messages`,
        headers: { ...(user?.headers ?? {}), ...(key === null ? {} : { 'idempotency-key': key }) },
        payload: body,
      });
    const coinsOf = (user: SignedInUser) => balanceOf(t, userCoinWalletId(user.id));
    const count = async (table: 'ledger_transfers' | 'gift_events' | 'outbox') =>
      Number(
        (
          await t.db.kysely
            .selectFrom(table)
            .select((eb) => eb.fn.countAll<bigint>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('moves exactly its coins to the gift sink, earns the creator their share, and answers its tier and pin', async () => {
      const viewer = await viewerWithCoins(t);
      const sinkBefore = await balanceOf(t, platformAccountId('gift_sink', COIN));
      const diamondsBefore = await balanceOf(t, userDiamondWalletId(creator.id));
      const sent = await post(viewer, { coins: 200, text: '  Greetings from Lisbon!  ' });
      assert.equal(sent.statusCode, 201, sent.body);
      const message = sent.json().paidMessage;
      assert.deepEqual([message.text, message.coins, message.diamonds, message.liveId, message.senderId, message.creatorId], ['Greetings from Lisbon!', 200, 200, liveId, viewer.id, creator.id]);
      assert.deepEqual(message.tier, { name: 'yellow', color: '#FFCA28', pinSeconds: 60, maxChars: 200 });
      assert.equal(Date.parse(message.pinnedUntil) - Date.parse(message.sentAt), 60_000);
      assert.equal(await coinsOf(viewer), 640n);
      assert.equal((await balanceOf(t, platformAccountId('gift_sink', COIN))) - sinkBefore, 200n);
      assert.equal((await balanceOf(t, userDiamondWalletId(creator.id))) - diamondsBefore, 200n);

      const blue = (await post(viewer, { coins: 20, text: 'hi' })).json().paidMessage;
      assert.deepEqual([blue.tier.name, blue.pinnedUntil], ['blue', null]);
    });

    it("limits the text to its tier's length, counted in characters, and refuses bad input without moving coins", async () => {
      const viewer = await viewerWithCoins(t);
      const fifty = await post(viewer, { coins: 20, text: '🎉'.repeat(50) });
      assert.equal(fifty.statusCode, 201, 'fifty emoji are fifty characters, though a hundred UTF-16 units');
      const spent = await coinsOf(viewer);

      const tooLong = await post(viewer, { coins: 20, text: '🎉'.repeat(51) });
      assert.equal(tooLong.statusCode, 400);
      assert.deepEqual([tooLong.json().error.code, tooLong.json().error.param], ['text_too_long', 'text']);
      assert.match(tooLong.json().error.message, /\(blue\) holds up to 50 characters; this one has 51\. Shorten it, or pay 50 coins or more for up to 100\./);
      assert.equal((await post(viewer, { coins: 50, text: '🎉'.repeat(51) })).statusCode, 201, 'light blue holds it');
      const afterLightBlue = await coinsOf(viewer);
      assert.equal(spent - afterLightBlue, 50n);

      for (const [body, code, param] of [
        [{ coins: 19, text: 'too cheap' }, 'invalid_coins', 'coins'],
        [{ coins: 50_001, text: 'too dear' }, 'invalid_coins', 'coins'],
        [{ coins: 20, text: '   ' }, 'invalid_text', 'text'],
        [{ coins: 20, text: 'two\nlines' }, 'invalid_text', 'text'],
        [{ coins: 20 }, 'validation_failed', 'text'],
      ] as const) {
        const refused = await post(viewer, body);
        assert.equal(refused.statusCode, 400, JSON.stringify(body));
        assert.deepEqual([refused.json().error.code, refused.json().error.param], [code, param], JSON.stringify(body));
      }
      assert.equal((await post(viewer, { coins: 20, text: 'no key' }, null)).json().error.code, 'idempotency_key_required');
      assert.equal((await post(undefined, { coins: 20, text: 'anonymous' })).statusCode, 401);
      assert.equal((await post(creator, { coins: 20, text: 'to myself' })).json().error.code, 'cannot_gift_yourself');
      assert.equal(await coinsOf(viewer), afterLightBlue, 'refusals move nothing');
    });

    it('with too few coins gets 402 with the balance and a recharge hint, and changes nothing', async () => {
      const viewer = await viewerWithCoins(t);
      const before = await Promise.all([count('ledger_transfers'), count('gift_events'), count('outbox')]);
      const refused = await post(viewer, { coins: 1_000, text: 'I wish' });
      assert.equal(refused.statusCode, 402, refused.body);
      assert.equal(refused.json().error.code, 'insufficient_coins');
      assert.match(refused.json().error.message, /costs 1,000 coins and you have 840\. Recharge/);
      assert.equal(await coinsOf(viewer), 840n);
      assert.deepEqual(await Promise.all([count('ledger_transfers'), count('gift_events'), count('outbox')]), before);
    });

    it('a retry with the same key answers the first message; the key with other text or coins is refused', async () => {
      const viewer = await viewerWithCoins(t);
      const first = await post(viewer, { coins: 100, text: 'once only' }, 'same-key');
      assert.equal(first.statusCode, 201, first.body);
      t.clock.advance(1000);
      const again = await post(viewer, { coins: 100, text: 'once only' }, 'same-key');
      assert.equal(again.statusCode, 201);
      assert.equal(again.headers['idempotent-replayed'], 'true');
      assert.deepEqual(again.json(), first.json());
      for (const body of [
        { coins: 100, text: 'twice?' },
        { coins: 101, text: 'once only' },
      ]) {
        const reused = await post(viewer, body, 'same-key');
        assert.equal(reused.statusCode, 409);
        assert.equal(reused.json().error.code, 'idempotency_key_reused');
      }
      assert.equal(await coinsOf(viewer), 740n, 'charged once');
    });

    it('a red message needs confirm; the room sees each message once, and pinned() lists those still pinned, newest first', async () => {
      const host = await signUpCreator(t);
      const room = await goLive(host);
      const frames: PaidMessageEvent[] = [];
      const subscription = await t.bus.subscribe(`live:${room}`, (frame) => {
        const event = JSON.parse(frame) as PaidMessageEvent | { type: 'level_up' };
        if (event.type === 'paid_message') frames.push(event);
      });
      const send = async (coins: number, text: string, confirm?: boolean) => {
        const response = await post(rich, { coins, text, ...(confirm === undefined ? {} : { confirm }) }, undefined, room);
        assert.equal(response.statusCode, 201, response.body);
        return response.json().paidMessage;
      };
      const green = await send(100, 'green, 30 s');
      t.clock.advance(1000);
      const yellow = await send(200, 'yellow, 60 s');
      await send(20, 'blue, never pinned');
      const unconfirmed = await post(rich, { coins: 10_000, text: 'red' }, undefined, room);
      assert.equal(unconfirmed.statusCode, 400);
      assert.deepEqual([unconfirmed.json().error.code, unconfirmed.json().error.param], ['confirmation_required', 'confirm']);
      const red = await send(10_000, 'red, five minutes', true);
      assert.deepEqual([red.tier.name, red.tier.pinSeconds, red.tier.maxChars], ['red', 300, 350]);
      assert.equal(Date.parse(red.pinnedUntil) - Date.parse(red.sentAt), 300_000);

      const pinnedTexts = async () => (await t.services.paidMessages.pinned(room)).map((message) => message.text);
      assert.deepEqual(await pinnedTexts(), [red.text, yellow.text, green.text]);
      assert.ok(!(await t.services.paidMessages.pinned(liveId)).some((message) => message.liveId === room), 'each live has its own');

      await t.relay.idle();
      await new Promise((resolve) => setImmediate(resolve));
      await subscription.unsubscribe();
      assert.deepEqual(
        frames.map((frame) => [frame.type, frame.text]),
        [green, yellow, { text: 'blue, never pinned' }, red].map((message) => ['paid_message', message.text]),
      );
      assert.equal(new Set(frames.map((frame) => frame.eventId)).size, 4);
      // A client joining now is shown exactly what the room was sent, with the same eventId to drop repeats by.
      const pinned = await t.services.paidMessages.pinned(room);
      for (const message of pinned)
        assert.deepEqual(
          message,
          frames.find((frame) => frame.eventId === message.eventId),
        );
      assert.deepEqual(Object.keys(pinned[0]!).sort(), ['coins', 'eventId', 'liveId', 'pinnedUntil', 'senderId', 'senderLevel', 'senderName', 'sentAt', 'text', 'tier', 'type']);

      t.clock.advance(30_000);
      assert.deepEqual(await pinnedTexts(), [red.text, yellow.text], 'green came down after 30 s');
      t.clock.advance(30_000);
      assert.deepEqual(await pinnedTexts(), [red.text]);
      t.clock.advance(240_000);
      assert.deepEqual(await pinnedTexts(), []);
    });

    it('refuses an ended live, and a retry after it ended still answers the message sent', async () => {
      const host = await signUpCreator(t);
      const room = await goLive(host);
      const viewer = await viewerWithCoins(t);
      const sent = await post(viewer, { coins: 30, text: 'bye!' }, 'before-the-end', room);
      assert.equal(sent.statusCode, 201, sent.body);
      await t.app.inject({ method: 'POST', url: `/api/v1/lives/${room}/end`, headers: host.headers });
      const ended = await post(viewer, { coins: 30, text: 'too late' }, undefined, room);
      assert.equal(ended.statusCode, 409);
      assert.equal(ended.json().error.code, 'live_ended');
      const retry = await post(viewer, { coins: 30, text: 'bye!' }, 'before-the-end', room);
      assert.deepEqual([retry.statusCode, retry.json()], [201, sent.json()]);
      assert.equal(await coinsOf(viewer), 810n);
    });

    it('leaves the ledger consistent', async () => {
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
