import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId } from '../ledger/index.js';
import type { SubscriberBadge, TopGifterEntry } from '../live/protocol.js';
import { goLiveAs, joinRoom, type Received, type RoomClient } from '../live/testing/room-client.js';
import { assertRefused } from '../server/testing/errors.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';

const TIERS = [
  { level: 1, name: 'Fan', priceCoins: 100, emotes: [{ code: 'hype', image: '🔥' }] },
  { level: 2, name: 'Super fan', priceCoins: 300, emotes: [{ code: 'gg', image: '/emotes/gg.png' }] },
];

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`subscriber perks on ${engine}`, { skip }, () => {
    let t: TestApp;
    let base: string;
    let keyCounter = 0;
    const clients: RoomClient[] = [];
    before(async () => {
      t = await createTestApp(engine, { env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', SUBSCRIPTION_RENEWAL_INTERVAL_MS: '0', ROOM_MAX_SOCKETS_PER_VIEWER: '100' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const inject = (user: SignedInUser | undefined, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object, headers: Record<string, string> = {}) =>
      t.app.inject({ method, url, headers: { ...user?.headers, ...headers }, payload });
    const join = (liveId: string, user?: SignedInUser) => joinRoom({ app: t.app, base, clients }, liveId, user);
    const creatorLive = async (tiers: unknown[] = TIERS) => {
      const creator = await signUpCreator(t);
      const set = await inject(creator, 'PUT', '/api/v1/creator/subscription-tiers', { tiers });
      assert.equal(set.statusCode, 200, set.body);
      return { creator, liveId: await goLiveAs(t.app, creator) };
    };
    const subscribe = async (viewer: SignedInUser, creator: SignedInUser, level = 1) => {
      const response = await inject(viewer, 'POST', '/api/v1/subscriptions', { creatorId: creator.id, level }, { 'idempotency-key': `sub-${++keyCounter}` });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().subscription.id as string;
    };
    const sendGift = (viewer: SignedInUser, liveId: string, giftId = 'gift_rose') =>
      inject(viewer, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId, quantity: 1 }, { 'idempotency-key': `gift-${++keyCounter}` });
    const chat = (client: RoomClient, text: string) => client.request({ type: 'chat', text });
    /** The chat line `text` as the watcher received it. */
    const chatSeen = (watcher: RoomClient, text: string) => watcher.next((message) => message.type === 'chat' && message.text === text);
    const boardEntry = (message: Received, userId: string) => (message.topGifters as TopGifterEntry[]).find((entry) => entry.userId === userId);
    const setChatMode = (user: SignedInUser | undefined, liveId: string, subscribersOnly: boolean) => inject(user, 'PUT', `/api/v1/lives/${liveId}/chat-mode`, { subscribersOnly });

    it('shows a subscriber badge with months in chat and on the board from the subscription on, and takes it away when it ends', async () => {
      const { creator, liveId } = await creatorLive();
      const admin = await createSignedInAdmin(t);
      const viewer = await viewerWithCoins(t);
      const watcher = await join(liveId);
      const socket = await join(liveId, viewer);
      const welcome = await socket.next((message) => message.type === 'welcome');
      assert.equal((welcome.you as { user: { subscriber: unknown } }).user.subscriber, null, 'no badge before subscribing');

      assert.equal((await sendGift(viewer, liveId)).statusCode, 201);
      const unbadged = await watcher.next((message) => message.type === 'leaderboard' && boardEntry(message, viewer.id) !== undefined);
      assert.equal(boardEntry(unbadged, viewer.id)!.subscriber, null);
      assert.equal((await chat(socket, 'before')).type, 'ack');
      assert.equal(((await chatSeen(watcher, 'before')).user as { subscriber: unknown }).subscriber, null);

      const subscriptionId = await subscribe(viewer, creator);
      const badge: SubscriberBadge = { tierLevel: 1, tierName: 'Fan', months: 1 };
      // The board and the viewer's socket take the badge from the same look-up, made when the word of the subscription arrives.
      const badged = await watcher.next((message) => message.type === 'leaderboard' && boardEntry(message, viewer.id)?.subscriber !== null && boardEntry(message, viewer.id) !== undefined);
      assert.deepEqual(boardEntry(badged, viewer.id)!.subscriber, badge);
      assert.equal((await chat(socket, 'subscribed')).type, 'ack');
      assert.deepEqual(((await chatSeen(watcher, 'subscribed')).user as { subscriber: unknown }).subscriber, badge);

      // Someone joining now sees the badge in their welcome, on the board and on their own user.
      const later = await join(liveId, viewer);
      const laterWelcome = await later.next((message) => message.type === 'welcome');
      assert.deepEqual((laterWelcome.you as { user: { subscriber: unknown } }).user.subscriber, badge);
      assert.deepEqual(boardEntry(laterWelcome, viewer.id)!.subscriber, badge);

      const seenBeforeEnd = watcher.messages.length;
      const ended = await inject(admin, 'POST', `/api/v1/admin/subscriptions/${subscriptionId}/cancel`, { now: true });
      assert.equal(ended.statusCode, 200, ended.body);
      await watcher.next((message) => message.type === 'leaderboard' && watcher.messages.indexOf(message) >= seenBeforeEnd && boardEntry(message, viewer.id)?.subscriber === null);
      assert.equal((await chat(socket, 'ended')).type, 'ack');
      assert.equal(((await chatSeen(watcher, 'ended')).user as { subscriber: unknown }).subscriber, null, 'the badge went with the access');
    });

    it('lets only subscribers, the creator and admins chat while the creator keeps the chat to subscribers', async () => {
      const { creator, liveId } = await creatorLive();
      const admin = await createSignedInAdmin(t);
      const subscriber = await viewerWithCoins(t);
      await subscribe(subscriber, creator);
      const other = await signUpAndLogIn(t);
      const watcher = await join(liveId);
      const [subscriberSocket, otherSocket, creatorSocket, adminSocket] = await Promise.all([join(liveId, subscriber), join(liveId, other), join(liveId, creator), join(liveId, admin)]);

      // Only the live's creator, or an admin, sets the chat mode.
      assertRefused(await setChatMode(other, liveId, true), 403, 'not_your_live');
      assertRefused(await setChatMode(await signUpCreator(t), liveId, true), 403, 'not_your_live');
      assert.equal((await setChatMode(undefined, liveId, true)).statusCode, 401);
      const set = await setChatMode(creator, liveId, true);
      assert.equal(set.statusCode, 200, set.body);
      assert.deepEqual(set.json().live.chatMode, { subscribersOnly: true });
      assert.deepEqual((await watcher.next((message) => message.type === 'chat_mode')).chatMode, { subscribersOnly: true });
      await otherSocket.next((message) => message.type === 'chat_mode');
      assert.deepEqual((await inject(undefined, 'GET', `/api/v1/lives/${liveId}`)).json().live.chatMode, { subscribersOnly: true });
      const welcome = await (await join(liveId)).next((message) => message.type === 'welcome');
      assert.deepEqual(welcome.chatMode, { subscribersOnly: true });

      const refused = await chat(otherSocket, 'let me in');
      assert.equal(refused.type, 'error');
      assert.equal(refused.code, 'subscribers_only');
      for (const [socket, text] of [
        [subscriberSocket, 'from a subscriber'],
        [creatorSocket, 'from the creator'],
        [adminSocket, 'from an admin'],
      ] as const) {
        assert.equal((await chat(socket, text)).type, 'ack', text);
        await chatSeen(watcher, text);
      }

      // An admin turns it off; everyone may chat again.
      const off = await setChatMode(admin, liveId, false);
      assert.equal(off.statusCode, 200, off.body);
      await otherSocket.next((message) => message.type === 'chat_mode' && (message.chatMode as { subscribersOnly: boolean }).subscribersOnly === false);
      assert.equal((await chat(otherSocket, 'open again')).type, 'ack');
      await chatSeen(watcher, 'open again');
      assert.ok(!watcher.messages.some((message) => message.type === 'chat' && message.text === 'let me in'), 'the refused line never reached the room');
    });

    it('refuses a subscriber-only gift to a viewer without a subscription, changing nothing, and sends it for a subscriber', async () => {
      const { creator, liveId } = await creatorLive();
      const admin = await createSignedInAdmin(t);
      const giftId = `gift_subs_${++keyCounter}`;
      const created = await inject(admin, 'PUT', `/api/v1/admin/gifts/${giftId}`, { name: 'Crown', coins: 50, icon: '👑', tier: 'medium', subscribersOnly: true });
      assert.equal(created.statusCode, 201, created.body);
      assert.equal(created.json().gift.subscribersOnly, true);
      const listed = (await inject(undefined, 'GET', '/api/v1/gifts?region=US')).json().gifts as { id: string; subscribersOnly: boolean }[];
      assert.equal(listed.find((gift) => gift.id === giftId)?.subscribersOnly, true);
      assert.equal(listed.find((gift) => gift.id === 'gift_rose')?.subscribersOnly, false);

      const stranger = await viewerWithCoins(t);
      const coinsBefore = await balanceOf(t, userCoinWalletId(stranger.id));
      assertRefused(await sendGift(stranger, liveId, giftId), 403, 'subscribers_only_gift');
      assert.equal(await balanceOf(t, userCoinWalletId(stranger.id)), coinsBefore, 'the refusal took no coins');
      assert.equal((await sendGift(stranger, liveId)).statusCode, 201, 'ordinary gifts are not affected');

      const subscriber = await viewerWithCoins(t);
      await subscribe(subscriber, creator);
      const sent = await sendGift(subscriber, liveId, giftId);
      assert.equal(sent.statusCode, 201, sent.body);
      assert.equal(sent.json().gift.giftId, giftId);
    });

    it('resolves emotes of the sender’s tier and lower ones only, and keeps others’ :code: as text', async () => {
      const { creator, liveId } = await creatorLive();
      const watcher = await join(liveId);
      const fan = await viewerWithCoins(t);
      const superFan = await viewerWithCoins(t);
      const stranger = await signUpAndLogIn(t);
      await subscribe(fan, creator, 1);
      await subscribe(superFan, creator, 2);
      const sockets = await Promise.all([join(liveId, fan), join(liveId, superFan), join(liveId, stranger), join(liveId, creator)]);
      const text = 'so good :hype: :gg: :nope:';
      const emotesOf = async (socket: RoomClient, who: string) => {
        assert.equal((await chat(socket, `${text} ${who}`)).type, 'ack');
        return (await chatSeen(watcher, `${text} ${who}`)).emotes;
      };
      const hype = { code: 'hype', image: '🔥' };
      const gg = { code: 'gg', image: '/emotes/gg.png' };
      assert.deepEqual(await emotesOf(sockets[0], 'fan'), [hype], 'level 1 has its own emotes only');
      assert.deepEqual(await emotesOf(sockets[1], 'super fan'), [hype, gg], 'level 2 has its own and those of level 1');
      assert.deepEqual(await emotesOf(sockets[2], 'stranger'), [], 'a viewer without a subscription has none');
      assert.deepEqual(await emotesOf(sockets[3], 'creator'), [hype, gg], 'the creator uses their own emotes');

      // Tiers listed again without emotes keep theirs; the public tiers show them.
      const kept = await inject(creator, 'PUT', '/api/v1/creator/subscription-tiers', { tiers: TIERS.map(({ emotes: _emotes, ...tier }) => tier) });
      assert.equal(kept.statusCode, 200, kept.body);
      const { handle } = (await inject(creator, 'GET', '/api/v1/me')).json().user as { handle: string };
      const shown = (await inject(undefined, 'GET', `/api/v1/users/${handle}/subscription-tiers`)).json().tiers as { emotes: unknown[] }[];
      assert.deepEqual(
        shown.map((tier) => tier.emotes),
        [[hype], [gg]],
      );

      // A renamed tier and new emotes reach the room: the board's badges take the new name, and chat the new emotes.
      assert.equal((await sendGift(fan, liveId)).statusCode, 201);
      await watcher.next((message) => message.type === 'leaderboard' && boardEntry(message, fan.id)?.subscriber?.tierName === 'Fan');
      const wow = { code: 'wow', image: '😮' };
      const renamed = await inject(creator, 'PUT', '/api/v1/creator/subscription-tiers', { tiers: [{ ...TIERS[0], name: 'Fan club', emotes: [wow] }, TIERS[1]] });
      assert.equal(renamed.statusCode, 200, renamed.body);
      await watcher.next((message) => message.type === 'leaderboard' && boardEntry(message, fan.id)?.subscriber?.tierName === 'Fan club');
      assert.equal((await chat(sockets[0], 'now :wow: not :hype:')).type, 'ack');
      const line = await chatSeen(watcher, 'now :wow: not :hype:');
      assert.deepEqual(line.emotes, [wow]);
      assert.deepEqual((line.user as { subscriber: unknown }).subscriber, { tierLevel: 1, tierName: 'Fan club', months: 1 });
    });

    it('refuses emotes with a bad code or image, or a code used twice', async () => {
      const creator = await signUpCreator(t);
      const put = (emotes: unknown[], more: unknown[] = []) => inject(creator, 'PUT', '/api/v1/creator/subscription-tiers', { tiers: [{ level: 1, name: 'Fan', priceCoins: 100, emotes }, ...more] });
      assertRefused(await put([{ code: 'x', image: '🔥' }]), 400, 'invalid_emote_code');
      assertRefused(await put([{ code: 'hy-pe', image: '🔥' }]), 400, 'invalid_emote_code');
      assertRefused(await put([{ code: 'hype', image: 'javascript:alert(1)' }]), 400, 'invalid_emote_image');
      assertRefused(await put([{ code: 'hype', image: '/emotes/a b.png' }]), 400, 'invalid_emote_image');
      assertRefused(await put([{ code: 'hype', image: 'http://example.com/a.png' }]), 400, 'invalid_emote_image');
      assertRefused(await put([{ code: 'hype', image: '🔥' }], [{ level: 2, name: 'Super', priceCoins: 200, emotes: [{ code: 'HYPE', image: '🎉' }] }]), 400, 'duplicate_emote_code');
      assertRefused(await put(Array.from({ length: 21 }, (_, index) => ({ code: `e${index}`, image: '🔥' }))), 400, 'too_many_emotes');
      // Another host's picture would tell that host who watches: only this server's paths and emoji.
      assertRefused(await put([{ code: 'hype', image: 'https://cdn.example.com/hype.png' }]), 400, 'invalid_emote_image');
      assert.equal((await put([{ code: 'hype', image: '/emotes/hype.png' }])).statusCode, 200);
    });
  });
}
