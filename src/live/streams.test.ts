import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { backgroundJobs } from '../server/background-jobs.js';
import { loadSettings } from '../server/settings.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createStreams } from './streams.js';
import { connectRoom } from './testing/room-client.js';

const SECRET = 'streaming-test-callback-secret-0123456789';
/** STREAM_RECONNECT_GRACE_SECONDS as these tests set it. */
const GRACE_MS = 30_000;
const ENV = { PUBLIC_URL: 'https://ovation.example.com', STREAM_CALLBACK_SECRET: SECRET, STREAM_RECONNECT_GRACE_SECONDS: String(GRACE_MS / 1000) };

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`stream keys and the media server's callbacks on ${engine}`, { skip }, () => {
    let t: TestApp;
    let origin: string;

    before(async () => {
      t = await createTestApp(engine, { env: ENV });
      origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (user: SignedInUser | undefined, method: 'GET' | 'POST', url: string) => t.app.inject({ method, url, headers: user?.headers });
    /** A callback as nginx-rtmp posts it: a form with the stream's name and the publisher's `?key=`. */
    const callback = (event: string, fields: Record<string, string>, authorization: string | null = `Bearer ${SECRET}`) =>
      t.app.inject({
        method: 'POST',
        url: `/api/v1/streams/events/${event}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(authorization === null ? {} : { authorization }) },
        payload: new URLSearchParams({ call: event, app: 'live', addr: '198.51.100.4', ...fields }).toString(),
      });
    /** OBS's stream key split as nginx-rtmp splits it: the name, and the `key` argument. */
    const publishing = (streamKey: string) => {
      const [name = '', query = ''] = streamKey.split('?');
      return { name, key: new URLSearchParams(query).get('key') ?? '' };
    };
    const newKey = async (creator: SignedInUser): Promise<string> => {
      const issued = await call(creator, 'POST', '/api/v1/me/stream/key');
      assert.equal(issued.statusCode, 200, issued.body);
      return issued.json().streamKey;
    };
    const liveOf = async (creator: SignedInUser) => (await call(creator, 'GET', '/api/v1/me/live')).json().live;

    it('only creators see a streaming setup or make a key; anyone else is refused', async () => {
      const viewer = await signUpAndLogIn(t);
      for (const [method, url] of [
        ['GET', '/api/v1/me/stream'],
        ['POST', '/api/v1/me/stream/key'],
        ['GET', '/api/v1/me/live'],
      ] as const) {
        const asViewer = await call(viewer, method, url);
        assert.equal(asViewer.statusCode, 403, `${method} ${url}: ${asViewer.body}`);
        assert.equal(asViewer.json().error.code, 'role_required');
        assert.equal((await call(undefined, method, url)).statusCode, 401);
      }
    });

    it('a creator sees the server for OBS and makes a key shown once, of which only the hash is kept', async () => {
      const creator = await signUpCreator(t);
      const setup = await call(creator, 'GET', '/api/v1/me/stream');
      assert.equal(setup.statusCode, 200, setup.body);
      const { stream } = setup.json();
      assert.equal(stream.ingestUrl, 'rtmp://ovation.example.com/live');
      assert.equal(stream.keyIssuedAt, null);
      assert.equal(stream.playbackUrl, `https://ovation.example.com/hls/${stream.streamName}/index.m3u8`);

      const streamKey = await newKey(creator);
      assert.match(streamKey, new RegExp(`^${stream.streamName}\\?key=osk_[A-Za-z0-9_-]{43}$`));
      const after = (await call(creator, 'GET', '/api/v1/me/stream')).json().stream;
      assert.equal(after.streamName, stream.streamName, 'the name stays, so the HLS address does');
      assert.ok(after.keyIssuedAt !== null);
      assert.ok(!JSON.stringify(after).includes(publishing(streamKey).key), 'the key is never shown again');
      const stored = await t.db.kysely.selectFrom('stream_keys').selectAll().where('creator_id', '=', creator.id).executeTakeFirstOrThrow();
      assert.notEqual(stored.key_hash, publishing(streamKey).key);
    });

    it('a callback without the secret, or with another, is refused and changes nothing', async () => {
      const creator = await signUpCreator(t);
      const fields = publishing(await newKey(creator));
      for (const authorization of [null, 'Bearer wrong', `Bearer ${SECRET}x`, SECRET]) {
        const refused = await callback('publish', fields, authorization);
        assert.equal(refused.statusCode, 401, refused.body);
        // An Authorization header that is not a bearer token is refused before the route, as on every route.
        assert.ok(['stream_callback_unauthorized', 'invalid_authorization'].includes(refused.json().error.code), refused.body);
      }
      assert.equal(await liveOf(creator), null);
      assert.equal((await callback('rewind', fields)).statusCode, 400, 'an event nginx does not send');
    });

    it('publishing with the key starts the live on the HLS address; updates keep it on; the stream stopping ends it after the grace', async () => {
      const creator = await signUpCreator(t);
      const streamKey = await newKey(creator);
      const fields = publishing(streamKey);
      for (const wrong of [
        { ...fields, key: 'osk_guess' },
        { ...fields, key: '' },
        { name: 'sffffffffffffffff', key: fields.key },
        { name: '../x', key: fields.key },
      ]) {
        const refused = await callback('publish', wrong);
        assert.equal(refused.statusCode, 403, refused.body);
        assert.equal(refused.json().error.code, 'stream_key_refused');
      }
      assert.equal(await liveOf(creator), null, 'a refused publish starts nothing');

      assert.equal((await callback('publish', fields)).statusCode, 204);
      const live = await liveOf(creator);
      assert.equal(live.status, 'live');
      assert.equal(live.playbackUrl, `https://ovation.example.com/hls/${fields.name}/index.m3u8`);

      // Three minutes of updates every ten seconds, with nobody at the app: the live stays on.
      for (let seconds = 0; seconds < 180; seconds += 10) {
        t.clock.advance(10_000);
        assert.equal((await callback('update', fields)).statusCode, 204);
        assert.ok(!(await t.lives.endAbandoned()).includes(live.id));
      }
      assert.equal((await liveOf(creator)).id, live.id);

      assert.equal((await callback('publish-done', fields)).statusCode, 204);
      t.clock.advance(GRACE_MS + 1000);
      // What every server process runs every fifth of the grace.
      const sweeper = backgroundJobs(t.services, loadSettings(ENV)).find((job) => job.name === 'end-disconnected-streams')!;
      assert.equal(sweeper.intervalMs, GRACE_MS / 5);
      assert.deepEqual(await sweeper.run(new AbortController().signal), [live.id]);
      const ended = (await call(creator, 'GET', `/api/v1/lives/${live.id}`)).json().live;
      assert.equal(ended.status, 'ended');
      assert.equal(ended.endReason, 'creator');
      const late = await callback('update', fields);
      assert.equal(late.statusCode, 409, 'nginx drops a stream whose live has ended');
    });

    it('OBS reconnecting within the grace plays on in the same live, viewers told meanwhile; a stream that stays away ends its live once, however many sweepers', async () => {
      const creator = await signUpCreator(t);
      const fields = publishing(await newKey(creator));
      assert.equal((await callback('publish', fields)).statusCode, 204);
      const live = await liveOf(creator);
      assert.equal(live.streamDisconnectedAt, null);
      const viewer = await connectRoom(`${origin.replace(/^http/, 'ws')}/api/v1/lives/${live.id}/ws`);
      try {
        await viewer.next((message) => message.type === 'welcome');
        // The connection drops: the live stays on, marked, and its room hears of it.
        const stoppedAfter = t.clock.now().getTime();
        assert.equal((await callback('publish-done', fields)).statusCode, 204);
        const stopped = await viewer.next((message) => message.type === 'stream');
        const stoppedAt = Date.parse(String(stopped.disconnectedAt));
        assert.ok(stoppedAt >= stoppedAfter && stoppedAt <= t.clock.now().getTime(), `stopped at ${String(stopped.disconnectedAt)}`);
        assert.equal((await liveOf(creator)).streamDisconnectedAt, stopped.disconnectedAt);
        t.clock.advance(GRACE_MS - 1000);
        assert.deepEqual(await t.services.streams.endDisconnected(), [], 'within the grace');
        assert.ok(!(await t.lives.endAbandoned()).includes(live.id), 'nor ended as abandoned');

        // OBS publishes again with the same key: the same live plays on.
        assert.equal((await callback('publish', fields)).statusCode, 204);
        await viewer.next((message) => message.type === 'stream' && message.disconnectedAt === null);
        const back = await liveOf(creator);
        assert.deepEqual([back.id, back.status, back.streamDisconnectedAt], [live.id, 'live', null]);
        t.clock.advance(GRACE_MS * 2);
        assert.equal((await callback('update', fields)).statusCode, 204);
        assert.deepEqual(await t.services.streams.endDisconnected(), [], 'a stream that came back is not ended by the grace it no longer waits in');

        // Stopped for good: past the grace, sweepers in every process race; the live ends once.
        assert.equal((await callback('publish-done', fields)).statusCode, 204);
        assert.equal((await callback('publish-done', fields)).statusCode, 204, 'a repeated callback keeps the first time');
        t.clock.advance(GRACE_MS + 1);
        const swept = await Promise.all(Array.from({ length: 6 }, () => t.services.streams.endDisconnected()));
        assert.deepEqual(swept.flat(), [live.id]);
        const ended = await viewer.next((message) => message.type === 'live_ended');
        assert.equal(ended.reason, 'creator');
      } finally {
        viewer.close();
      }
      const ended = (await call(creator, 'GET', `/api/v1/lives/${live.id}`)).json().live;
      assert.deepEqual([ended.status, ended.endReason], ['ended', 'creator']);
      // A publish after the end goes live anew.
      assert.equal((await callback('publish', fields)).statusCode, 204);
      assert.notEqual((await liveOf(creator)).id, live.id);
      await t.lives.end((await liveOf(creator)).id, { userId: creator.id, isAdmin: false }, 'creator');
    });

    it('with no grace (STREAM_RECONNECT_GRACE_SECONDS=0) the live ends as soon as the stream stops', async () => {
      const creator = await signUpCreator(t);
      const fields = publishing(await newKey(creator));
      const noGrace = createStreams({
        kysely: t.db.kysely,
        accounts: t.accounts,
        lives: t.lives,
        config: { callbackSecret: SECRET, ingestUrl: undefined, hlsUrl: undefined, reconnectGraceMs: 0, publicUrl: t.config.publicUrl },
        now: t.clock.now,
      });
      const live = await noGrace.published(fields);
      await noGrace.publishDone(fields);
      const ended = (await call(creator, 'GET', `/api/v1/lives/${live.id}`)).json().live;
      assert.deepEqual([ended.status, ended.endReason, ended.streamDisconnectedAt], ['ended', 'creator', null]);
    });

    it('a live started in the browser takes the stream, and viewers already in its room are told where to play it; a creator restricted from going live cannot publish', async () => {
      const creator = await signUpCreator(t);
      const started = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Songs' } });
      const fields = publishing(await newKey(creator));
      const viewer = await connectRoom(`${origin.replace(/^http/, 'ws')}/api/v1/lives/${started.json().live.id}/ws`);
      try {
        const welcome = await viewer.next((message) => message.type === 'welcome');
        assert.equal((welcome.live as { playbackUrl: string | null }).playbackUrl, null);
        assert.equal((await callback('publish', fields)).statusCode, 204);
        const live = await liveOf(creator);
        assert.equal(live.id, started.json().live.id);
        assert.equal(live.title, 'Songs');
        assert.match(live.playbackUrl, /\/hls\/s[0-9a-f]{16}\/index\.m3u8$/);
        assert.equal((await viewer.next((message) => message.type === 'playback')).playbackUrl, live.playbackUrl);
        await t.lives.end(live.id, { userId: creator.id, isAdmin: false }, 'creator');
      } finally {
        viewer.close();
      }

      await t.accounts.addRestriction({ userId: creator.id, kind: 'live', reason: 'Streaming paused during a review.', byUserId: null });
      const refused = await callback('publish', fields);
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(await liveOf(creator), null);
    });

    it('a new key stops the old one at once: concurrent publishes with the old key are all refused, with the new one a single live starts', async () => {
      const creator = await signUpCreator(t);
      const old = publishing(await newKey(creator));
      const rotated = publishing(await newKey(creator));
      const answers = await Promise.all(Array.from({ length: 16 }, (_, index) => callback('publish', index % 2 === 0 ? old : rotated)));
      assert.deepEqual(
        answers.filter((_, index) => index % 2 === 0).map((answer) => answer.statusCode),
        Array(8).fill(403),
      );
      assert.ok(
        answers.filter((_, index) => index % 2 === 1).some((answer) => answer.statusCode === 204),
        answers.map((answer) => answer.body).join(' '),
      );
      const lives = await t.db.kysely.selectFrom('lives').select('id').where('creator_id', '=', creator.id).where('status', '=', 'live').execute();
      assert.equal(lives.length, 1);
      assert.equal((await callback('update', old)).statusCode, 403, 'a stream publishing with the old key is stopped at its next update');
      assert.equal((await callback('update', rotated)).statusCode, 204);
    });

    it('of two rotations at once exactly one key works, and publishes racing them never get in with a key rotated away', async () => {
      const creator = await signUpCreator(t);
      const first = publishing(await newKey(creator));
      const [a, b, ...publishes] = await Promise.all([newKey(creator), newKey(creator), ...Array.from({ length: 6 }, () => callback('publish', first))]);
      const outcomes = await Promise.all([publishing(a), publishing(b)].map(async (fields) => (await callback('update', fields)).statusCode !== 403));
      assert.deepEqual(outcomes.filter(Boolean).length, 1, `${JSON.stringify(outcomes)}`);
      for (const publish of publishes) assert.ok([204, 403].includes(publish.statusCode), publish.body);
      assert.equal((await callback('publish', first)).statusCode, 403, 'the first key, rotated away');
    });

    it('without STREAM_CALLBACK_SECRET, creators are offered no key and every callback is refused', async () => {
      const creator = await signUpCreator(t);
      const off = createStreams({
        kysely: t.db.kysely,
        accounts: t.accounts,
        lives: t.lives,
        config: { callbackSecret: undefined, ingestUrl: undefined, hlsUrl: undefined, reconnectGraceMs: GRACE_MS, publicUrl: t.config.publicUrl },
        now: t.clock.now,
      });
      assert.equal(off.enabled, false);
      await assert.rejects(off.setup(creator.id, t.config.publicUrl), { code: 'streaming_off' });
      await assert.rejects(off.rotateKey(creator.id, t.config.publicUrl), { code: 'streaming_off' });
      assert.equal(off.callbackAuthorized('Bearer '), false);
      assert.equal(off.callbackAuthorized(undefined), false);
    });
  });
}
