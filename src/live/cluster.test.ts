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
        const env = { DATABASE_URL: testDb.url, BUS_URL: bus.url!, CREATOR_APPROVAL: 'auto', RECONCILE_INTERVAL_MS: '0' };
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
