import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { auditEverything } from '../audit/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { journalPayments, viewerWithCoins } from '../gifts/testing/payments.js';
import type { AddressInfo } from 'node:net';
import { goLiveAs, joinRoom, type RoomClient } from '../live/testing/room-client.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { fanLevelOf } from './fan-clubs.js';

const DAY_MS = 86_400_000;

describe('fan levels', () => {
  it('grow with points and fall a level a week after a week idle, to 1 at the lowest', () => {
    assert.equal(fanLevelOf(0, '2026-12-06', '2026-12-06'), 1);
    assert.equal(fanLevelOf(99, '2026-12-06', '2026-12-06'), 1);
    assert.equal(fanLevelOf(100, '2026-12-06', '2026-12-06'), 2);
    assert.equal(fanLevelOf(1600, '2026-12-06', '2026-12-06'), 5);
    assert.equal(fanLevelOf(10_000_000, '2026-12-06', '2026-12-06'), 20);
    assert.equal(fanLevelOf(1600, '2026-12-06', '2026-12-19'), 5, '13 idle days');
    assert.equal(fanLevelOf(1600, '2026-12-06', '2026-12-20'), 4, '14 idle days');
    assert.equal(fanLevelOf(1600, '2026-12-06', '2026-12-27'), 3, '21 idle days');
    assert.equal(fanLevelOf(1600, '2026-12-06', '2027-12-06'), 1);
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`fan clubs on ${engine}`, { skip }, () => {
    let t: TestApp;
    let creator: SignedInUser;
    let handle: string;
    let liveId: string;
    let keyCounter = 0;
    let base: string;
    const clients: RoomClient[] = [];

    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
      creator = await signUpCreator(t);
      handle = (await t.accounts.getUser(creator.id)).handle;
      liveId = await goLiveAs(t.app, creator);
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const call = (user: SignedInUser | undefined, method: 'GET' | 'PUT' | 'POST', url: string, payload?: object) =>
      t.app.inject({ method, url, headers: { ...user?.headers, ...(method === 'POST' ? { 'idempotency-key': `fan-${++keyCounter}` } : {}) }, payload });
    const gift = async (viewer: SignedInUser, giftId: string, quantity = 1) => {
      const sent = await call(viewer, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId, quantity });
      assert.equal(sent.statusCode, 201, sent.body);
    };
    const standing = async (viewer: SignedInUser) => (await call(viewer, 'GET', `/api/v1/creators/${handle}/fan-club/me`)).json().standing;
    const joinedEvents = async (fanId: string) =>
      (await t.db.kysely.selectFrom('event_outbox').select('payload').execute())
        .map((row) => JSON.parse(row.payload) as { event?: string; type?: string; data?: { userId: string }; userId?: string })
        .filter((payload) => (payload.event === 'fan_club.joined' && payload.data?.userId === fanId) || (payload.type === 'fan_joined' && payload.userId === fanId))
        .map((payload) => payload.event ?? payload.type);

    it('is set up by the creator only, and anyone reads how to join; bad input changes nothing', async () => {
      const viewer = await signUpAndLogIn(t);
      assert.equal((await call(undefined, 'GET', `/api/v1/creators/${handle}/fan-club`)).json().error.code, 'fan_club_not_found');
      assert.equal((await call(viewer, 'PUT', '/api/v1/creator/fan-club', { giftId: 'gift_finger_heart', name: 'Hearts' })).statusCode, 403, 'a viewer has no club');
      assert.equal((await call(undefined, 'PUT', '/api/v1/creator/fan-club', { giftId: 'gift_finger_heart', name: 'Hearts' })).statusCode, 401);
      for (const body of [
        { giftId: 'gift_nope', name: 'Hearts' },
        { giftId: 'gift_finger_heart', name: 'A name far too long' },
        { giftId: 'gift_finger_heart', name: ' ' },
      ]) {
        assert.equal((await call(creator, 'PUT', '/api/v1/creator/fan-club', body)).statusCode, 400, JSON.stringify(body));
      }
      assert.equal((await call(undefined, 'GET', `/api/v1/creators/${handle}/fan-club`)).statusCode, 404);
      const set = await call(creator, 'PUT', '/api/v1/creator/fan-club', { giftId: 'gift_finger_heart', name: 'Hearts' });
      assert.equal(set.statusCode, 200, set.body);
      const club = (await call(undefined, 'GET', `/api/v1/creators/${handle}/fan-club`)).json().fanClub;
      assert.deepEqual({ name: club.name, giftId: club.giftId, giftName: club.giftName }, { name: 'Hearts', giftId: 'gift_finger_heart', giftName: 'Finger Heart' });
      assert.equal((await call(undefined, 'GET', `/api/v1/creators/${handle}/fan-club/me`)).statusCode, 401, 'a standing is read signed in');
      assert.deepEqual(await standing(viewer), { member: false, clubName: 'Hearts', level: 0, points: 0, coins: 0, daysWatched: 0, lastActiveDay: null });
    });

    it('joins a viewer once with the club’s gift, even sent many times at once; fan coins agree with the ledger and the audit', async () => {
      const [fan, other] = [await viewerWithCoins(t), await viewerWithCoins(t)];
      await gift(fan, 'gift_rose', 3);
      assert.equal((await standing(fan)).member, false, 'another gift does not join');
      const firstPaid = (await journalPayments(t)).length;
      // Five joining gifts at once, in shared batches: one joins.
      await Promise.all(Array.from({ length: 5 }, () => gift(fan, 'gift_finger_heart')));
      await Promise.all([gift(fan, 'gift_rose', 7), gift(fan, 'gift_money_gun'), gift(other, 'gift_rose', 2)]);
      await t.relay.idle();
      assert.deepEqual((await joinedEvents(fan.id)).sort(), ['fan_club.joined', 'fan_joined']);
      const sinceJoining = (await journalPayments(t)).slice(firstPaid).filter((payment) => payment.senderId === fan.id);
      const coins = Number(sinceJoining.reduce((sum, payment) => sum + payment.coins, 0n));
      assert.equal(coins, 5 * 5 + 7 + 500);
      const shown = await standing(fan);
      assert.deepEqual(
        { member: shown.member, coins: shown.coins, points: shown.points, level: shown.level },
        { member: true, coins, points: coins, level: fanLevelOf(coins, shown.lastActiveDay, shown.lastActiveDay) },
      );
      assert.equal((await standing(other)).member, false);

      assert.deepEqual((await auditEverything(t.db)).violations, []);
      const kept = (await t.db.kysely.selectFrom('fan_club_joins').select('coins_before_join').where('fan_id', '=', fan.id).executeTakeFirstOrThrow()).coins_before_join;
      assert.equal(Number(kept), 3, 'the roses before joining are kept as paid before it');
      await t.db.kysely.updateTable('fan_club_joins').set({ coins_before_join: 0n }).where('fan_id', '=', fan.id).execute();
      assert.match((await auditEverything(t.db)).violations.join('\n'), new RegExp(`fan ${fan.id} of creator ${creator.id} has 0 coins kept as paid before joining but paid 3`));
      await t.db.kysely.updateTable('fan_club_joins').set({ coins_before_join: kept }).where('fan_id', '=', fan.id).execute();
      assert.deepEqual((await auditEverything(t.db)).violations, []);
    });

    it('shows a member’s fan badge and gifter level in the creator’s room: in chat, on the board and in the alert; joining the room counts a day watched', async () => {
      const fan = await viewerWithCoins(t);
      await gift(fan, 'gift_finger_heart');
      const room = await joinRoom({ app: t.app, base, clients }, liveId, fan);
      const welcome = room.messages.find((message) => message.type === 'welcome')!;
      const you = (welcome.you as { user: { level: number; fan: { name: string; level: number } } }).user;
      const expected = await standing(fan);
      assert.equal(expected.daysWatched, 1, 'joining the room counted today as watched');
      assert.deepEqual(you.fan, { name: 'Hearts', level: expected.level });
      assert.equal(you.level, 1);
      await gift(fan, 'gift_money_gun');
      const alert = await room.next((message) => message.type === 'gift' && message.senderId === fan.id && message.giftId === 'gift_money_gun', 5000);
      assert.ok((alert.senderLevel as number) >= 1);
      const board = await room.next(
        (message) => message.type === 'leaderboard' && (message.topGifters as { userId: string; fan?: unknown }[]).some((entry) => entry.userId === fan.id && entry.fan),
        5000,
      );
      const entry = (board.topGifters as { userId: string; level: number; fan: unknown }[]).find((candidate) => candidate.userId === fan.id)!;
      assert.deepEqual({ level: entry.level, fan: entry.fan }, { level: alert.senderLevel, fan: { name: 'Hearts', level: expected.level } });
      assert.equal((await room.request({ type: 'chat', text: 'hearts forever' })).type, 'ack');
      const line = await room.next((message) => message.type === 'chat' && message.text === 'hearts forever', 5000);
      assert.deepEqual({ level: (line.user as { level: number }).level, fan: (line.user as { fan: unknown }).fan }, { level: alert.senderLevel, fan: { name: 'Hearts', level: expected.level } });
    });

    it('lets a member’s level fall after a week idle and come back when they are active again (test clock)', async () => {
      const fan = await viewerWithCoins(t);
      await gift(fan, 'gift_finger_heart');
      await gift(fan, 'gift_money_gun');
      const active = await standing(fan);
      assert.equal(active.level, 3, '505 points');
      t.clock.advance(14 * DAY_MS);
      assert.equal((await standing(fan)).level, 2, 'two weeks idle');
      t.clock.advance(7 * DAY_MS);
      assert.equal((await standing(fan)).level, 1, 'three weeks idle');
      await gift(fan, 'gift_rose');
      const back = await standing(fan);
      assert.deepEqual({ level: back.level, coins: back.coins }, { level: 3, coins: 506 });
      assert.equal(back.lastActiveDay, t.clock.now().toISOString().slice(0, 10));
    });
  });
}
