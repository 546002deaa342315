import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { ConfigError } from '../config/index.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { journalPayments, viewerWithCoins, type JournalPayment } from '../gifts/testing/payments.js';
import { auditEverything } from '../audit/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { gifterLevelOf, loadStatusConfig, MAX_GIFTER_LEVEL } from './levels.js';
import { periodStart, periodStarts } from './periods.js';

const HOUR_MS = 3_600_000;
/** Levels 2 to 50 at 10, 20, 30… coins, so a few roses move a viewer up. */
const TEST_THRESHOLDS = Array.from({ length: MAX_GIFTER_LEVEL - 1 }, (_, index) => 10 * (index + 1));

describe('periods and levels', () => {
  it('starts periods at UTC boundaries; a week on Monday', () => {
    // Sunday 2026-12-06, 23:59:59.999 UTC.
    const sunday = new Date('2026-12-06T23:59:59.999Z');
    assert.equal(periodStart('hour', sunday), '2026-12-06T23:00:00.000Z');
    assert.equal(periodStart('day', sunday), '2026-12-06T00:00:00.000Z');
    assert.equal(periodStart('week', sunday), '2026-11-30T00:00:00.000Z');
    assert.equal(periodStart('month', sunday), '2026-12-01T00:00:00.000Z');
    assert.equal(periodStart('all', sunday), '');
    const monday = new Date(sunday.getTime() + 1);
    assert.equal(periodStart('week', monday), '2026-12-07T00:00:00.000Z');
    assert.equal(periodStart('month', new Date('2027-01-01T00:00:00.000Z')), '2027-01-01T00:00:00.000Z');
    assert.equal(periodStart('month', new Date('2026-12-31T23:59:59.999Z')), '2026-12-01T00:00:00.000Z');
    // Kept per hour for payments: the same answers, also across an hour, a day and a month's end.
    for (const at of ['2026-12-06T23:59:59.999Z', '2026-12-07T00:00:00.000Z', '2026-12-06T23:00:00.000Z', '2026-12-31T23:30:00.000Z', '2027-01-01T00:00:00.001Z']) {
      const starts = periodStarts(new Date(at));
      for (const period of ['hour', 'day', 'week', 'month', 'all'] as const) assert.equal(starts[period], periodStart(period, new Date(at)), `${period} of ${at}`);
    }
  });

  it('gives level 1 below the first threshold and the top level at the last; each threshold is reached exactly at its coins', () => {
    const { levelThresholds } = loadStatusConfig({});
    assert.deepEqual(gifterLevelOf(0, levelThresholds), { level: 1, coins: 0, nextLevelCoins: 50 });
    assert.deepEqual(gifterLevelOf(49, levelThresholds), { level: 1, coins: 49, nextLevelCoins: 50 });
    assert.deepEqual(gifterLevelOf(50, levelThresholds), { level: 2, coins: 50, nextLevelCoins: 400 });
    assert.equal(gifterLevelOf(36_450, levelThresholds).level, 10);
    assert.deepEqual(gifterLevelOf(5_882_450, levelThresholds), { level: 50, coins: 5_882_450, nextLevelCoins: null });
    assert.equal(gifterLevelOf(Number.MAX_SAFE_INTEGER, levelThresholds).level, 50);
  });

  it('refuses thresholds that are too few, not whole or not increasing, naming the variable', () => {
    for (const value of ['1,2,3', [...TEST_THRESHOLDS.slice(0, -1), 'x'].join(','), [5, ...TEST_THRESHOLDS.slice(1, -1), 4].join(','), [...TEST_THRESHOLDS.slice(0, 48), 10].join(',')]) {
      assert.throws(
        () => loadStatusConfig({ GIFTER_LEVEL_THRESHOLDS: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === 'GIFTER_LEVEL_THRESHOLDS',
      );
    }
    assert.deepEqual(loadStatusConfig({ GIFTER_LEVEL_THRESHOLDS: TEST_THRESHOLDS.join(', ') }).levelThresholds, TEST_THRESHOLDS);
  });
});

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`gifter levels and rankings on ${engine}`, { skip }, () => {
    let t: TestApp;
    let alba: SignedInUser;
    let bruno: SignedInUser;
    let albaLive: string;
    let brunoLive: string;
    let keyCounter = 0;
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', GIFTER_LEVEL_THRESHOLDS: TEST_THRESHOLDS.join(',') } });
      alba = await signUpCreator(t);
      bruno = await signUpCreator(t);
      const goLive = async (user: SignedInUser) => (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: user.headers, payload: { title: 'Rankings' } })).json().live.id as string;
      albaLive = await goLive(alba);
      brunoLive = await goLive(bruno);
    });
    after(async () => {
      await t?.destroy();
    });

    async function pay(user: SignedInUser, url: string, body: Record<string, unknown>) {
      const response = await t.app.inject({ method: 'POST', url, headers: { ...user.headers, 'idempotency-key': `status-${++keyCounter}` }, payload: body });
      assert.equal(response.statusCode, 201, `${url}: ${response.body}`);
    }
    const get = async (url: string, user?: SignedInUser) => {
      const response = await t.app.inject({ method: 'GET', url, headers: user?.headers });
      assert.equal(response.statusCode, 200, `${url}: ${response.body}`);
      return response.json();
    };
    const handleOf = async (user: SignedInUser) => (await t.accounts.getUser(user.id)).handle;
    const sumOf = (payments: JournalPayment[], value: (payment: JournalPayment) => bigint) => payments.reduce((sum, payment) => sum + value(payment), 0n);
    /** [userId, coins] of a creator's gifters from the journal, biggest first (ties by id), as a ranking shows them. */
    const expectedGifters = (payments: JournalPayment[]) => {
      const coins = new Map<string, bigint>();
      for (const payment of payments) coins.set(payment.senderId, (coins.get(payment.senderId) ?? 0n) + payment.coins);
      return [...coins].sort((a, b) => Number(b[1] - a[1]) || (a[0] < b[0] ? -1 : 1)).map(([userId, sum]) => [userId, Number(sum)]);
    };
    const giftersOf = async (creator: SignedInUser, query: string) =>
      ((await get(`/api/v1/rankings/creators/${await handleOf(creator)}/gifters?${query}`)).gifters as { userId: string; coins: number; rank: number }[]).map((entry) => [entry.userId, entry.coins]);

    it('counts every payment once, also many at once: levels, creator boards and creator rankings equal the journal', async () => {
      const [rosa, max, lea] = [await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t)];
      // Concurrent roses of one viewer land in shared ledger batches, summed per row there.
      await Promise.all(Array.from({ length: 25 }, () => pay(rosa, `/api/v1/lives/${albaLive}/gifts`, { giftId: 'gift_rose' })));
      await pay(rosa, `/api/v1/lives/${albaLive}/paid-messages`, { coins: 30, text: 'thirty' });
      await Promise.all([
        pay(max, `/api/v1/lives/${albaLive}/gifts`, { giftId: 'gift_money_gun' }),
        pay(max, `/api/v1/lives/${brunoLive}/cheers`, { coins: 7, text: 'cheer7' }),
        pay(lea, `/api/v1/users/${await handleOf(bruno)}/gifts`, { giftId: 'gift_confetti' }),
        pay(lea, `/api/v1/lives/${albaLive}/gifts`, { giftId: 'gift_rose', quantity: 3 }),
      ]);
      const journal = await journalPayments(t);

      for (const viewer of [rosa, max, lea]) {
        const coins = Number(
          sumOf(
            journal.filter((payment) => payment.senderId === viewer.id),
            (payment) => payment.coins,
          ),
        );
        assert.deepEqual(await get('/api/v1/me/gifter-level', viewer), gifterLevelOf(coins, TEST_THRESHOLDS));
      }
      assert.equal((await get('/api/v1/me/gifter-level', rosa)).level, 6, '55 coins with levels every 10 coins');

      for (const creator of [alba, bruno]) {
        const expected = expectedGifters(journal.filter((payment) => payment.creatorId === creator.id));
        for (const period of ['day', 'week', 'month', 'all']) assert.deepEqual(await giftersOf(creator, `period=${period}`), expected, `${period} board of ${creator.id}`);
      }
      const board = (await get(`/api/v1/rankings/creators/${await handleOf(alba)}/gifters?period=all`)).gifters;
      assert.deepEqual(
        board.map((entry: { rank: number; level: number }) => [entry.rank, entry.level]),
        board.map((entry: { userId: string; coins: number }, index: number) => [
          index + 1,
          gifterLevelOf(
            Number(
              sumOf(
                journal.filter((payment) => payment.senderId === entry.userId),
                (payment) => payment.coins,
              ),
            ),
            TEST_THRESHOLDS,
          ).level,
        ]),
        'ranks count from 1 and levels count every creator paid',
      );

      const audit = await auditEverything(t.db);
      assert.deepEqual(audit.violations, [], 'the audit finds every total equal to the payments');
      await t.db.kysely.updateTable('gifter_totals').set({ coins: 1n }).where('sender_id', '=', max.id).execute();
      const tampered = (await auditEverything(t.db)).violations.join('\n');
      assert.match(tampered, new RegExp(`gifter ${max.id} has 1 lifetime coins counted but paid`));
      await t.db.kysely
        .updateTable('gifter_totals')
        .set({
          coins: sumOf(
            journal.filter((payment) => payment.senderId === max.id),
            (payment) => payment.coins,
          ),
        })
        .where('sender_id', '=', max.id)
        .execute();

      for (const period of ['hour', 'day', 'week']) {
        const creators = (await get(`/api/v1/rankings/creators?period=${period}`)).creators as { userId: string; diamonds: number; coins: number }[];
        const expected = [alba, bruno]
          .map((creator) => {
            const paid = journal.filter((payment) => payment.creatorId === creator.id);
            return { userId: creator.id, diamonds: Number(sumOf(paid, (payment) => payment.diamonds)), coins: Number(sumOf(paid, (payment) => payment.coins)) };
          })
          .sort((a, b) => b.diamonds - a.diamonds);
        assert.deepEqual(
          creators.map(({ userId, diamonds, coins }) => ({ userId, diamonds, coins })),
          expected,
          period,
        );
      }
    });

    it('rolls over at the hour, the day and the week (UTC), and shows an earlier period by an instant in it', async () => {
      const fan = await viewerWithCoins(t);
      const diamondsOf = async (query: string) =>
        ((await get(`/api/v1/rankings/creators?${query}`)).creators as { userId: string; diamonds: number }[]).find((entry) => entry.userId === bruno.id)?.diamonds ?? 0;
      const before = { hour: await diamondsOf('period=hour'), day: await diamondsOf('period=day'), week: await diamondsOf('period=week') };
      const earlier = t.clock.now();
      const untilNext = (period: 'hour' | 'day' | 'week') => {
        const next = { hour: HOUR_MS, day: 24 * HOUR_MS, week: 7 * 24 * HOUR_MS }[period];
        return Date.parse(periodStart(period, t.clock.now())) + next - t.clock.now().getTime() + 1;
      };
      t.clock.advance(untilNext('hour'));
      assert.equal(await diamondsOf('period=hour'), 0, 'a new hour starts empty');
      await pay(fan, `/api/v1/lives/${brunoLive}/gifts`, { giftId: 'gift_rose' });
      const roseAt = t.clock.now();
      const roseDiamonds = Number((await journalPayments(t)).at(-1)!.diamonds);
      /** What the rose added to the period of `earlier`: nothing unless it was sent in that period too. */
      const roseIn = (period: 'day' | 'week') => (periodStart(period, roseAt) === periodStart(period, earlier) ? roseDiamonds : 0);
      assert.equal(await diamondsOf('period=hour'), roseDiamonds);
      assert.equal(await diamondsOf(`period=hour&at=${earlier.toISOString()}`), before.hour, 'the earlier hour keeps its figure');

      t.clock.advance(untilNext('day'));
      assert.equal(await diamondsOf('period=day'), 0, 'a new day starts empty');
      assert.equal(await diamondsOf(`period=day&at=${earlier.toISOString()}`), before.day + roseIn('day'));
      t.clock.advance(untilNext('week'));
      assert.equal(await diamondsOf('period=week'), 0, 'a new week starts empty on Monday');
      assert.deepEqual(await giftersOf(bruno, 'period=week'), []);
      assert.ok(
        (await giftersOf(bruno, 'period=all')).some(([userId]) => userId === fan.id),
        'all time never rolls over',
      );
      assert.equal(await diamondsOf(`period=week&at=${earlier.toISOString()}`), before.week + roseIn('week'));
    });

    it('announces each level once, by the payment that crossed it, in the room and to operators; also with payments through two processes at once', async () => {
      const climber = await viewerWithCoins(t);
      const second = await createTestApp(engine, { sharing: t, env: { GIFTER_LEVEL_THRESHOLDS: TEST_THRESHOLDS.join(',') } });
      const roomLevels: number[] = [];
      await t.bus.subscribe(`live:${albaLive}`, (frame) => {
        const event = JSON.parse(frame) as { type: string; userId?: string; level?: number };
        if (event.type === 'level_up' && event.userId === climber.id) roomLevels.push(event.level!);
      });
      const announced = async () =>
        (await t.db.kysely.selectFrom('event_outbox').select('payload').where('topic', '=', 'webhook').execute())
          .map((row) => JSON.parse(row.payload) as { event: string; data: { userId: string; level: number; lifetimeCoins: number } })
          .filter((payload) => payload.event === 'gifter.level_up' && payload.data.userId === climber.id)
          .map((payload) => payload.data.level)
          .sort((a, b) => a - b);
      const rose = (app: TestApp) =>
        app.app.inject({ method: 'POST', url: `/api/v1/lives/${albaLive}/gifts`, headers: { ...climber.headers, 'idempotency-key': `climb-${++keyCounter}` }, payload: { giftId: 'gift_rose' } });
      try {
        // 25 roses of one coin, at once through both processes: levels 2 (10 coins) and 3 (20 coins) are crossed once each.
        const answers = await Promise.all(Array.from({ length: 25 }, (_, index) => rose(index % 2 === 0 ? t : second)));
        assert.deepEqual(
          answers.map((answer) => answer.statusCode),
          Array(25).fill(201),
        );
        assert.deepEqual(await announced(), [2, 3]);
        // A payment that jumps several levels announces the one reached.
        await pay(climber, `/api/v1/lives/${albaLive}/paid-messages`, { coins: 30, text: 'up we go' });
        assert.deepEqual(await announced(), [2, 3, 6]);
        // The second process has a bus of its own here: the room hears what the first announced, each level once.
        await t.relay.idle();
        assert.ok(roomLevels.includes(6) && roomLevels.every((level) => [2, 3, 6].includes(level)) && new Set(roomLevels).size === roomLevels.length, `room heard ${roomLevels}`);
        assert.deepEqual(await get('/api/v1/me/gifter-level', climber), { level: 6, coins: 55, nextLevelCoins: 60 });
        // Alerts and answers carry the sender's level with the payment, with no read of the totals per payment.
        const next = await rose(t);
        assert.equal(next.json().gift.senderLevel, 6);
        const alerts: { type: string; senderLevel?: number }[] = [];
        const listening = await t.bus.subscribe(`live:${albaLive}`, (frame) => alerts.push(JSON.parse(frame) as { type: string; senderLevel?: number }));
        await pay(climber, `/api/v1/lives/${albaLive}/cheers`, { coins: 4, text: 'cheer4' });
        await t.relay.idle();
        await listening.unsubscribe();
        assert.deepEqual(
          alerts.filter((alert) => alert.type === 'cheer').map((alert) => alert.senderLevel),
          [7],
        );
      } finally {
        await second.destroy();
      }

      // A process that stopped between a payment's commit and its announcement: the start-up repair announces it, once.
      assert.deepEqual(await announced(), [2, 3, 6, 7]);
      await t.db.kysely.updateTable('gifter_totals').set({ coins: 75n }).where('sender_id', '=', climber.id).execute();
      assert.equal((await t.services.levelUps.repair()).finished, 1);
      assert.equal((await t.services.levelUps.repair()).finished, 0);
      assert.deepEqual(await announced(), [2, 3, 6, 7, 8]);
      // Levels held before levels existed (0) are taken silently.
      await t.db.kysely.updateTable('gifter_levels').set({ level: 0n }).where('sender_id', '=', climber.id).execute();
      await t.db.kysely.updateTable('gifter_totals').set({ coins: 95n }).where('sender_id', '=', climber.id).execute();
      assert.equal((await t.services.levelUps.repair()).finished, 1);
      assert.deepEqual(await announced(), [2, 3, 6, 7, 8]);
      const recorded = await t.db.kysely.selectFrom('gifter_levels').select('level').where('sender_id', '=', climber.id).executeTakeFirstOrThrow();
      assert.equal(recorded.level, 10n);
      await t.db.kysely.updateTable('gifter_totals').set({ coins: 60n }).where('sender_id', '=', climber.id).execute();
    });

    it('refuses unknown periods and malformed instants with 400, a non-creator with 404, and levels to the signed out with 401', async () => {
      const viewer = await signUpAndLogIn(t);
      const status = async (url: string, user?: SignedInUser) => (await t.app.inject({ method: 'GET', url, headers: user?.headers })).statusCode;
      assert.equal(await status('/api/v1/rankings/creators?period=month'), 400);
      assert.equal(await status('/api/v1/rankings/creators?period=day&at=yesterday'), 400);
      assert.equal((await t.app.inject({ method: 'GET', url: '/api/v1/rankings/creators?at=soon' })).json().error.code, 'invalid_at');
      assert.equal(await status(`/api/v1/rankings/creators/${await handleOf(alba)}/gifters?period=hour`), 400);
      assert.equal(await status(`/api/v1/rankings/creators/${await handleOf(viewer)}/gifters`), 404);
      assert.equal(await status('/api/v1/rankings/creators/nobody-here/gifters'), 404);
      assert.equal(await status('/api/v1/me/gifter-level'), 401);
      assert.deepEqual(await get('/api/v1/me/gifter-level', viewer), { level: 1, coins: 0, nextLevelCoins: 10 });
    });
  });
}
