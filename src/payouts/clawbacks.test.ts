import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { pino } from 'pino';
import { createSignedInAdmin, signUpCreator, stepUp, type SignedInUser } from '../accounts/testing/users.js';
import { auditEverything } from '../audit/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { userCoinWalletId } from '../ledger/index.js';
import { deliverDispute as deliverDisputeOf } from '../payments/testing/disputes.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { goLiveAs, joinRoom, type RoomClient } from '../live/testing/room-client.js';
import { createSenderLevels, gifterLevelOf, loadStatusConfig } from '../status/index.js';
import { assertAuditPasses, diamondsOf, earnDiamonds, payoutReadyCreator } from './testing/creators.js';

const DAY_MS = 86_400_000;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`chargeback clawbacks on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let base: string;
    const clients: RoomClient[] = [];
    before(async () => {
      // The default rules: a 7-day hold before a first payout, review of young accounts and of income from new or disputed payers.
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      admin = await createSignedInAdmin(t);
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const deliverDispute = (buyer: SignedInUser) => deliverDisputeOf(t, buyer);
    async function chargeBack(buyer: SignedInUser) {
      const { orderId, response } = await deliverDispute(buyer);
      assert.equal(response.statusCode, 200, response.body);
      return orderId;
    }
    const requestPayout = (creator: SignedInUser & { methodId: string }, amount: number, key: string) =>
      t.app.inject({ method: 'POST', url: '/api/v1/payouts', headers: { ...creator.headers, 'idempotency-key': key }, payload: { diamonds: amount, methodId: creator.methodId } });

    it('stolen card: coins bought, gifted to a new creator who asks for a payout; the payout is held, the diamonds clawed back, the audit passes', async () => {
      const creator = await payoutReadyCreator(t);
      const giftedAt = t.clock.now().toISOString();
      const thief = await earnDiamonds(t, creator, 8);
      const fan = await earnDiamonds(t, creator, 1);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 9000n, available: 9000n });

      const tooSoon = await requestPayout(creator, 9000, 'cash-out-now');
      assertRefused(tooSoon, 403, 'first_payout_hold');
      assert.match(tooSoon.json().error.message, /7 days after their first earning/);

      t.clock.advance(8 * DAY_MS);
      await stepUp(t, creator);
      const requested = await requestPayout(creator, 9000, 'cash-out');
      assert.equal(requested.statusCode, 201, requested.body);
      const payout = requested.json().payout;
      assert.equal(payout.status, 'in_review', 'a young account paid by new payers waits for review');
      const queued = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/payouts/${payout.id}`, headers: admin.headers })).json().payout;
      assert.deepEqual(
        queued.riskReasons.map((reason: { code: string }) => reason.code),
        ['young_account', 'risky_payers'],
      );
      await assertAuditPasses(t, 'with the payout in review');

      const handle = (await t.accounts.getUser(creator.id)).handle;
      const pairs = (entries: { userId: string; coins: number }[]) => entries.map((entry) => [entry.userId, entry.coins]);
      /** The creator's all-time top gifters, as the creator's profile and their page of gifters list them. */
      const boardOf = async () => {
        const board = (await t.app.inject({ method: 'GET', url: `/api/v1/users/${handle}/top-gifters` })).json().topGifters;
        const ranked = (await t.app.inject({ method: 'GET', url: `/api/v1/rankings/creators/${handle}/gifters?period=all` })).json().gifters;
        assert.deepEqual(pairs(ranked), pairs(board), 'the page of gifters agrees with the profile');
        return pairs(board);
      };
      const creatorOfTheDay = async () =>
        (await t.app.inject({ method: 'GET', url: `/api/v1/rankings/creators?period=day&at=${giftedAt}` })).json().creators.find((entry: { userId: string }) => entry.userId === creator.id)?.diamonds;
      assert.deepEqual(await boardOf(), [
        [thief.id, 8000],
        [fan.id, 1000],
      ]);
      assert.equal(await creatorOfTheDay(), 9000);

      const orderId = await chargeBack(thief);
      assert.equal((await t.ledger.getAccount(userCoinWalletId(thief.id)))!.posted, -8000n, "the thief's spent coins are owed");
      assert.deepEqual(await boardOf(), [[fan.id, 1000]], 'the charged-back gifts leave the top-gifter boards');
      assert.equal(await creatorOfTheDay(), 1000, 'and the diamonds they paid leave the creator rankings');
      assert.deepEqual(await diamondsOf(t, creator), { posted: 1000n, available: -8000n }, "8,000 of the payout's 9,000 diamonds were clawed back");
      const held = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/payouts/${payout.id}`, headers: admin.headers })).json().payout;
      assert.equal(held.status, 'in_review');
      assert.ok(held.riskReasons.some((reason: { code: string; message: string }) => reason.code === 'chargeback_clawback' && reason.message.includes(orderId)));
      await assertAuditPasses(t, 'after the clawback');
      const earnings = (await t.app.inject({ method: 'GET', url: '/api/v1/creator/earnings', headers: creator.headers })).json();
      assert.deepEqual([earnings.totals.diamonds, earnings.totals.clawedBackDiamonds, earnings.diamonds], [9000, 8000, 1000], 'the creator sees what was earned and what was taken back');

      // A redelivered dispute changes nothing.
      await t.app.inject({ method: 'POST', url: `/api/v1/orders/${orderId}/check`, headers: thief.headers });
      assert.deepEqual(await diamondsOf(t, creator), { posted: 1000n, available: -8000n });
      assert.deepEqual(await boardOf(), [[fan.id, 1000]]);

      const approve = await t.app.inject({ method: 'POST', url: `/api/v1/admin/payouts/${payout.id}/approve`, headers: admin.headers, payload: { note: 'Reviewed.' } });
      assertRefused(approve, 409, 'clawback_shortfall');
      const reject = await t.app.inject({
        method: 'POST',
        url: `/api/v1/admin/payouts/${payout.id}/reject`,
        headers: admin.headers,
        payload: { reason: 'Most of these diamonds came from a stolen card.' },
      });
      assert.equal(reject.statusCode, 200, reject.body);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 1000n, available: 1000n }, "the fan's 1,000 diamonds stay the creator's");
      const seen = (await t.app.inject({ method: 'GET', url: `/api/v1/payouts/${payout.id}`, headers: creator.headers })).json().payout;
      assert.equal(seen.status, 'rejected');
      assert.equal(seen.reason, 'Most of these diamonds came from a stolen card.');

      const risk = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/creators/${creator.id}/risk`, headers: admin.headers })).json().risk;
      assert.deepEqual(
        risk.payers.map((payer: { payerId: string; disputed: boolean }) => [payer.payerId, payer.disputed]),
        [
          [thief.id, true],
          [fan.id, false],
        ],
      );
      assert.deepEqual(
        risk.clawbacks.map((clawback: { orderId: string; tracedDiamonds: number; reversedDiamonds: number }) => [clawback.orderId, clawback.tracedDiamonds, clawback.reversedDiamonds]),
        [[orderId, 8000, 8000]],
      );
      assert.ok(risk.reasons.some((reason: { code: string }) => reason.code === 'disputed_payers'));
      const cases = await t.accounts.listCases({ userId: creator.id });
      assert.match(cases[0]!.description, /1 payout\(s\) waiting to be paid are held for review in the payout queue\./);
      assert.doesNotMatch(cases[0]!.description, /\b(usr|tr|po)_/, 'people and transfers are named in words, not by id');
      await assertAuditPasses(t, 'after the rejection');
    });

    it("a clawback takes the charged-back coins out of the sender's lifetime total, and their gifter level falls with it, once", async () => {
      const creator = await signUpCreator(t);
      const handle = (await t.accounts.getUser(creator.id)).handle;
      // Two purchases, the first to be charged back; 9 Galaxies (9,000 coins) spend all of the first and some of the second.
      const viewer = await viewerWithCoins(t, ['pkg_web_7000', 'pkg_web_700']);
      const sent = await t.app.inject({
        method: 'POST',
        url: `/api/v1/users/${handle}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': `level-galaxies-${viewer.id}` },
        payload: { giftId: 'gift_galaxy', quantity: 9, confirm: true },
      });
      assert.equal(sent.statusCode, 201, sent.body);
      assert.equal(sent.json().gift.senderLevel, 6, '9,000 coins reach level 6 (6,250)');
      const levelOf = async () => (await t.app.inject({ method: 'GET', url: '/api/v1/me/gifter-level', headers: viewer.headers })).json();
      const rankedLevel = async () =>
        (await t.app.inject({ method: 'GET', url: `/api/v1/rankings/creators/${handle}/gifters?period=all` })).json().gifters.find((entry: { userId: string }) => entry.userId === viewer.id)?.level;
      assert.deepEqual(await levelOf(), { level: 6, coins: 9000, nextLevelCoins: 10_800 });
      assert.equal(await rankedLevel(), 6);
      // Another process's memory of the sender's level, on the same bus.
      const elsewhere = createSenderLevels({ kysely: t.db.kysely, config: loadStatusConfig({}), bus: t.bus, logger: pino({ level: 'silent' }) });
      try {
        const claimLevel = async () => {
          const claim = await elsewhere.claim(viewer.id, 0);
          claim.released();
          return claim.level;
        };
        assert.equal(await claimLevel(), 6);

        const orderId = await chargeBack(viewer);
        const traced = await t.db.kysely.selectFrom('gift_clawbacks').select('traced_coins').where('order_id', '=', orderId).executeTakeFirstOrThrow();
        assert.ok(traced.traced_coins > 0n && traced.traced_coins < 9000n, `the first purchase paid part of the gift (${traced.traced_coins} coins)`);
        const left = 9000 - Number(traced.traced_coins);
        assert.deepEqual(await levelOf(), gifterLevelOf(left, loadStatusConfig({}).levelThresholds), 'the total falls by exactly the clawed-back coins');
        assert.ok((await levelOf()).level < 6);
        assert.equal(await rankedLevel(), (await levelOf()).level, 'boards show the lower level');
        for (let tries = 0; (await claimLevel()) !== (await levelOf()).level && tries < 50; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(await claimLevel(), (await levelOf()).level, 'every process forgets the level it held');
        await assertAuditPasses(t, 'after the clawback lowered the level');

        // The dispute delivered again traces nothing more: the total falls once.
        const again = await deliverDispute(viewer);
        assert.equal(again.response.statusCode, 200, again.response.body);
        assert.equal((await levelOf()).coins, left);
        // A level reached stays announced: it is not announced again when the viewer climbs back.
        const recorded = await t.db.kysely.selectFrom('gifter_levels').select('level').where('sender_id', '=', viewer.id).executeTakeFirstOrThrow();
        assert.equal(recorded.level, 6n);
        await assertAuditPasses(t, 'after the dispute was delivered again');
      } finally {
        await elsewhere.close();
      }
    });

    it("a clawback takes the fan points the charged-back gifts earned off the fan's membership, and the room shows the lowered badges without a rejoin", async () => {
      const creator = await signUpCreator(t);
      const club = await t.app.inject({ method: 'PUT', url: '/api/v1/creator/fan-club', headers: creator.headers, payload: { giftId: 'gift_finger_heart', name: 'Hearts' } });
      assert.equal(club.statusCode, 200, club.body);
      const handle = (await t.accounts.getUser(creator.id)).handle;
      const liveId = await goLiveAs(t.app, creator);
      // Two purchases, the first to be charged back: it pays the rose, the joining heart, the money gun and part of the galaxy.
      const fan = await viewerWithCoins(t, ['pkg_web_700', 'pkg_web_1400']);
      for (const giftId of ['gift_rose', 'gift_finger_heart', 'gift_money_gun', 'gift_galaxy']) {
        const sent = await t.app.inject({
          method: 'POST',
          url: `/api/v1/lives/${liveId}/gifts`,
          headers: { ...fan.headers, 'idempotency-key': `fan-${giftId}-${fan.id}` },
          payload: { giftId, quantity: 1, confirm: true },
        });
        assert.equal(sent.statusCode, 201, sent.body);
      }
      const standing = async () => {
        const { member, coins, points, level, daysWatched } = (await t.app.inject({ method: 'GET', url: `/api/v1/creators/${handle}/fan-club/me`, headers: fan.headers })).json().standing;
        return { member, coins, points, level, daysWatched };
      };
      const room = await joinRoom({ app: t.app, base, clients }, liveId, fan);
      // The rose came before joining: 1,505 coins count, and 20 points for today watched.
      assert.deepEqual(await standing(), { member: true, coins: 1505, points: 1525, level: 4, daysWatched: 1 });
      const badgesOf = (user: unknown) => {
        const { level, fan: badge } = user as { level: number; fan: unknown };
        return { level, fan: badge };
      };
      const welcome = room.messages.find((message) => message.type === 'welcome')!;
      assert.deepEqual(badgesOf((welcome.you as { user: unknown }).user), { level: 4, fan: { name: 'Hearts', level: 4 } }, '1,506 lifetime coins: gifter level 4');
      const fanCoinsOnBoard = (topGifters: unknown) => (topGifters as { userId: string; coins: number }[]).find((entry) => entry.userId === fan.id)?.coins;
      assert.equal(fanCoinsOnBoard(welcome.topGifters), 1506, 'the room’s board counts every gift of the live');

      const orderId = await chargeBack(fan);
      const traced = Number((await t.db.kysely.selectFrom('gift_clawbacks').select('traced_coins').where('order_id', '=', orderId).executeTakeFirstOrThrow()).traced_coins);
      assert.ok(traced > 506 && traced < 1506, `the first purchase paid part of the galaxy (${traced} coins traced)`);
      const left = 1505 - (traced - 1);
      assert.deepEqual(await standing(), { member: true, coins: left, points: left + 20, level: 3, daysWatched: 1 }, 'the clawed-back coins that counted leave the points; the rose never counted');
      await assertAuditPasses(t, 'after the clawback lowered the fan points');
      // The rose was paid before joining and with the charged-back purchase: none of it is kept as paid before joining any more.
      const kept = async () => Number((await t.db.kysely.selectFrom('fan_club_joins').select('coins_before_join').where('fan_id', '=', fan.id).executeTakeFirstOrThrow()).coins_before_join);
      assert.equal(await kept(), 0);
      await t.db.kysely.updateTable('fan_club_joins').set({ coins_before_join: 1n }).where('fan_id', '=', fan.id).execute();
      assert.match((await auditEverything(t.db)).violations.join('\n'), new RegExp(`fan ${fan.id} of creator ${creator.id} has 1 coins kept as paid before joining but paid 0 not clawed back`));
      await t.db.kysely.updateTable('fan_club_joins').set({ coins_before_join: 0n }).where('fan_id', '=', fan.id).execute();

      // The room on the air heard of it: the next chat line shows the lowered badges (the board shows them at its next push, within a second).
      assert.equal((await room.request({ type: 'chat', text: 'still a fan' })).type, 'ack');
      const line = await room.next((message) => message.type === 'chat' && message.text === 'still a fan');
      assert.deepEqual(badgesOf(line.user), { level: 3, fan: { name: 'Hearts', level: 3 } }, `${1506 - traced} lifetime coins: gifter level 3`);
      // And its board took the clawed-back coins off, as the records' board did, without anyone joining again.
      const board = await room.next((message) => message.type === 'leaderboard' && fanCoinsOnBoard(message.topGifters) !== 1506);
      assert.equal(fanCoinsOnBoard(board.topGifters), 1506 - traced);
      const records = (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/top-gifters` })).json();
      assert.deepEqual(
        (board.topGifters as { userId: string; coins: number }[]).map(({ userId, coins }) => ({ userId, coins })),
        (records.topGifters as { userId: string; coins: number }[]).map(({ userId, coins }) => ({ userId, coins })),
      );
    });

    it('diamonds already paid out cannot be clawed back: what is left is reversed and the rest is reported', async () => {
      const creator = await payoutReadyCreator(t);
      const thief = await earnDiamonds(t, creator, 8);
      t.clock.advance(8 * DAY_MS);
      await stepUp(t, creator);
      const payout = (await requestPayout(creator, 5000, 'first')).json().payout;
      const approved = await t.app.inject({ method: 'POST', url: `/api/v1/admin/payouts/${payout.id}/approve`, headers: admin.headers, payload: { note: 'Reviewed.' } });
      assert.equal(approved.json().payout.status, 'paid', approved.body);

      await chargeBack(thief);
      assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n }, 'the 3,000 left were reversed');
      const [clawback] = (await t.app.inject({ method: 'GET', url: `/api/v1/admin/creators/${creator.id}/risk`, headers: admin.headers })).json().risk.clawbacks;
      assert.deepEqual([clawback.tracedDiamonds, clawback.reversedDiamonds], [8000, 3000]);
      const cases = await t.accounts.listCases({ userId: creator.id });
      assert.match(cases[0]!.description, /by Test Viewer \(@[a-z0-9_]+\) was charged back\..*3000 were taken back and 5000 had already been paid out/);
      await assertAuditPasses(t, 'after a clawback short of what was paid out');
    });

    for (const failingCase of ['chargeback', 'gift_clawback'] as const) {
      it(`a database failure while opening the ${failingCase} case leaves no half-done dispute: the redelivered dispute completes it once`, async () => {
        const creator = await payoutReadyCreator(t);
        const thief = await earnDiamonds(t, creator, 2);
        const casesOf = async (user: SignedInUser, kind: string) => (await t.accounts.listCases({ userId: user.id })).filter((each) => each.kind === kind);
        // The database refuses that one kind of case, as a failing disk or a lost connection would.
        if (engine === 'sqlite') {
          await sql`create trigger refuse_case before insert on cases when new.kind = ${sql.lit(failingCase)} begin select raise(abort, 'injected failure'); end`.execute(t.db.kysely);
        } else {
          await sql`create function refuse_case() returns trigger language plpgsql as $$ begin raise exception 'injected failure'; end $$`.execute(t.db.kysely);
          await sql`create trigger refuse_case before insert on cases for each row when (new.kind = ${sql.lit(failingCase)}) execute function refuse_case()`.execute(t.db.kysely);
        }
        let failed;
        try {
          failed = await deliverDispute(thief);
        } finally {
          await sql`drop trigger refuse_case${sql.raw(engine === 'sqlite' ? '' : ' on cases')}`.execute(t.db.kysely);
          if (engine === 'postgres') await sql`drop function refuse_case()`.execute(t.db.kysely);
        }
        assert.equal(failed.response.statusCode, 500, 'the provider is told to deliver the dispute again');
        if (failingCase === 'chargeback') {
          const order = await t.db.kysely.selectFrom('orders').select(['status', 'clawback_transfer_id']).where('id', '=', failed.orderId).executeTakeFirstOrThrow();
          assert.equal(order.clawback_transfer_id, null, 'the order is not marked disputed without its restrictions and case');
          assert.deepEqual(await t.accounts.listCases({ userId: thief.id }), []);
        } else {
          assert.equal(await t.db.kysely.selectFrom('gift_clawbacks').select('order_id').where('order_id', '=', failed.orderId).executeTakeFirst(), undefined);
        }

        const { response } = await deliverDispute(thief);
        assert.equal(response.statusCode, 200, response.body);
        assert.equal((await casesOf(thief, 'chargeback')).length, 1, "one case about the buyer's chargeback");
        assert.equal((await casesOf(creator, 'gift_clawback')).length, 1, "one case about the creator's clawback");
        const restrictions = await t.db.kysely.selectFrom('user_restrictions').select('kind').where('user_id', '=', thief.id).orderBy('kind').execute();
        assert.deepEqual(
          restrictions.map((row) => row.kind),
          ['gifting', 'spending'],
        );
        assert.equal((await t.ledger.getAccount(userCoinWalletId(thief.id)))!.posted, -2000n, "the buyer's coins were taken back once");
        assert.deepEqual(await diamondsOf(t, creator), { posted: 0n, available: 0n }, "the creator's diamonds were taken back once");
        await assertAuditPasses(t, 'after the redelivered dispute');
      });
    }
  });
}
