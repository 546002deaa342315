import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { COIN, platformAccountId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { CLOSE } from './room.js';
import { connectRoom, goLiveAs, joinRoom, type Received, type RoomClient } from './testing/room-client.js';

const CLIENTS = 40;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`live room sockets on ${engine}`, { skip }, () => {
    let t: TestApp;
    let base: string;
    let keyCounter = 0;
    const clients: RoomClient[] = [];
    before(async () => {
      // Every test socket comes from one address: the per-viewer limit is lifted so that many anonymous viewers can join.
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', ROOM_MAX_BUFFERED_BYTES: '262144', ROOM_MAX_SOCKETS_PER_VIEWER: '1000' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const inject = (user: SignedInUser | undefined, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method, url, headers: { ...user?.headers, ...headers }, payload });
    const goLive = (creator: SignedInUser) => goLiveAs(t.app, creator);
    const sendGift = (viewer: SignedInUser, liveId: string, giftId: string, key = `gift-${++keyCounter}`) =>
      inject(viewer, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId, quantity: 1 }, { 'idempotency-key': key });
    const join = (liveId: string, user?: SignedInUser) => joinRoom({ app: t.app, base, clients }, liveId, user);
    const giftsOf = (client: RoomClient) => client.messages.filter((message) => message.type === 'gift');

    it(`${CLIENTS} viewers each receive every gift, once and in commit order`, async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const senders = [await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t)];
      const room = await Promise.all(Array.from({ length: CLIENTS }, () => join(liveId)));

      const sent: string[] = [];
      const retriedKey = 'the-same-key';
      await Promise.all(
        senders.map(async (sender, index) => {
          for (let i = 0; i < 10; i++) {
            const response = await sendGift(sender, liveId, i % 2 === 0 ? 'gift_rose' : 'gift_finger_heart', index === 0 && i === 0 ? retriedKey : undefined);
            assert.equal(response.statusCode, 201, response.body);
            sent.push(response.json().gift.transferId);
          }
        }),
      );
      const retry = await sendGift(senders[0]!, liveId, 'gift_rose', retriedKey);
      assert.equal(retry.statusCode, 201, 'a retry answers the gift first sent');

      const commitOrder = [...sent].sort((a, b) => Number(a.slice(3)) - Number(b.slice(3)));
      for (const client of room) {
        await client.next(() => giftsOf(client).length >= sent.length);
        const ids = giftsOf(client).map((gift) => `tr_${String(gift.eventId).split('_')[1]}`);
        assert.deepEqual(ids, commitOrder, 'every gift once, in the order the ledger committed them');
      }
    });

    it('a combo of ten roses shows x10 and counts ten coins once on the pushed leaderboard', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const viewer = await viewerWithCoins(t);
      const watcher = await join(liveId);
      for (let i = 0; i < 10; i++) assert.equal((await sendGift(viewer, liveId, 'gift_rose')).statusCode, 201);
      const last = await watcher.next((message) => message.type === 'gift' && (message.combo as { count: number } | null)?.count === 10);
      const comboIds = new Set(giftsOf(watcher).map((gift) => (gift.combo as { id: string }).id));
      assert.equal(comboIds.size, 1, 'one streak');
      assert.equal((last.combo as { count: number }).count, 10);
      const board = await watcher.next((message) => message.type === 'leaderboard' && (message.topGifters as { coins: number }[])[0]?.coins === 10);
      assert.deepEqual(
        (board.topGifters as { userId: string; coins: number }[]).map(({ userId, coins }) => ({ userId, coins })),
        [{ userId: viewer.id, coins: 10 }],
      );
      const rest = (await inject(undefined, 'GET', `/api/v1/lives/${liveId}/top-gifters`)).json().topGifters;
      assert.equal(rest[0].coins, 10, 'the REST board agrees');
    });

    it('a (re)joining client gets the room as it is: live, viewers, top gifters, recent chat and events', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const viewer = await viewerWithCoins(t);
      const first = await join(liveId, viewer);
      await sendGift(viewer, liveId, 'gift_doughnut');
      const chat = await first.request({ type: 'chat', text: 'hello room' });
      assert.equal(chat.type, 'ack', JSON.stringify(chat));
      await first.next((message) => message.type === 'leaderboard');
      first.close();

      const again = await join(liveId, viewer);
      const welcome = again.messages[0]!;
      assert.equal(welcome.type, 'welcome');
      assert.equal((welcome.live as { id: string }).id, liveId);
      assert.deepEqual((welcome.you as { role: string }).role, 'viewer');
      assert.equal((welcome.topGifters as { userId: string; coins: number }[])[0]?.coins, 30);
      assert.deepEqual((welcome.recentChat as { text: string }[]).map((m) => m.text), ['hello room']);
      assert.deepEqual((welcome.recentEvents as { name: string }[]).map((e) => e.name), ['Doughnut']);
      assert.ok((welcome.viewers as number) >= 1);
    });

    it('chat: signed-in users talk to the room; anonymous viewers watch; length and rate limits hold', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const alice = await signUpAndLogIn(t);
      const talker = await join(liveId, alice);
      const anonymous = await join(liveId);

      const said = await talker.request({ type: 'chat', text: '  hi everyone  ' });
      assert.equal(said.type, 'ack');
      const heard = await anonymous.next((message) => message.type === 'chat');
      assert.equal(heard.text, 'hi everyone');
      assert.equal((heard.user as { userId: string }).userId, alice.id);

      assert.equal((await anonymous.request({ type: 'chat', text: 'me too' })).code, 'sign_in_required');
      assert.equal((await talker.request({ type: 'chat', text: 'x'.repeat(201) })).code, 'invalid_text');
      assert.equal((await talker.request({ type: 'chat', text: 'bell\u0007' })).code, 'invalid_text');
      for (let i = 0; i < 4; i++) assert.equal((await talker.request({ type: 'chat', text: `message ${i}` })).type, 'ack');
      assert.equal((await talker.request({ type: 'chat', text: 'one too many' })).code, 'chat_rate_limited');
      assert.equal((await talker.request({ type: 'dance' } as never)).code, 'unknown_message_type');
    });

    it('tickets are single-use and for one live; a wrong ticket closes with 4401', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const viewer = await signUpAndLogIn(t);
      const ticket = (await inject(viewer, 'POST', `/api/v1/lives/${liveId}/tickets`)).json();
      assert.equal(ticket.role, 'viewer');
      const first = await connectRoom(`${base}${ticket.url}`);
      clients.push(first);
      await first.next((message) => message.type === 'welcome');
      const reused = await connectRoom(`${base}${ticket.url}`);
      assert.equal((await reused.closed).code, CLOSE.invalidTicket);
      assert.equal(reused.messages[0]?.code, 'invalid_ticket');

      const creatorTicket = (await inject(creator, 'POST', `/api/v1/lives/${liveId}/tickets`)).json();
      assert.equal(creatorTicket.role, 'creator');
      assert.equal((await inject(undefined, 'POST', `/api/v1/lives/${liveId}/tickets`)).statusCode, 401, 'anonymous viewers need no ticket and get none');
      const missing = await connectRoom(`${base}/api/v1/lives/live_nope/ws`);
      assert.equal((await missing.closed).code, CLOSE.notFound);
      assert.equal((await inject(undefined, 'GET', `/api/v1/lives/${liveId}/ws`)).statusCode, 426);
    });

    it('the creator deletes messages, mutes and bans; viewers cannot moderate', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const troll = await signUpAndLogIn(t);
      const bystander = await signUpAndLogIn(t);
      const host = await join(liveId, creator);
      const trollSocket = await join(liveId, troll);
      const watcher = await join(liveId, bystander);

      const said = await trollSocket.request({ type: 'chat', text: 'spam spam' });
      const messageId = (said.result as { id: string }).id;
      assert.equal((await watcher.request({ type: 'delete_message', messageId })).code, 'not_a_moderator');
      assert.equal((await host.request({ type: 'delete_message', messageId })).type, 'ack');
      await watcher.next((message) => message.type === 'chat_deleted' && message.id === messageId);

      const muted = await host.request({ type: 'mute', userId: troll.id, minutes: 10 });
      assert.equal(muted.type, 'ack', JSON.stringify(muted));
      await trollSocket.next((message) => message.type === 'user_muted');
      assert.equal((await trollSocket.request({ type: 'chat', text: 'still here' })).code, 'muted');
      assert.equal((await host.request({ type: 'mute', userId: creator.id, minutes: 10 })).code, 'cannot_moderate_creator');

      assert.equal((await host.request({ type: 'ban', userId: troll.id })).type, 'ack');
      assert.equal((await trollSocket.closed).code, CLOSE.banned);
      const ticket = (await inject(troll, 'POST', `/api/v1/lives/${liveId}/tickets`)).json();
      const rejoin = await connectRoom(`${base}${ticket.url}`);
      assert.equal((await rejoin.closed).code, CLOSE.banned, 'a banned user cannot come back signed in');
      assert.equal((await host.request({ type: 'unban', userId: troll.id })).type, 'ack');
      await join(liveId, troll);
    });

    it('gifts over the socket answer like the REST route, refusals included', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const viewer = await viewerWithCoins(t);
      const broke = await signUpAndLogIn(t);
      const socket = await join(liveId, viewer);
      const sinkBefore = (await t.ledger.getAccount(platformAccountId('gift_sink', COIN)))!.posted;

      const sent = await socket.request({ type: 'gift', giftId: 'gift_confetti', quantity: 2, idempotencyKey: 'socket-1' });
      assert.equal(sent.type, 'ack', JSON.stringify(sent));
      const again = await socket.request({ type: 'gift', giftId: 'gift_confetti', quantity: 2, idempotencyKey: 'socket-1' });
      assert.equal((again.result as { replayed: boolean }).replayed, true);
      await socket.next((message) => message.type === 'gift' && message.name === 'Confetti');
      assert.equal((await t.ledger.getAccount(platformAccountId('gift_sink', COIN)))!.posted - sinkBefore, 200n, 'sent once');

      const poor = await join(liveId, broke);
      const refused = await poor.request({ type: 'gift', giftId: 'gift_rose', quantity: 1, idempotencyKey: 'poor-1' });
      assert.equal(refused.code, 'insufficient_coins');
      assert.equal((await socket.request({ type: 'gift', giftId: 'gift_rose', quantity: 1 } as never)).code, 'idempotency_key_required');
      const anonymous = await join(liveId);
      assert.equal((await anonymous.request({ type: 'gift', giftId: 'gift_rose', quantity: 1, idempotencyKey: 'anon' })).code, 'sign_in_required');
    });

    it('paid messages and cheers over the socket reach the room; a pinned message is in a newcomer’s welcome', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const viewer = await viewerWithCoins(t);
      const socket = await join(liveId, viewer);
      const watcher = await join(liveId);

      const paid = await socket.request({ type: 'paid_message', coins: 100, text: 'Happy birthday!', idempotencyKey: 'paid-1' });
      assert.equal(paid.type, 'ack', JSON.stringify(paid));
      const shown = await watcher.next((message) => message.type === 'paid_message');
      assert.equal(shown.text, 'Happy birthday!');
      assert.deepEqual(shown.tier, { name: 'green', color: '#1DE9B6', pinSeconds: 30, maxChars: 150 });
      assert.equal(typeof shown.pinnedUntil, 'string');

      const cheer = await socket.request({ type: 'cheer', coins: 100, text: 'Cheer100 great set', idempotencyKey: 'cheer-1' });
      assert.equal(cheer.type, 'ack', JSON.stringify(cheer));
      const cheered = await watcher.next((message) => message.type === 'cheer');
      assert.equal(cheered.coins, 100);
      assert.equal((cheered.badge as { name: string }).name, 'purple');
      assert.equal((await socket.request({ type: 'paid_message', coins: 20, text: 'x'.repeat(51), idempotencyKey: 'paid-2' })).code, 'text_too_long');

      const newcomer = await join(liveId);
      const welcome = newcomer.messages[0]!;
      assert.deepEqual((welcome.pinned as { eventId: string }[]).map((message) => message.eventId), [shown.eventId]);
      const board = await watcher.next((message) => message.type === 'leaderboard' && (message.topGifters as { coins: number }[])[0]?.coins === 200);
      assert.equal((board.topGifters as { userId: string }[])[0]?.userId, viewer.id, 'paid messages and cheers count as support');
    });

    it('viewer counts are pushed and recorded on the live', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      // Viewers are counted once each (docs/live-protocol.md): three users, not three sockets from one address.
      const first = await join(liveId, await signUpAndLogIn(t));
      await join(liveId, await signUpAndLogIn(t));
      await join(liveId, await signUpAndLogIn(t));
      await first.next((message) => message.type === 'viewers' && message.count === 3);
      const live = (await inject(undefined, 'GET', `/api/v1/lives/${liveId}`)).json().live;
      assert.equal(live.viewers, 3);
    });

    it('when the live ends every socket hears it and is closed', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const a = await join(liveId);
      const b = await join(liveId);
      assert.equal((await inject(creator, 'POST', `/api/v1/lives/${liveId}/end`)).statusCode, 200);
      for (const client of [a, b]) {
        const ended = await client.next((message) => message.type === 'live_ended');
        assert.equal(ended.reason, 'creator');
        assert.equal((await client.closed).code, CLOSE.liveEnded);
      }
      const late = await connectRoom(`${base}/api/v1/lives/${liveId}/ws`);
      assert.equal((await late.closed).code, CLOSE.notLive);
    });

    it('a client that stops reading is disconnected; the others keep receiving', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const slow = await join(liveId);
      const fast = await join(liveId);
      // The slow client's socket stops reading: the server's send buffer is all that can grow.
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const filler = 'x'.repeat(60_000);
      for (let i = 0; i < 400; i++) {
        await t.bus.publish(`live:${liveId}`, JSON.stringify({ type: 'chat', id: `msg_fill_${i}`, user: { userId: 'u', handle: 'h', displayName: 'd' }, text: filler, sentAt: '' }));
        // The test's clients share the server's event loop: let them read between messages.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await fast.next((message: Received) => message.type === 'chat' && message.id === 'msg_fill_399', 20_000);
      (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      const closed = await slow.closed;
      assert.equal(closed.code, 1006, 'terminated without a close frame, which could not get through anyway');
      assert.ok(slow.messages.filter((message) => message.type === 'chat').length < 400);
    });
  });
}
