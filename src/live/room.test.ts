import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { COIN, platformAccountId } from '../ledger/index.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { CLOSE } from './room-state.js';
import { connectRoom, goLiveAs, joinRoom, roomPath, type Received, type RoomClient } from './testing/room-client.js';

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
      assert.deepEqual(
        (welcome.recentChat as { text: string }[]).map((m) => m.text),
        ['hello room'],
      );
      assert.deepEqual(
        (welcome.recentEvents as { name: string }[]).map((e) => e.name),
        ['Doughnut'],
      );
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
      assert.deepEqual(
        (welcome.pinned as { eventId: string }[]).map((message) => message.eventId),
        [shown.eventId],
      );
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

    /** A money event as the outbox relay publishes it on the room's topic. */
    const relayed = (liveId: string, sender: SignedInUser, eventId: string, fields: Record<string, unknown>) =>
      t.bus.publish(
        `live:${liveId}`,
        JSON.stringify({
          eventId,
          type: 'cheer',
          liveId,
          senderId: sender.id,
          senderName: 'Sender',
          text: '',
          coins: 1,
          sentAt: new Date().toISOString(),
          badge: { name: 'gray', color: '#999999' },
          ...fields,
        }),
      );
    /** Ids of the events that carry coins: those the room keeps for resuming (a level reached is announced beside them, and not kept). */
    const moneyIds = (messages: Received[]) =>
      messages.filter((message) => typeof message.eventId === 'string' && ['gift', 'paid_message', 'cheer'].includes(message.type as string)).map((message) => message.eventId as string);
    const framesAfterWelcome = (client: RoomClient) => client.frames.filter((frame) => frame.type !== 'welcome' && frame.type !== 'viewers' && frame.type !== 'leaderboard');

    it('a quiet room sends its first events after a short gather; those that follow within the tick reach each socket as one batch frame, in commit order', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const sender = await signUpAndLogIn(t);
      const watchers = [await join(liveId), await join(liveId)];
      // Relayed together, as the outbox relay publishes a ledger batch's events.
      const ids = Array.from({ length: 6 }, (_, index) => `evt_${9_100 + index}_0`);
      for (const [index, eventId] of ids.entries()) {
        if (index === 3)
          void t.bus.publish(
            `live:${liveId}`,
            JSON.stringify({ type: 'chat', id: 'msg_between', user: { userId: sender.id, handle: 'h', displayName: 'd', subscriber: null }, text: 'hi', emotes: [], sentAt: new Date().toISOString() }),
          );
        void relayed(liveId, sender, eventId, { text: `cheer ${index}` });
      }
      for (const watcher of watchers) {
        await watcher.next((message) => message.eventId === ids[5]);
        const frames = framesAfterWelcome(watcher);
        assert.ok(frames.length <= 2, `seven events in at most two frames (the first may go alone), not ${frames.length}`);
        assert.equal(frames.at(-1)!.type, 'batch', 'those that follow the first share one frame');
        const events = frames.flatMap((frame) => (frame.type === 'batch' ? (frame.events as Received[]) : [frame]));
        assert.deepEqual(
          events.filter((event) => event.type !== 'leaderboard' && event.type !== 'viewers').map((event) => event.eventId ?? event.id),
          [...ids.slice(0, 3), 'msg_between', ...ids.slice(3)],
          'in the order they were committed',
        );
      }
      // A lone event is sent as itself.
      await watchers[0]!.next((message) => message.type === 'leaderboard');
      void t.bus.publish(
        `live:${liveId}`,
        JSON.stringify({ type: 'chat', id: 'msg_alone', user: { userId: sender.id, handle: 'h', displayName: 'd', subscriber: null }, text: 'hi', emotes: [], sentAt: new Date().toISOString() }),
      );
      await watchers[0]!.next((message) => message.id === 'msg_alone');
      assert.equal(watchers[0]!.frames.at(-1)!.id, 'msg_alone', 'not wrapped in a batch');
    });

    it('gifts of one combo within a tick merge into one event whose totals add up', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const [alice, bob] = [await signUpAndLogIn(t), await signUpAndLogIn(t)];
      const watcher = await join(liveId);
      const gift = (eventId: string, sender: SignedInUser, combo: { id: string; count: number }, quantity: number) =>
        relayed(liveId, sender, eventId, {
          type: 'gift',
          giftId: 'gift_rose',
          name: 'Rose',
          tier: 'small',
          icon: '',
          quantity,
          coins: quantity,
          diamonds: quantity * 5,
          creatorId: creator.id,
          combo,
          badge: undefined,
          text: undefined,
        });
      const streak = `${alice.id}:gift_rose:1`;
      void gift('evt_9301_0', alice, { id: streak, count: 1 }, 1);
      void gift('evt_9302_0', alice, { id: streak, count: 2 }, 1);
      void gift('evt_9303_0', alice, { id: streak, count: 5 }, 3);
      void gift('evt_9304_0', bob, { id: `${bob.id}:gift_rose:1`, count: 1 }, 1);
      void gift('evt_9305_0', alice, { id: streak, count: 6 }, 1);
      await watcher.next((message) => message.eventId === 'evt_9305_0');
      const gifts = giftsOf(watcher).map(({ eventId, senderId, quantity, coins, diamonds, combo }) => ({ eventId, senderId, quantity, coins, diamonds, count: (combo as { count: number }).count }));
      assert.ok(gifts.length < 5, `adjacent gifts of alice's streak were merged: ${gifts.length} events for 5 gifts`);
      assert.deepEqual(
        gifts.map((gift) => gift.eventId),
        [...gifts.map((gift) => gift.eventId)].sort(),
        'in commit order',
      );
      assert.deepEqual(
        gifts.filter((gift) => gift.senderId === bob.id),
        [{ eventId: 'evt_9304_0', senderId: bob.id, quantity: 1, coins: 1, diamonds: 5, count: 1 }],
        'another streak between is its own event',
      );
      // Each event carries the gifts it stands for: its quantity is what its count added to the streak.
      let streakCount = 0;
      for (const gift of gifts.filter((event) => event.senderId === alice.id)) {
        assert.equal(gift.quantity, gift.count - streakCount, `${gift.eventId} stands for the gifts since the last event`);
        assert.equal(gift.coins, gift.quantity);
        assert.equal(gift.diamonds, gift.quantity * 5);
        streakCount = gift.count;
      }
      assert.equal(streakCount, 6, 'the streak ends at six');
    });

    it('a client that reconnects with since= gets exactly the money events it missed', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const senders = [await viewerWithCoins(t), await viewerWithCoins(t)];
      const viewer = await signUpAndLogIn(t);
      const watcher = await join(liveId);
      const leaving = await join(liveId, viewer);
      for (const [index, giftId] of ['gift_rose', 'gift_doughnut'].entries()) assert.equal((await sendGift(senders[index]!, liveId, giftId)).statusCode, 201);
      await leaving.next(() => giftsOf(leaving).length === 2);
      const seen = moneyIds(leaving.messages);
      leaving.close();
      await leaving.closed;
      for (let i = 0; i < 4; i++) assert.equal((await sendGift(senders[i % 2]!, liveId, i % 2 === 0 ? 'gift_rose' : 'gift_doughnut')).statusCode, 201);
      await watcher.next(() => giftsOf(watcher).length === 6);
      const missed = moneyIds(watcher.messages).slice(2);

      const back = await connectRoom(`${base}${await roomPath(t.app, liveId, viewer)}&since=${seen.at(-1)}`);
      clients.push(back);
      const welcome = await back.next((message) => message.type === 'welcome');
      assert.equal(welcome.resumed, true);
      const resumed = await back.next((message) => message.eventId === missed.at(-1));
      assert.equal(back.frames[1]?.type, 'batch', 'the missed events follow the welcome in one batch');
      assert.deepEqual(moneyIds(back.frames[1]!.events as Received[]), missed, 'every missed event once, in order');
      assert.equal(resumed.eventId, missed.at(-1));

      const upToDate = await connectRoom(`${base}/api/v1/lives/${liveId}/ws?since=${missed.at(-1)}`);
      clients.push(upToDate);
      assert.equal((await upToDate.next((message) => message.type === 'welcome')).resumed, true);
      // An answer comes after anything sent before it.
      assert.equal((await upToDate.request({ type: 'chat', text: 'hi' })).code, 'sign_in_required');
      assert.deepEqual(moneyIds(upToDate.messages.slice(1)), [], 'nothing missed, nothing sent');

      const unknown = await connectRoom(`${base}/api/v1/lives/${liveId}/ws?since=evt_1_0`);
      clients.push(unknown);
      const fresh = await unknown.next((message) => message.type === 'welcome');
      assert.equal(fresh.resumed, false, 'an id the room does not hold: start over from the welcome');
      assert.deepEqual(moneyIds(fresh.recentEvents as Received[]), moneyIds(watcher.messages), 'which holds the recent events');
      assert.equal((await unknown.request({ type: 'chat', text: 'hi' })).code, 'sign_in_required');
      assert.equal(unknown.frames.filter((frame) => frame.type === 'batch').length, 0);
      assert.equal((await join(liveId)).messages[0]!.resumed, undefined, 'a client that asks nothing is told nothing');
    });

    it('a client that stops reading is closed with 4408 and resumes with since= without gaps or repeats', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const sender = await signUpAndLogIn(t);
      const slow = await join(liveId);
      const fast = await join(liveId);
      // The slow client's socket stops reading: the server's send buffer is all that can grow.
      (slow.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const filler = 'x'.repeat(60_000);
      const ids = Array.from({ length: 400 }, (_, index) => `evt_${10_000 + index}_0`);
      for (const [index, eventId] of ids.entries()) {
        await relayed(liveId, sender, eventId, { text: filler });
        // The fast client shares the server's event loop here: it catches up every few events, so that a
        // tick never gathers more than its buffer allows and only the slow client falls behind.
        if (index % 8 === 7) await fast.next((message: Received) => message.eventId === eventId, 20_000);
        else await new Promise((resolve) => setImmediate(resolve));
      }
      await fast.next((message: Received) => message.eventId === ids.at(-1), 20_000);
      assert.deepEqual(moneyIds(fast.messages), ids, 'the others keep receiving, every event once');
      (slow.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      const closed = await slow.closed;
      assert.equal(closed.code, CLOSE.tooSlow, 'closed as too slow, with a close frame');
      const received = moneyIds(slow.messages);
      assert.ok(received.length > 0 && received.length < ids.length, `got ${received.length} events before falling behind`);

      const back = await connectRoom(`${base}/api/v1/lives/${liveId}/ws?since=${received.at(-1)}`);
      clients.push(back);
      assert.equal((await back.next((message) => message.type === 'welcome')).resumed, true);
      await back.next((message) => message.eventId === ids.at(-1));
      assert.deepEqual([...received, ...moneyIds(back.messages.slice(1))], ids, 'no gap, no repeat');
    });

    it('in a room that sent a frame within the second, the changed board goes out with the next frame, not in a pass of its own', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const sender = await signUpAndLogIn(t);
      const watcher = await join(liveId);
      const boardWith = (coins: number) => (message: Received) => message.type === 'leaderboard' && (message.topGifters as { coins: number }[])[0]?.coins === coins;
      void relayed(liveId, sender, 'evt_9300_0', { coins: 5 });
      await watcher.next(boardWith(5));
      // The board may move once a second: the next change waits for the push interval, then for the room's next frame.
      void relayed(liveId, sender, 'evt_9301_0', { coins: 7 });
      await watcher.next((message) => message.eventId === 'evt_9301_0');
      const frames = watcher.frames.length;
      await new Promise((resolve) => setTimeout(resolve, 1300));
      assert.equal(watcher.frames.length, frames, 'no frame of its own for the board');
      void relayed(liveId, sender, 'evt_9302_0', { coins: 1 });
      await watcher.next((message) => message.eventId === 'evt_9302_0');
      const frame = watcher.frames.at(-1)!;
      assert.equal(frame.type, 'batch', 'the next frame carries the board');
      const events = frame.events as Received[];
      assert.equal(events[0]!.eventId, 'evt_9302_0', 'the cheer first, what rode with it after');
      const board = events.find((event) => event.type === 'leaderboard');
      // The board as it last changed: with 7 coins, or already with this cheer's coin when the cheer reached the
      // room after the next push interval had begun (a loaded machine delays the bus), the newer replacing the older.
      assert.ok(board && (boardWith(12)(board) || boardWith(13)(board)), 'the board as it last changed');
      if (boardWith(12)(board)) {
        // With nothing else to go with, a change still goes out, alone, within two push intervals.
        const latest = await watcher.next(boardWith(13), 3000);
        assert.equal(watcher.frames.at(-1), latest, 'alone in its frame');
      }
    });

    it('the pushed top-gifter board agrees with the REST board after a burst of gifts from several senders', async () => {
      const creator = await signUpCreator(t);
      const liveId = await goLive(creator);
      const early = await viewerWithCoins(t);
      // Coins sent before the room opens are loaded from the records; the rest are counted from events.
      assert.equal((await sendGift(early, liveId, 'gift_doughnut')).statusCode, 201);
      const watcher = await join(liveId);
      const senders = [await viewerWithCoins(t), await viewerWithCoins(t), await viewerWithCoins(t), early];
      // Rose 1 coin, Finger Heart 5, Doughnut 30: two senders tie at 36, and the one who got there first ranks first.
      const plans = [['gift_rose', 'gift_doughnut', 'gift_finger_heart'], ['gift_doughnut', 'gift_finger_heart'], Array<string>(6).fill('gift_rose'), ['gift_finger_heart', 'gift_rose']];
      await Promise.all(
        senders.map(async (sender, index) => {
          for (const giftId of plans[index]!) assert.equal((await sendGift(sender, liveId, giftId)).statusCode, 201);
        }),
      );
      const total = 36 + 35 + 6 + 36;
      const coinsOf = (board: unknown) => (board as { coins: number }[]).reduce((sum, entry) => sum + entry.coins, 0);
      const pushed = await watcher.next((message) => message.type === 'leaderboard' && coinsOf(message.topGifters) === total, 10_000);
      let rest: unknown;
      // The records are written just after each commit.
      for (let attempt = 0; attempt < 50 && coinsOf(rest ?? []) !== total; attempt++) {
        if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        rest = (await inject(undefined, 'GET', `/api/v1/lives/${liveId}/top-gifters`)).json().topGifters;
      }
      // The room adds each supporter's badges (subscriber, gifter level, fan), which the records know nothing of.
      const withoutBadges = (pushed.topGifters as { subscriber: unknown; level: unknown; fan: unknown }[]).map(({ subscriber, level, fan, ...entry }) => {
        assert.equal(subscriber, null, 'no supporter subscribes here');
        assert.equal(level, 1, 'no supporter has paid the 50 coins of level 2');
        assert.equal(fan, null, 'the creator has no fan club');
        return entry;
      });
      assert.deepEqual(withoutBadges, rest, 'the same supporters, names, coins and order as the records');
      assert.equal((pushed.topGifters as unknown[]).length, 4);
    });
  });
}
