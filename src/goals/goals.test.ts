import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { goLiveAs, joinRoom, type RoomClient } from '../live/testing/room-client.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { offerTiers } from '../subscriptions/testing/tiers.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`live goals on ${engine}`, { skip }, () => {
    let t: TestApp;
    let base: string;
    let keyCounter = 0;
    const clients: RoomClient[] = [];

    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const call = (app: TestApp, user: SignedInUser | undefined, method: 'GET' | 'PUT' | 'DELETE' | 'POST', url: string, payload?: object) =>
      app.app.inject({ method, url, headers: { ...user?.headers, ...(method === 'POST' ? { 'idempotency-key': `goal-${++keyCounter}` } : {}) }, payload });
    const goalOf = async (liveId: string) => (await call(t, undefined, 'GET', `/api/v1/lives/${liveId}/goal`)).json().goal;
    /** The goal events committed for operators, by type. */
    const webhookEvents = async (goalId: string) =>
      (await t.db.kysely.selectFrom('event_outbox').select('payload').where('topic', '=', 'webhook').execute())
        .map((row) => JSON.parse(row.payload) as { event: string; data: { id?: string } })
        .filter((payload) => payload.event.startsWith('goal.') && payload.data.id === goalId)
        .map((payload) => payload.event)
        // A plain select keeps no order (PostgreSQL returns relayed rows where their new versions lie): each event once is what counts.
        .sort();

    it('is set and cleared by the live’s creator only; bad input and other roles change nothing', async () => {
      const creator = await signUpCreator(t);
      const other = await signUpCreator(t);
      const viewer = await signUpAndLogIn(t);
      const liveId = await goLiveAs(t.app, creator);
      const url = `/api/v1/lives/${liveId}/goal`;
      const coins = { kind: 'coins', target: 100 };

      assert.equal((await call(t, undefined, 'PUT', url, coins)).statusCode, 401);
      assert.equal((await call(t, viewer, 'PUT', url, coins)).statusCode, 403, 'a viewer who is not a creator');
      const notTheirs = await call(t, other, 'PUT', url, coins);
      assert.equal(notTheirs.statusCode, 403);
      assert.equal(notTheirs.json().error.code, 'not_your_live');
      for (const [body, code] of [
        [{ kind: 'coins', target: 0 }, 'validation_failed'],
        [{ kind: 'coins', target: 1.5 }, 'validation_failed'],
        [{ kind: 'likes', target: 5 }, 'validation_failed'],
        [{ kind: 'gift', target: 5 }, 'gift_required'],
        [{ kind: 'gift', target: 5, giftId: 'gift_nope' }, 'gift_not_found'],
        [{ kind: 'coins', target: 5, giftId: 'gift_rose' }, 'gift_not_counted'],
        [{ kind: 'coins', target: 5, title: '   ' }, 'invalid_title'],
      ] as const) {
        const refused = await call(t, creator, 'PUT', url, body);
        assert.equal(refused.statusCode, 400, JSON.stringify(body));
        if (code !== 'validation_failed') assert.equal(refused.json().error.code, code, JSON.stringify(body));
      }
      assert.equal(await goalOf(liveId), null, 'nothing refused set a goal');
      assert.equal((await call(t, creator, 'DELETE', url)).statusCode, 404);

      const set = await call(t, creator, 'PUT', url, { kind: 'gift', target: 3, giftId: 'gift_rose' });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().goal.title, '3 × Rose');
      assert.deepEqual(await goalOf(liveId), set.json().goal);
      assert.equal((await call(t, other, 'DELETE', url)).statusCode, 403, 'another creator cannot clear it');
      assert.equal((await call(t, viewer, 'DELETE', url)).statusCode, 403);
      const busy = await call(t, creator, 'PUT', url, coins);
      assert.equal(busy.statusCode, 409);
      assert.equal(busy.json().error.code, 'goal_in_progress');
      assert.equal((await call(t, creator, 'DELETE', url)).statusCode, 200);
      assert.equal(await goalOf(liveId), null);
      assert.deepEqual(await webhookEvents(set.json().goal.id), ['goal.cleared', 'goal.created']);

      // Many at once: one goal is set, the others are refused.
      const answers = await Promise.all(Array.from({ length: 8 }, (_, index) => call(t, creator, 'PUT', url, { kind: 'coins', target: 10 + index })));
      assert.deepEqual(answers.map((answer) => answer.statusCode).sort(), [200, 409, 409, 409, 409, 409, 409, 409]);
      const shown = await goalOf(liveId);
      assert.equal(shown.id, answers.find((answer) => answer.statusCode === 200)!.json().goal.id);

      assert.equal((await call(t, creator, 'POST', `/api/v1/lives/${liveId}/end`)).statusCode, 200);
      assert.equal((await call(t, creator, 'DELETE', url)).json().error.code, 'live_ended');
    });

    it('counts the live’s payments and completes once, with payments through two processes at once', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLiveAs(t.app, creator);
      const [rosa, max] = [await viewerWithCoins(t), await viewerWithCoins(t)];
      const second = await createTestApp(engine, { sharing: t });
      try {
        // Paid before the goal: not counted.
        assert.equal((await call(t, rosa, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId: 'gift_rose' })).statusCode, 201);
        const set = await call(t, creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'coins', target: 20, title: 'Twenty for a song' });
        assert.equal(set.statusCode, 200, set.body);
        const goalId = set.json().goal.id as string;

        // 30 one-coin roses from two viewers through both processes at once, and a paid message of 30 coins.
        const answers = await Promise.all([
          ...Array.from({ length: 30 }, (_, index) => call(index % 2 === 0 ? t : second, index % 3 === 0 ? max : rosa, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId: 'gift_rose' })),
          call(second, max, 'POST', `/api/v1/lives/${liveId}/paid-messages`, { coins: 30, text: 'for the song' }),
        ]);
        assert.deepEqual(
          answers.map((answer) => answer.statusCode),
          Array(31).fill(201),
        );
        const goal = await goalOf(liveId);
        assert.equal(goal.progress, 60, 'every coin paid since the goal was set, none before');
        assert.ok(goal.completedAt !== null);
        assert.deepEqual(await webhookEvents(goalId), ['goal.completed', 'goal.created'], 'completed once');

        // The next goal replaces one reached; a gift goal counts that gift only.
        const next = await call(t, creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'gift', target: 2, giftId: 'gift_finger_heart' });
        assert.equal(next.statusCode, 200, next.body);
        await call(second, rosa, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId: 'gift_rose', quantity: 3 });
        await call(t, rosa, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId: 'gift_finger_heart' });
        assert.equal((await goalOf(liveId)).progress, 1, 'the second process heard of the new goal');
      } finally {
        await second.destroy();
      }
    });

    it('counts new subscribers, taken or gifted in the live, and completes once with subscriptions through two processes at once', async () => {
      const creator = await signUpCreator(t);
      await offerTiers(t, creator, [{ level: 1, name: 'Fan', priceCoins: 100 }]);
      const liveId = await goLiveAs(t.app, creator);
      const subscribe = (app: TestApp, viewer: SignedInUser) => call(app, viewer, 'POST', '/api/v1/subscriptions', { creatorId: creator.id, level: 1 });
      const viewers = await Promise.all(Array.from({ length: 6 }, () => viewerWithCoins(t)));
      const gifter = await viewerWithCoins(t);
      const given = await signUpAndLogIn(t);
      // Subscribed before the goal: not counted.
      assert.equal((await subscribe(t, viewers[0]!)).statusCode, 201);
      const set = await call(t, creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'subscribers', target: 3 });
      assert.equal(set.statusCode, 200, set.body);
      assert.equal(set.json().goal.title, '3 new subscribers');
      const goalId = set.json().goal.id as string;
      assert.equal((await call(t, creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'subscribers', target: 4, giftId: 'gift_rose' })).json().error.code, 'gift_not_counted');

      const second = await createTestApp(engine, { sharing: t });
      try {
        // Five subscribe and one is given a subscription, at once through both processes: the target is crossed once.
        const answers = await Promise.all([
          ...viewers.slice(1).map((viewer, index) => subscribe(index % 2 === 0 ? t : second, viewer)),
          call(second, gifter, 'POST', `/api/v1/lives/${liveId}/subscription-gifts`, { level: 1, recipientId: given.id }),
        ]);
        assert.deepEqual(
          answers.map((answer) => answer.statusCode),
          Array(6).fill(201),
          answers.map((answer) => answer.body).join(' '),
        );
        const goal = await goalOf(liveId);
        assert.equal(goal.progress, 6, 'each new subscriber since the goal was set, none before');
        assert.ok(goal.completedAt !== null);
        assert.deepEqual(await webhookEvents(goalId), ['goal.completed', 'goal.created'], 'completed once');
        // Coins paid into the live do not move it, nor does a subscriber subscribing again (refused).
        assert.equal((await call(second, gifter, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId: 'gift_rose' })).statusCode, 201);
        assert.equal((await subscribe(t, viewers[1]!)).statusCode, 409);
        assert.equal((await goalOf(liveId)).progress, 6);
      } finally {
        await second.destroy();
      }
    });

    it('shows in the room: the welcome carries the goal, progress follows the payments, and the room hears it reached once', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLiveAs(t.app, creator);
      const viewer = await viewerWithCoins(t);
      const goalId = (await call(t, creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'gift', target: 10, giftId: 'gift_rose' })).json().goal.id as string;
      const room = await joinRoom({ app: t.app, base, clients }, liveId);
      const welcome = room.messages.find((message) => message.type === 'welcome')!;
      assert.deepEqual(welcome.goal, await goalOf(liveId));
      const answers = await Promise.all(Array.from({ length: 12 }, () => call(t, viewer, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId: 'gift_rose' })));
      assert.ok(answers.every((answer) => answer.statusCode === 201));
      await room.next((message) => message.type === 'goal_completed', 5000);
      // What the room shows: progress pushed as the payments reached it, and the goal as it completed.
      const progress = () =>
        room.messages.flatMap((message) =>
          message.type === 'goal_progress' ? [message.progress as number] : message.type === 'goal_completed' ? [(message.goal as { progress: number }).progress] : [],
        );
      await room.next(() => progress().includes(12), 5000);
      assert.deepEqual(
        progress(),
        [...progress()].sort((a, b) => a - b),
        'progress only goes up',
      );
      await t.relay.idle();
      assert.equal(room.messages.filter((message) => message.type === 'goal_completed').length, 1);
      assert.equal((await call(t, creator, 'DELETE', `/api/v1/lives/${liveId}/goal`)).statusCode, 200);
      await room.next((message) => message.type === 'goal_cleared' && message.goalId === goalId, 5000);
    });

    it('completes at start a goal whose payment’s process stopped before announcing it', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLiveAs(t.app, creator);
      const goalId = (await call(t, creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'coins', target: 5 })).json().goal.id as string;
      // As if the process had stopped between the payment's commit and the announcement.
      await t.db.kysely.insertInto('goal_progress').values({ goal_id: goalId, amount: 7n }).execute();
      assert.deepEqual(await t.services.goals.repair(), { finished: 1, skipped: [] });
      assert.deepEqual(await t.services.goals.repair(), { finished: 0, skipped: [] });
      assert.deepEqual(await webhookEvents(goalId), ['goal.completed', 'goal.created']);
    });
  });
}
