import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { enableTwoFactor, logIn, signUpAndLogIn, signUpCreator, STRONG_PASSWORD, type SignedInUser } from '../../accounts/testing/users.js';
import { enginesUnderTest } from '../../db/testing/databases.js';
import { balanceOf, viewerWithCoins } from '../../gifts/testing/payments.js';
import { COIN, createLedger, platformAccountId, userCoinWalletId, type Ledger } from '../../ledger/index.js';
import { CLOSE } from '../../live/room-state.js';
import { connectRoom, goLiveAs, joinRoom, roomPath, type Received, type RoomClient } from '../../live/testing/room-client.js';
import { buildServer, type OvationServer } from '../../server/server.js';
import { createServices, type Services } from '../../server/services.js';
import { createTestApp, type TestApp } from '../../server/testing/app.js';
import { installResponseValidation, type ResponseValidation } from '../../server/testing/response-validation.js';
import { loadModuleSettings } from '../../server/settings.js';

/**
 * Attacks on live rooms: a socket that outlives its session, text from muted and banned users
 * through cheers and paid messages, and viewer counts inflated by opening many sockets.
 */
const ANONYMOUS_SOCKETS = 40;

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`live room attacks on ${engine}`, { skip }, () => {
    let t: TestApp;
    let base: string;
    let keys = 0;
    const clients: RoomClient[] = [];
    before(async () => {
      // Behind one trusted proxy (the test client), so tests can join from several addresses with X-Forwarded-For.
      t = await createTestApp(engine, { env: { TRUST_PROXY: '1', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', ROOM_SESSION_RECHECK_MS: '1000' } });
      await t.app.listen({ port: 0, host: '127.0.0.1' });
      base = `ws://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
    });
    after(async () => {
      for (const client of clients) client.close();
      await t?.destroy();
    });

    const inject = (app: OvationServer, user: SignedInUser | undefined, method: 'GET' | 'POST', url: string, payload?: object, headers: Record<string, string> = {}) =>
      app.inject({ method, url, headers: { ...user?.headers, ...headers }, payload });
    const goLive = (creator: SignedInUser) => goLiveAs(t.app, creator, 'Attack test');
    const ticketUrl = (liveId: string, user: SignedInUser) => roomPath(t.app, liveId, user);
    /** Opens a socket without waiting for a welcome, which may never come. */
    async function open(url: string, headers?: Record<string, string>): Promise<RoomClient> {
      const client = await connectRoom(url, { headers });
      clients.push(client);
      return client;
    }
    const join = (liveId: string, user?: SignedInUser, options: { base?: string; app?: OvationServer; headers?: Record<string, string> } = {}) =>
      joinRoom({ app: options.app ?? t.app, base: options.base ?? base, clients }, liveId, user, options.headers);
    /** The server's answer to a message, or `closed` when the socket closed before answering: anything but an ack is a refusal. */
    async function attempt(client: RoomClient, message: Parameters<RoomClient['request']>[0]): Promise<Received | 'closed'> {
      if (client.socket.readyState !== client.socket.OPEN) return 'closed';
      const answered = client.request(message).catch(() => 'closed' as const);
      return Promise.race([answered, client.closed.then(() => 'closed' as const)]);
    }
    const coinsOf = (user: SignedInUser) => balanceOf(t, userCoinWalletId(user.id));
    const sink = () => balanceOf(t, platformAccountId('gift_sink', COIN));
    const spendAttempts = () =>
      [
        { type: 'gift', giftId: 'gift_rose', quantity: 1, idempotencyKey: `attack-${++keys}` },
        { type: 'cheer', coins: 100, text: 'Cheer100 still here', idempotencyKey: `attack-${++keys}` },
        { type: 'paid_message', coins: 100, text: 'still here', idempotencyKey: `attack-${++keys}` },
      ] as const;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** How the socket closed, or code -1 when it is still open after `ms`. */
    const closedWithin = (client: RoomClient, ms = 5000) => Promise.race([client.closed, sleep(ms).then(() => ({ code: -1, reason: `still open ${ms} ms later` }))]);

    describe('a room socket stops acting for its user when the session ends', () => {
      it('after logout the socket is closed with 4440, and its chat, gifts, cheers and paid messages are refused with no coins spent', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await viewerWithCoins(t);
        const socket = await join(liveId, viewer);
        assert.equal((await socket.request({ type: 'chat', text: 'before' })).type, 'ack', 'the session acts while it is on');
        const coinsBefore = await coinsOf(viewer);
        const sinkBefore = await sink();

        assert.equal((await inject(t.app, viewer, 'POST', '/api/v1/auth/logout')).statusCode, 200);
        assert.equal((await inject(t.app, viewer, 'GET', '/api/v1/me')).statusCode, 401, 'REST refuses the token at once');
        // Fired at once, without waiting for the close: whatever the socket still answers must be a refusal.
        const answers = await Promise.all([{ type: 'chat', text: 'after logout' } as const, ...spendAttempts()].map((message) => attempt(socket, message)));
        for (const answer of answers) assert.ok(answer === 'closed' || answer.type === 'error', `refused: ${JSON.stringify(answer)}`);
        const closed = await closedWithin(socket);
        assert.equal(closed.code, CLOSE.sessionEnded);
        assert.equal(await coinsOf(viewer), coinsBefore, 'no coins left the wallet');
        assert.equal(await sink(), sinkBefore, 'nothing reached the gift sink');
      });

      it('a session ended without the close message arriving (the bus lost it) still cannot spend: the spend path re-checks the session', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await viewerWithCoins(t);
        const socket = await join(liveId, viewer);
        const coinsBefore = await coinsOf(viewer);
        // The session ends in the database the way another process's logout ends it, with no event published here.
        await t.db.kysely.updateTable('sessions').set({ revoked_at: t.clock.now().toISOString() }).where('user_id', '=', viewer.id).execute();
        for (const message of spendAttempts()) {
          const answer = await attempt(socket, message);
          assert.ok(answer === 'closed' || (answer.type === 'error' && answer.code === 'session_ended'), `${message.type} refused: ${JSON.stringify(answer)}`);
        }
        assert.equal((await closedWithin(socket)).code, CLOSE.sessionEnded);
        assert.equal(await coinsOf(viewer), coinsBefore, 'no coins left the wallet');
      });

      /** A viewer in a live with two sessions, each with a socket in the room: `other` is the session that will be ended. */
      async function twoSessionsInARoom(viewer: SignedInUser): Promise<{ other: RoomClient; own: RoomClient }> {
        const liveId = await goLive(await signUpCreator(t));
        const other = await join(liveId, await logIn(t, viewer.email, viewer.password, viewer.id));
        return { other, own: await join(liveId, viewer) };
      }

      it('a socket whose session ended with no word at all (the bus lost it) is closed by the periodic session check', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await signUpAndLogIn(t);
        const socket = await join(liveId, viewer);
        await t.db.kysely.updateTable('sessions').set({ revoked_at: t.clock.now().toISOString() }).where('user_id', '=', viewer.id).execute();
        // ROOM_SESSION_RECHECK_MS is 1000 here: the room asks for its sockets' sessions every second.
        assert.equal((await closedWithin(socket, 4000)).code, CLOSE.sessionEnded);
      });

      it('a password change closes the other sessions’ sockets with 4440 and keeps the changing session’s socket', async () => {
        const viewer = await viewerWithCoins(t);
        const { other: stolen, own } = await twoSessionsInARoom(viewer);
        const coinsBefore = await coinsOf(viewer);

        const changed = await inject(t.app, viewer, 'POST', '/api/v1/me/password', { currentPassword: STRONG_PASSWORD, newPassword: 'a brand new horse battery staple' });
        assert.equal(changed.statusCode, 200, changed.body);
        const answers = await Promise.all([{ type: 'chat', text: 'still me' } as const, ...spendAttempts()].map((message) => attempt(stolen, message)));
        for (const answer of answers) assert.ok(answer === 'closed' || answer.type === 'error', `refused: ${JSON.stringify(answer)}`);
        assert.equal((await closedWithin(stolen)).code, CLOSE.sessionEnded);
        assert.equal(await coinsOf(viewer), coinsBefore, 'no coins left the wallet');
        assert.equal((await own.request({ type: 'chat', text: 'I changed it' })).type, 'ack', 'the session that changed the password keeps its socket');
      });

      it('turning two-factor on, which signs out the other sessions, closes their sockets with 4440', async () => {
        const viewer = await signUpAndLogIn(t);
        const { other, own } = await twoSessionsInARoom(viewer);
        await enableTwoFactor(t, viewer);
        const answer = await attempt(other, { type: 'chat', text: 'password alone' });
        assert.ok(answer === 'closed' || answer.type === 'error', `refused: ${JSON.stringify(answer)}`);
        assert.equal((await closedWithin(other)).code, CLOSE.sessionEnded);
        assert.equal((await own.request({ type: 'chat', text: 'with two-factor' })).type, 'ack', 'the session that turned it on keeps its socket');
      });

      it('closing the account closes its sockets with 4440', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await signUpAndLogIn(t);
        const socket = await join(liveId, viewer);
        const closedAccount = await inject(t.app, viewer, 'POST', '/api/v1/me/close', { password: STRONG_PASSWORD, confirmForfeit: true });
        assert.equal(closedAccount.statusCode, 200, closedAccount.body);
        const answer = await attempt(socket, { type: 'chat', text: 'after closure' });
        assert.ok(answer === 'closed' || answer.type === 'error', `refused: ${JSON.stringify(answer)}`);
        assert.equal((await closedWithin(socket)).code, CLOSE.sessionEnded);
      });

      it('a ticket minted before logout does not join after it', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await signUpAndLogIn(t);
        const url = await ticketUrl(liveId, viewer);
        assert.equal((await inject(t.app, viewer, 'POST', '/api/v1/auth/logout')).statusCode, 200);
        const late = await open(`${base}${url}`);
        const closed = await closedWithin(late);
        assert.equal(closed.code, CLOSE.sessionEnded);
        assert.ok(!late.messages.some((message) => message.type === 'welcome'), 'never welcomed');
        assert.equal(late.messages[0]?.code, 'session_ended');
      });

      describe('across two app instances sharing the database and the bus', () => {
        let b: { app: OvationServer; services: Services; ledger: Ledger; responses: ResponseValidation; base: string } | undefined;
        before(async () => {
          // A second instance as another process would run it: its own services and rooms, the same database and bus.
          const ledger = createLedger(t.db);
          const services = createServices({ config: t.config, settings: loadModuleSettings({}), db: t.db, ledger, bus: t.bus, logger: pino({ level: 'silent' }), now: t.clock.now });
          const app = await buildServer({ config: t.config, db: t.db, ledger, services, bus: t.bus });
          const responses = installResponseValidation(app);
          await app.listen({ port: 0, host: '127.0.0.1' });
          b = { app, services, ledger, responses, base: `ws://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
        });
        after(async () => {
          await b?.app.close();
          await b?.ledger.close();
          await b?.services.close();
          b?.responses.assertDocumented();
        });

        it('a logout served by instance A closes the socket held by instance B, whose gifts are refused', async () => {
          const creator = await signUpCreator(t);
          const liveId = await goLive(creator);
          const viewer = await viewerWithCoins(t);
          const onB = await join(liveId, viewer, { base: b!.base, app: b!.app });
          assert.equal((await onB.request({ type: 'chat', text: 'hello from B' })).type, 'ack');
          const coinsBefore = await coinsOf(viewer);

          assert.equal((await inject(t.app, viewer, 'POST', '/api/v1/auth/logout')).statusCode, 200, 'signed out through A');
          const closed = await closedWithin(onB);
          assert.equal(closed.code, CLOSE.sessionEnded, closed.reason);
          assert.equal(await coinsOf(viewer), coinsBefore);
        });

        it('a session revoked through A cannot spend through B even before B hears of it', async () => {
          const creator = await signUpCreator(t);
          const liveId = await goLive(creator);
          const viewer = await viewerWithCoins(t);
          const onB = await join(liveId, viewer, { base: b!.base, app: b!.app });
          const coinsBefore = await coinsOf(viewer);
          await t.db.kysely.updateTable('sessions').set({ revoked_at: t.clock.now().toISOString() }).where('user_id', '=', viewer.id).execute();
          // B checks its sockets' sessions only every minute here: the refusal is the spend path's own check.
          const answer = await attempt(onB, spendAttempts()[0]);
          assert.ok(answer !== 'closed' && answer.type === 'error' && answer.code === 'session_ended', JSON.stringify(answer));
          assert.equal(await coinsOf(viewer), coinsBefore);
        });

        it('across processes, a user and an address with sockets on both instances count once each, in the count and the peak', async () => {
          const creator = await signUpCreator(t);
          const liveId = await goLive(creator);
          const viewer = await signUpAndLogIn(t);
          const address = { 'x-forwarded-for': '203.0.113.50' };
          const onA = await join(liveId, viewer);
          await join(liveId, viewer, { base: b!.base, app: b!.app });
          await join(liveId, undefined, { headers: address });
          const onB = await join(liveId, undefined, { base: b!.base, app: b!.app, headers: address });
          // Each instance tells the other its viewers within a second or so of a change; let both settle.
          await sleep(3500);
          const pushed = (client: RoomClient) => client.messages.filter((message) => message.type === 'viewers').map((message) => message.count);
          assert.equal(pushed(onA).at(-1), 2, `A shows ${JSON.stringify(pushed(onA))}`);
          assert.equal(pushed(onB).at(-1), 2, `B shows ${JSON.stringify(pushed(onB))}`);
          const live = (await inject(t.app, undefined, 'GET', `/api/v1/lives/${liveId}`)).json().live;
          assert.equal(live.viewers, 2);
          assert.equal(live.peakViewers, 2, 'the peak never counted a viewer twice');
        });
      });
    });

    describe('a mute or ban covers cheers and paid messages', () => {
      /** Waits until the anonymous watcher has seen everything sent before now, then answers what it saw of `senderId`'s text. */
      async function textSeenFrom(watcher: RoomClient, host: RoomClient, senderId: string): Promise<Received[]> {
        await sleep(300);
        const said = await host.request({ type: 'chat', text: `marker ${++keys}` });
        assert.equal(said.type, 'ack');
        await watcher.next((message) => message.type === 'chat' && message.id === (said.result as { id: string }).id);
        await sleep(300);
        return watcher.messages.filter((message) => (message.type === 'cheer' || message.type === 'paid_message') && message.senderId === senderId);
      }

      /** A cheer and a paid message through REST, at once: both must be refused with 403 `code`. */
      async function assertRestTextRefused(liveId: string, sender: SignedInUser, code: 'muted' | 'banned'): Promise<void> {
        const responses = await Promise.all([
          inject(t.app, sender, 'POST', `/api/v1/lives/${liveId}/cheers`, { coins: 100, text: `Cheer100 ${code} but loud` }, { 'idempotency-key': `${code}-${++keys}` }),
          inject(t.app, sender, 'POST', `/api/v1/lives/${liveId}/paid-messages`, { coins: 100, text: `${code} but loud` }, { 'idempotency-key': `${code}-${++keys}` }),
        ]);
        for (const response of responses) {
          assert.equal(response.statusCode, 403, response.body);
          assert.equal(response.json().error.code, code);
        }
      }

      it('a muted viewer’s cheers and paid messages are refused with `muted`, over the socket and REST, with no coins moved and nothing shown', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const troll = await viewerWithCoins(t);
        const host = await join(liveId, creator);
        const trollSocket = await join(liveId, troll);
        const watcher = await join(liveId, undefined, { headers: { 'x-forwarded-for': '198.51.100.9' } });
        assert.equal((await host.request({ type: 'mute', userId: troll.id, minutes: 10 })).type, 'ack');
        await trollSocket.next((message) => message.type === 'user_muted');
        const coinsBefore = await coinsOf(troll);
        const sinkBefore = await sink();

        const overSocket = await Promise.all([
          trollSocket.request({ type: 'cheer', coins: 100, text: 'Cheer100 you cannot mute me', idempotencyKey: `mute-${++keys}` }),
          trollSocket.request({ type: 'paid_message', coins: 100, text: 'you cannot mute me', idempotencyKey: `mute-${++keys}` }),
        ]);
        for (const answer of overSocket) assert.equal(answer.code, 'muted', JSON.stringify(answer));
        await assertRestTextRefused(liveId, troll, 'muted');
        assert.equal(await coinsOf(troll), coinsBefore, 'no coins moved');
        assert.equal(await sink(), sinkBefore, 'nothing reached the gift sink');
        assert.deepEqual(await textSeenFrom(watcher, host, troll.id), [], 'an anonymous viewer saw none of it');
        // Gifts carry no text: a mute leaves them alone.
        assert.equal((await trollSocket.request({ type: 'gift', giftId: 'gift_rose', quantity: 1, idempotencyKey: `mute-${++keys}` })).type, 'ack');
      });

      it('a banned user’s cheers and paid messages through REST are refused with `banned`, with no coins moved and nothing shown', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const troll = await viewerWithCoins(t);
        const host = await join(liveId, creator);
        const watcher = await join(liveId, undefined, { headers: { 'x-forwarded-for': '198.51.100.10' } });
        assert.equal((await host.request({ type: 'ban', userId: troll.id })).type, 'ack');
        const coinsBefore = await coinsOf(troll);

        await assertRestTextRefused(liveId, troll, 'banned');
        assert.equal(await coinsOf(troll), coinsBefore, 'no coins moved');
        assert.deepEqual(await textSeenFrom(watcher, host, troll.id), [], 'an anonymous viewer saw none of it');
      });
    });

    describe('text over the socket follows the rules of request bodies', () => {
      it('chat, cheers and paid messages with a lone surrogate are refused with invalid_text, and nothing is shown or charged', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await viewerWithCoins(t);
        const socket = await join(liveId, viewer);
        const watcher = await join(liveId, undefined, { headers: { 'x-forwarded-for': '198.51.100.11' } });
        const coinsBefore = await coinsOf(viewer);
        const answers = await Promise.all([
          socket.request({ type: 'chat', text: 'half an emoji \ud83d' }),
          socket.request({ type: 'cheer', coins: 100, text: 'Cheer100 \udc00', idempotencyKey: `surrogate-${++keys}` }),
          socket.request({ type: 'paid_message', coins: 100, text: 'tail \ud800', idempotencyKey: `surrogate-${++keys}` }),
        ]);
        for (const answer of answers) assert.equal(answer.code, 'invalid_text', JSON.stringify(answer));
        assert.equal(await coinsOf(viewer), coinsBefore, 'nothing was charged');
        const whole = await socket.request({ type: 'chat', text: 'a whole emoji \ud83d\ude00' });
        assert.equal(whole.type, 'ack', 'a surrogate pair is text');
        await watcher.next((message) => message.type === 'chat' && message.id === (whole.result as { id: string }).id);
        assert.deepEqual(
          watcher.messages.filter((message) => message.type === 'chat' || message.type === 'cheer' || message.type === 'paid_message').map((message) => message.text),
          ['a whole emoji \ud83d\ude00'],
          'the watcher saw only the well-formed message',
        );
      });
    });

    describe('viewers are counted once however many sockets they open', () => {
      it(`${ANONYMOUS_SOCKETS} anonymous sockets from one address count as one viewer; past the per-viewer limit they are refused with 4430; the peak keeps one`, async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const address = { 'x-forwarded-for': '203.0.113.7' };
        const sockets = await Promise.all(Array.from({ length: ANONYMOUS_SOCKETS }, () => open(`${base}/api/v1/lives/${liveId}/ws`, address)));
        const outcomes = await Promise.all(
          sockets.map((socket) =>
            Promise.race([
              socket
                .next((message) => message.type === 'welcome')
                .then(
                  () => 'welcomed' as const,
                  () => 'no welcome' as const,
                ),
              socket.closed.then((closed) => closed.code),
            ]),
          ),
        );
        const welcomed = sockets.filter((_, index) => outcomes[index] === 'welcomed');
        assert.ok(welcomed.length >= 1 && welcomed.length <= 5, `at most 5 sockets per viewer, got ${welcomed.length}`);
        for (const outcome of outcomes) assert.ok(outcome === 'welcomed' || outcome === CLOSE.tooManySockets, `refused with 4430, not ${outcome}`);

        await welcomed[0]!.next((message) => message.type === 'viewers');
        await sleep(1500);
        const live = (await inject(t.app, undefined, 'GET', `/api/v1/lives/${liveId}`)).json().live;
        assert.equal(live.viewers, 1, 'one viewer');
        assert.equal(live.peakViewers, 1, 'the peak counts viewers, not sockets');
        const shown = welcomed[0]!.messages.filter((message) => message.type === 'viewers').map((message) => message.count);
        assert.ok(
          shown.every((count) => count === 1),
          `pushed counts ${JSON.stringify(shown)}`,
        );
      });

      it('a signed-in user counts once across sockets and is held to the same limit; other addresses count apart', async () => {
        const creator = await signUpCreator(t);
        const liveId = await goLive(creator);
        const viewer = await signUpAndLogIn(t);
        const own = [];
        for (let i = 0; i < 5; i++) own.push(await join(liveId, viewer, { headers: { 'x-forwarded-for': `192.0.2.${i + 1}` } }));
        const sixth = await open(`${base}${await ticketUrl(liveId, viewer)}`);
        assert.equal((await closedWithin(sixth)).code, CLOSE.tooManySockets, 'a sixth socket of one user is refused');
        assert.equal(sixth.messages[0]?.code, 'too_many_connections');
        await join(liveId, undefined, { headers: { 'x-forwarded-for': '198.51.100.1' } });
        await join(liveId, undefined, { headers: { 'x-forwarded-for': '198.51.100.2' } });
        await own[0]!.next((message) => message.type === 'viewers' && message.count === 3);
        await sleep(1500);
        const live = (await inject(t.app, undefined, 'GET', `/api/v1/lives/${liveId}`)).json().live;
        assert.equal(live.viewers, 3);
        assert.equal(live.peakViewers, 3);
      });
    });
  });
}
