import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { busesUnderTest } from '../bus/testing/brokers.js';
import { createTestDatabase, enginesUnderTest, type TestDatabase } from '../db/testing/databases.js';
import { callServer as call, signUpOverNetwork as signUp, startServerProcess, waitUntilReady, type ServerProcess } from '../server/testing/process.js';
import { liveWithPayingViewer } from '../gifts/testing/network.js';
import { userCoinWalletId } from '../ledger/index.js';
import { connectRoom, type RoomClient } from './testing/room-client.js';

const postgres = (await enginesUnderTest()).find((engine) => engine.engine === 'postgres')!;

for (const bus of (await busesUnderTest()).filter((candidate) => candidate.kind !== 'memory')) {
  describe(`two server processes on one PostgreSQL database, ${bus.kind} as the bus`, { skip: postgres.skip ?? bus.skip }, () => {
    let testDb: TestDatabase;
    const servers: ServerProcess[] = [];
    const clients: RoomClient[] = [];
    let urlA: string;
    let urlB: string;
    before(
      async () => {
        testDb = await createTestDatabase('postgres');
        // The per-IP limits live on the shared bus: every sign-up from 127.0.0.1 by other suites and benchmarks on it counts too.
        const env = { DATABASE_URL: testDb.url, BUS_URL: bus.url!, CREATOR_APPROVAL: 'auto', RECONCILE_INTERVAL_MS: '0', AUTH_IP_MAX_REQUESTS: '1000' };
        servers.push(startServerProcess(env), startServerProcess(env));
        [urlA, urlB] = (await Promise.all(servers.map((server) => server.listening))) as [string, string];
        await Promise.all([waitUntilReady(urlA), waitUntilReady(urlB)]);
      },
      { timeout: 60_000 },
    );
    after(async () => {
      for (const client of clients) client.close();
      for (const server of servers) server.child.kill('SIGTERM');
      await Promise.all(servers.map((server) => server.exited));
      await testDb?.destroy();
    });

    it('a gift sent through process A reaches a viewer on process B, and chat and viewer counts cross too', { timeout: 60_000 }, async () => {
      const creator = await signUp(urlA, 'Cluster Creator');
      assert.equal((await call(urlA, 'POST', '/api/v1/creator/apply', { token: creator.token, body: { acceptTerms: true } })).status, 200);
      const live = await call(urlA, 'POST', '/api/v1/lives', { token: creator.token, body: { title: 'Across processes' } });
      assert.equal(live.status, 201, JSON.stringify(live.body));
      const liveId = live.body.live.id as string;

      const sender = await signUp(urlA, 'Sender');
      const order = await call(urlA, 'POST', '/api/v1/orders', { token: sender.token, key: 'cluster-order', body: { packageId: 'pkg_web_700' } });
      const paid = await call(urlA, 'POST', `/api/v1/sandbox/checkout/${order.body.order.id}`, { token: sender.token, body: { card: '4242424242424242' } });
      assert.equal(paid.status, 200, JSON.stringify(paid.body));

      const wsOf = (url: string) => url.replace(/^http/, 'ws');
      const onB = await connectRoom(`${wsOf(urlB)}/api/v1/lives/${liveId}/ws`);
      clients.push(onB);
      await onB.next((message) => message.type === 'welcome');
      const ticket = await call(urlA, 'POST', `/api/v1/lives/${liveId}/tickets`, { token: sender.token });
      const onA = await connectRoom(`${wsOf(urlA)}${ticket.body.url}`);
      clients.push(onA);
      await onA.next((message) => message.type === 'welcome');

      await onB.next((message) => message.type === 'viewers' && message.count === 2, 15_000);

      const sent = await call(urlA, 'POST', `/api/v1/lives/${liveId}/gifts`, { token: sender.token, key: 'cluster-gift', body: { giftId: 'gift_money_gun', quantity: 1 } });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
      const gift = await onB.next((message) => message.type === 'gift', 15_000);
      assert.equal(gift.name, 'Money Gun');
      assert.equal(gift.senderId, sender.id);
      const board = await onB.next((message) => message.type === 'leaderboard', 15_000);
      assert.equal((board.topGifters as { coins: number }[])[0]?.coins, 500);

      const said = await onA.request({ type: 'chat', text: 'hello from A' });
      assert.equal(said.type, 'ack', JSON.stringify(said));
      const heard = await onB.next((message) => message.type === 'chat', 15_000);
      assert.equal(heard.text, 'hello from A');

      assert.equal((await call(urlB, 'POST', `/api/v1/lives/${liveId}/end`, { token: creator.token })).status, 200);
      await onA.next((message) => message.type === 'live_ended', 15_000);
    });

    it('a subscription through process A shows its badge on process B, and a chat mode set through A reaches B', { timeout: 60_000 }, async () => {
      const creator = await signUp(urlA, 'Badge Creator');
      assert.equal((await call(urlA, 'POST', '/api/v1/creator/apply', { token: creator.token, body: { acceptTerms: true } })).status, 200);
      const tiers = await call(urlA, 'PUT', '/api/v1/creator/subscription-tiers', { token: creator.token, body: { tiers: [{ level: 1, name: 'Fan', priceCoins: 100 }] } });
      assert.equal(tiers.status, 200, JSON.stringify(tiers.body));
      const { liveId, viewer } = await (async () => {
        const live = await call(urlA, 'POST', '/api/v1/lives', { token: creator.token, body: { title: 'Badges across processes' } });
        assert.equal(live.status, 201, JSON.stringify(live.body));
        const buyer = await signUp(urlA, 'Subscriber');
        const order = await call(urlA, 'POST', '/api/v1/orders', { token: buyer.token, key: `badge-order-${buyer.id}`, body: { packageId: 'pkg_web_700' } });
        // Webhooks dropped: the check credits the order at once, so the coins are there when it answers.
        const checkout = await call(urlA, 'POST', `/api/v1/sandbox/checkout/${order.body.order.id}`, { token: buyer.token, body: { card: '4242424242424242', webhooks: 'drop' } });
        assert.equal(checkout.status, 200);
        assert.equal((await call(urlA, 'POST', `/api/v1/orders/${order.body.order.id}/check`, { token: buyer.token })).body.order.status, 'succeeded');
        return { liveId: live.body.live.id as string, viewer: buyer };
      })();
      const ticket = await call(urlB, 'POST', `/api/v1/lives/${liveId}/tickets`, { token: viewer.token });
      const onB = await connectRoom(`${urlB.replace(/^http/, 'ws')}${ticket.body.url}`);
      clients.push(onB);
      await onB.next((message) => message.type === 'welcome');

      assert.equal((await call(urlA, 'POST', `/api/v1/lives/${liveId}/gifts`, { token: viewer.token, key: `badge-gift-${viewer.id}`, body: { giftId: 'gift_rose' } })).status, 201);
      const entryOf = (message: { topGifters?: unknown }) => (message.topGifters as { userId: string; subscriber: unknown }[] | undefined)?.find((entry) => entry.userId === viewer.id);
      await onB.next((message) => message.type === 'leaderboard' && entryOf(message)?.subscriber === null, 15_000);
      const subscribed = await call(urlA, 'POST', '/api/v1/subscriptions', { token: viewer.token, key: `badge-sub-${viewer.id}`, body: { creatorId: creator.id, level: 1 } });
      assert.equal(subscribed.status, 201, JSON.stringify(subscribed.body));
      const badge = { tierLevel: 1, tierName: 'Fan', months: 1 };
      await onB.next((message) => message.type === 'leaderboard' && JSON.stringify(entryOf(message)?.subscriber) === JSON.stringify(badge), 15_000);
      assert.equal((await onB.request({ type: 'chat', text: 'badge from B' })).type, 'ack');
      const line = await onB.next((message) => message.type === 'chat' && message.text === 'badge from B', 15_000);
      assert.deepEqual((line.user as { subscriber: unknown }).subscriber, badge);

      assert.equal((await call(urlA, 'PUT', `/api/v1/lives/${liveId}/chat-mode`, { token: creator.token, body: { subscribersOnly: true } })).status, 200);
      const mode = await onB.next((message) => message.type === 'chat_mode', 15_000);
      assert.deepEqual(mode.chatMode, { subscribersOnly: true });
      assert.equal((await onB.request({ type: 'chat', text: 'still here' })).type, 'ack', 'a subscriber chats in a subscribers-only room');
    });

    it('a battle accepted through process A scores gifts through both processes, and both rooms see the scores over the bus', { timeout: 60_000 }, async () => {
      const { viewer } = await liveWithPayingViewer(urlA);
      const creatorOn = async (url: string) => {
        const creator = await signUp(url, 'Battle Creator');
        assert.equal((await call(url, 'POST', '/api/v1/creator/apply', { token: creator.token, body: { acceptTerms: true } })).status, 200);
        const live = await call(url, 'POST', '/api/v1/lives', { token: creator.token, body: { title: 'Battle' } });
        assert.equal(live.status, 201, JSON.stringify(live.body));
        return { creator, liveId: live.body.live.id as string };
      };
      const [onA, onB] = await Promise.all([creatorOn(urlA), creatorOn(urlB)]);
      const wsOf = (url: string) => url.replace(/^http/, 'ws');
      // Each room watched through the process the other side's gifts go through.
      const roomA = await connectRoom(`${wsOf(urlB)}/api/v1/lives/${onA.liveId}/ws`);
      const roomB = await connectRoom(`${wsOf(urlA)}/api/v1/lives/${onB.liveId}/ws`);
      clients.push(roomA, roomB);
      await Promise.all([roomA.next((message) => message.type === 'welcome'), roomB.next((message) => message.type === 'welcome')]);

      const proposed = await call(urlB, 'POST', '/api/v1/battles', { token: onB.creator.token, body: { liveId: onB.liveId, opponentLiveId: onA.liveId, durationSeconds: 60 } });
      assert.equal(proposed.status, 201, JSON.stringify(proposed.body));
      const battleId = proposed.body.battle.id as string;
      assert.equal((await call(urlA, 'POST', `/api/v1/battles/${battleId}/accept`, { token: viewer.token })).status, 403, 'a viewer accepts no battle');
      const accepted = await call(urlA, 'POST', `/api/v1/battles/${battleId}/accept`, { token: onA.creator.token });
      assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
      await Promise.all([roomA.next((message) => message.type === 'battle_started', 15_000), roomB.next((message) => message.type === 'battle_started', 15_000)]);
      // Scoring starts after the countdown, by the servers' clock.
      await new Promise((resolve) => setTimeout(resolve, Date.parse(accepted.body.battle.startsAt as string) - Date.now() + 100));

      // Side a is the proposer's live (B's), side b the live A accepted with.
      assert.equal((await call(urlA, 'POST', `/api/v1/lives/${onA.liveId}/gifts`, { token: viewer.token, key: `battle-a-${battleId}`, body: { giftId: 'gift_confetti' } })).status, 201);
      assert.equal((await call(urlB, 'POST', `/api/v1/lives/${onB.liveId}/gifts`, { token: viewer.token, key: `battle-b-${battleId}`, body: { giftId: 'gift_perfume' } })).status, 201);
      for (const room of [roomA, roomB]) {
        const scores = { a: 0, b: 0 };
        // Each process pushes the scores its own gifts reached: the highest seen per side is the score.
        await room.next((message) => {
          if (message.type !== 'battle_score' || message.battleId !== battleId) return false;
          const pushed = message.scores as { a: number; b: number };
          scores.a = Math.max(scores.a, pushed.a);
          scores.b = Math.max(scores.b, pushed.b);
          return scores.a === 20 && scores.b === 100;
        }, 15_000);
      }
      const battle = (await call(urlB, 'GET', `/api/v1/battles/${battleId}`)).body.battle;
      assert.deepEqual(
        battle.sides.map((side: { score: number }) => side.score),
        [20, 100],
      );
    });

    it('a sign-out through process A stops gifts through process B at once, though B had the session in memory', { timeout: 60_000 }, async () => {
      const { liveId, viewer: sender } = await liveWithPayingViewer(urlA);
      const gift = (key: string) => call(urlB, 'POST', `/api/v1/lives/${liveId}/gifts`, { token: sender.token, key, body: { giftId: 'gift_rose' } });
      assert.equal((await gift('signout-warm')).status, 201, 'B takes the session into memory');
      // Read from the database: the signed-out token no longer reads the wallet.
      const coins = async () => (await testDb.db.kysely.selectFrom('ledger_accounts').select('posted').where('id', '=', userCoinWalletId(sender.id)).executeTakeFirstOrThrow()).posted;
      const coinsBefore = await coins();

      assert.ok((await call(urlA, 'POST', '/api/v1/auth/logout', { token: sender.token })).status < 300);
      const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => gift(`signout-after-${index}`)));
      for (const answer of answers) assert.equal(answer.status, 401, JSON.stringify(answer.body));
      assert.equal(await coins(), coinsBefore, 'no gift went through after the sign-out');
    });
  });
}
