import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { runAudit } from '../ledger/index.js';
import type { CheerEvent, GiftEvent, PaidMessageEvent } from '../live/protocol.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { journalPayments, sumBy, viewerWithCoins, type JournalPayment } from './testing/payments.js';

type RoomFrame = GiftEvent | PaidMessageEvent | CheerEvent;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`boards and totals agree with the ledger on ${engine}`, { skip }, () => {
    let t: TestApp;
    let host: SignedInUser;
    let other: SignedInUser;
    let hostLive: string;
    let otherLive: string;
    const frames: RoomFrame[] = [];
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      host = await signUpCreator(t);
      other = await signUpCreator(t);
      const goLive = async (user: SignedInUser) => (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: user.headers, payload: { title: 'Boards' } })).json().live.id as string;
      hostLive = await goLive(host);
      otherLive = await goLive(other);
      // Payments' events only: a level reached is announced beside them.
      await t.bus.subscribe(`live:${hostLive}`, (frame) => {
        const event = JSON.parse(frame) as RoomFrame | { type: 'level_up' };
        if (event.type !== 'level_up') frames.push(event);
      });
    });
    after(async () => {
      await t?.destroy();
    });

    async function pay(user: SignedInUser, url: string, body: Record<string, unknown>) {
      const response = await t.app.inject({ method: 'POST', url, headers: { ...user.headers, 'idempotency-key': `board-${++keyCounter}` }, payload: body });
      assert.equal(response.statusCode, 201, `${url}: ${response.body}`);
    }
    const get = async (url: string) => (await t.app.inject({ method: 'GET', url })).json();
    const handleOf = async (user: SignedInUser) => (await t.accounts.getUser(user.id)).handle;
    /** A board as [userId, coins] pairs, biggest first. */
    const boardOf = async (url: string) => ((await get(url)).topGifters as { userId: string; coins: number }[]).map((entry) => [entry.userId, BigInt(entry.coins)]);
    /** The journal's coins by sender, biggest first, as a board shows them. */
    const expectedBoard = (payments: JournalPayment[]) =>
      [
        ...sumBy(
          payments,
          (payment) => payment.senderId,
          (payment) => payment.coins,
        ),
      ].sort((a, b) => Number(b[1] - a[1]));

    it('counts gifts, paid messages and cheers in the live; profile and video gifts in the creator’s all-time board only', async () => {
      const [roses, messenger, fan] = [await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t)];
      for (let rose = 0; rose < 10; rose++) await pay(roses, `/api/v1/lives/${hostLive}/gifts`, { giftId: 'gift_rose' });
      await pay(roses, `/api/v1/lives/${hostLive}/paid-messages`, { coins: 100, text: 'ten roses for you' });
      await pay(roses, `/api/v1/lives/${hostLive}/cheers`, { coins: 50, text: 'cheer50' });
      await pay(messenger, `/api/v1/lives/${hostLive}/gifts`, { giftId: 'gift_money_gun' });
      await pay(messenger, `/api/v1/lives/${otherLive}/cheers`, { coins: 5, text: 'hi other' });
      await pay(fan, `/api/v1/users/${await handleOf(host)}/gifts`, { giftId: 'gift_confetti' });
      await pay(fan, `/api/v1/users/${await handleOf(host)}/gifts`, { giftId: 'gift_perfume', videoId: 'clip-7' });
      await pay(fan, `/api/v1/lives/${hostLive}/paid-messages`, { coins: 20, text: 'from the fan' });

      const journal = await journalPayments(t);
      const inHostLive = journal.filter((payment) => payment.liveId === hostLive);
      assert.deepEqual(await boardOf(`/api/v1/lives/${hostLive}/top-gifters`), expectedBoard(inHostLive));
      assert.deepEqual(await boardOf(`/api/v1/lives/${otherLive}/top-gifters`), [[messenger.id, 5n]]);
      assert.deepEqual(await boardOf(`/api/v1/users/${await handleOf(host)}/top-gifters`), expectedBoard(journal.filter((payment) => payment.creatorId === host.id)));
      assert.deepEqual(await boardOf(`/api/v1/users/${await handleOf(host)}/top-gifters`), [
        [messenger.id, 500n],
        [roses.id, 160n],
        [fan.id, 140n],
      ]);

      const totals = (await get(`/api/v1/lives/${hostLive}/summary`)).summary.gifts;
      const sum = (payments: JournalPayment[], value: (payment: JournalPayment) => bigint) => payments.reduce((total, payment) => total + value(payment), 0n);
      assert.equal(
        BigInt(totals.coins),
        sum(inHostLive, (payment) => payment.coins),
      );
      assert.equal(
        BigInt(totals.diamonds),
        sum(inHostLive, (payment) => payment.diamonds),
      );
      const gifts = inHostLive.filter((payment) => payment.kind === 'gift');
      assert.equal(
        totals.giftCount,
        gifts.reduce((count, payment) => count + payment.quantity!, 0),
      );
      assert.equal(totals.giftCount, 11, 'ten roses, one combo, counted as ten; and one money gun');
    });

    it('sends the room one event per payment in it, shaped as the room protocol says, and operators one webhook event per payment', async () => {
      await t.relay.idle();
      await new Promise((resolve) => setImmediate(resolve));
      const journal = await journalPayments(t);
      const inHostLive = journal.filter((payment) => payment.liveId === hostLive);
      assert.deepEqual(
        frames.map((frame) => frame.type),
        inHostLive.map((payment) => payment.kind),
      );
      assert.equal(new Set(frames.map((frame) => frame.eventId)).size, frames.length);
      const keys = (type: RoomFrame['type']) => Object.keys(frames.find((frame) => frame.type === type)!).sort();
      assert.deepEqual(keys('gift'), [
        'coins',
        'combo',
        'creatorId',
        'diamonds',
        'eventId',
        'giftId',
        'icon',
        'liveId',
        'name',
        'quantity',
        'senderId',
        'senderLevel',
        'senderName',
        'sentAt',
        'tier',
        'type',
      ]);
      assert.deepEqual(keys('cheer'), ['badge', 'coins', 'eventId', 'liveId', 'senderId', 'senderLevel', 'senderName', 'sentAt', 'text', 'type']);
      assert.deepEqual(keys('paid_message'), ['coins', 'eventId', 'liveId', 'pinnedUntil', 'senderId', 'senderLevel', 'senderName', 'sentAt', 'text', 'tier', 'type']);
      assert.equal((frames.at(9) as GiftEvent).combo?.count, 10);

      const webhooks = await t.db.kysely.selectFrom('outbox').select(['transfer_seq', 'payload']).where('topic', '=', 'webhook').execute();
      for (const payment of journal) {
        const message = webhooks.find((row) => `tr_${row.transfer_seq}` === payment.transferId);
        assert.equal(JSON.parse(message!.payload).event, `${payment.kind}.sent`, payment.transferId);
      }
    });

    it('a burst of concurrent roses from one sender counts on in one combo: its last count is the roses the ledger moved, the board their coins', async () => {
      const sender = await viewerWithCoins(t);
      const roses = 30;
      const answers = await Promise.all(
        Array.from({ length: roses }, () =>
          t.app.inject({ method: 'POST', url: `/api/v1/lives/${otherLive}/gifts`, headers: { ...sender.headers, 'idempotency-key': `burst-${++keyCounter}` }, payload: { giftId: 'gift_rose' } }),
        ),
      );
      for (const answer of answers) assert.equal(answer.statusCode, 201, answer.body);
      const combos = answers.map((answer) => answer.json().gift.combo as { id: string; count: number });
      assert.equal(new Set(combos.map((combo) => combo.id)).size, 1, 'one streak');
      assert.deepEqual(
        combos.map((combo) => combo.count).sort((a, b) => a - b),
        Array.from({ length: roses }, (_, index) => index + 1),
        'each rose has its own place in it',
      );
      const journal = (await journalPayments(t)).filter((payment) => payment.liveId === otherLive && payment.senderId === sender.id && payment.kind === 'gift');
      assert.equal(
        journal.reduce((sum, payment) => sum + payment.quantity!, 0),
        roses,
      );
      const entry = (await boardOf(`/api/v1/lives/${otherLive}/top-gifters`)).find(([userId]) => userId === sender.id);
      assert.deepEqual(entry, [
        sender.id,
        sumBy(
          journal,
          () => 'all',
          (payment) => payment.coins,
        ).get('all'),
      ]);
    });

    it('leaves the ledger consistent', async () => {
      const audit = await runAudit(t.db);
      assert.equal(audit.ok, true, JSON.stringify(audit.checks.filter((check) => check.violations.length > 0)));
    });
  });
}
