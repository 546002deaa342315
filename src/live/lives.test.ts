import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { createSignedInAdmin, signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { createLives, type Live } from './lives.js';
import { refusal } from '../server/testing/errors.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`lives on ${engine}`, { skip }, () => {
    let t: TestApp;
    let admin: SignedInUser;
    let viewer: SignedInUser;

    before(async () => {
      t = await createTestApp(engine);
      admin = await createSignedInAdmin(t);
      viewer = await signUpAndLogIn(t);
    });
    after(async () => {
      await t?.destroy();
    });

    const call = (user: SignedInUser | undefined, method: 'GET' | 'POST', url: string, payload?: Record<string, unknown>) =>
      t.app.inject({ method, url, headers: user?.headers ?? {}, ...(payload ? { payload } : {}) });

    async function goLive(creator: SignedInUser, title = 'Evening chat'): Promise<Live> {
      const response = await call(creator, 'POST', '/api/v1/lives', { title });
      assert.equal(response.statusCode, 201, response.body);
      return response.json().live;
    }

    const listed = async (status: 'live' | 'ended') => {
      const response = await call(undefined, 'GET', `/api/v1/lives?status=${status}&limit=100`);
      assert.equal(response.statusCode, 200, response.body);
      return (response.json().lives as Live[]).map((live) => live.id);
    };

    it('a creator goes live, and anyone sees it listed with status live', async () => {
      const creator = await signUpCreator(t, { displayName: 'Mina Sings' });
      const me = (await call(creator, 'GET', '/api/v1/me')).json().user;
      const response = await call(creator, 'POST', '/api/v1/lives', { title: '  Late-night songs  ', playbackUrl: 'https://cdn.example.com/live/mina/index.m3u8' });
      assert.equal(response.statusCode, 201, response.body);
      const { live } = response.json();
      assert.match(live.id, /^live_[0-9a-z]{20}$/);
      assert.equal(live.status, 'live');
      assert.equal(live.title, 'Late-night songs');
      assert.deepEqual(live.creator, { id: creator.id, handle: me.handle, displayName: 'Mina Sings' });
      assert.equal(live.playbackUrl, 'https://cdn.example.com/live/mina/index.m3u8');
      assert.equal(live.viewers, 0);
      assert.equal(live.endedAt, null);
      assert.equal(live.endReason, null);
      assert.ok(Math.abs(Date.parse(live.startedAt) - t.clock.now().getTime()) < 10_000, 'started now, by the test clock');

      const list = await call(undefined, 'GET', '/api/v1/lives?status=live');
      assert.equal(list.statusCode, 200, list.body);
      const shown = (list.json().lives as Live[]).find((entry) => entry.id === live.id);
      assert.deepEqual(shown, live);
      assert.deepEqual((await call(undefined, 'GET', `/api/v1/lives/${live.id}`)).json().live, live);
    });

    it('a creator already live is refused a second live, naming the first (409 already_live)', async () => {
      const creator = await signUpCreator(t);
      const first = await goLive(creator);
      const second = await call(creator, 'POST', '/api/v1/lives', { title: 'Again' });
      assert.equal(second.statusCode, 409, second.body);
      assert.equal(second.json().error.code, 'already_live');
      assert.match(second.json().error.message, new RegExp(first.id));
    });

    it('two simultaneous starts by one creator make one live', async () => {
      const creator = await signUpCreator(t);
      const responses = await Promise.all([1, 2, 3].map((n) => call(creator, 'POST', '/api/v1/lives', { title: `Race ${n}` })));
      assert.deepEqual(responses.map((response) => response.statusCode).sort(), [201, 409, 409], responses.map((response) => response.body).join('\n'));
      const lives = (await call(undefined, 'GET', '/api/v1/lives?status=live&limit=100')).json().lives as Live[];
      assert.equal(lives.filter((live) => live.creator.id === creator.id).length, 1);
    });

    it('only creators may go live: a viewer is refused 403', async () => {
      const response = await call(viewer, 'POST', '/api/v1/lives', { title: 'Me too' });
      assert.equal(response.statusCode, 403, response.body);
      assert.equal(response.json().error.code, 'role_required');
      assert.equal((await refusal(t.lives.start(viewer.id, { title: 'Me too' }))).code, 'creator_required');
    });

    it('a minor cannot become a creator, so cannot go live; a creator restricted from going live is refused', async () => {
      const minor = await signUpAndLogIn(t, { ageYears: 16 });
      const apply = await call(minor, 'POST', '/api/v1/creator/apply', { acceptTerms: true });
      assert.equal(apply.statusCode, 403, apply.body);
      assert.equal(apply.json().error.code, 'age_restricted');
      assert.equal((await refusal(t.lives.start(minor.id, { title: 'Hi' }))).code, 'age_restricted');

      const creator = await signUpCreator(t);
      const restrict = await call(admin, 'POST', `/api/v1/admin/users/${creator.id}/restrictions`, { kind: 'live', reason: 'Streaming paused during a review.' });
      assert.equal(restrict.statusCode, 200, restrict.body);
      const refused = await call(creator, 'POST', '/api/v1/lives', { title: 'Hi' });
      assert.equal(refused.statusCode, 403, refused.body);
      assert.equal(refused.json().error.code, 'account_restricted');
      assert.match(refused.json().error.message, /during a review/);
    });

    it('refuses a bad title or playbackUrl with a 400 naming the field', async () => {
      const creator = await signUpCreator(t);
      const cases: [Record<string, unknown>, string][] = [
        [{}, 'title'],
        [{ title: '' }, 'title'],
        [{ title: '   ' }, 'title'],
        [{ title: 'x'.repeat(101) }, 'title'],
        [{ title: 'two\nlines' }, 'title'],
        [{ title: 7 }, 'title'],
        [{ title: 'Ok', playbackUrl: 'not a url' }, 'playbackUrl'],
        [{ title: 'Ok', playbackUrl: 'rtmp://ingest.example.com/live' }, 'playbackUrl'],
        [{ title: 'Ok', playbackUrl: 'https://user:secret@cdn.example.com/index.m3u8' }, 'playbackUrl'],
        [{ title: 'Ok', playbackUrl: `https://cdn.example.com/${'a'.repeat(480)}.m3u8` }, 'playbackUrl'],
        [{ title: 'Ok', colour: 'red' }, 'colour'],
      ];
      for (const [payload, param] of cases) {
        const response = await call(creator, 'POST', '/api/v1/lives', payload);
        assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
        assert.equal(response.json().error.param, param, JSON.stringify(payload));
      }
      // 100 characters (not UTF-16 units) is the limit; nothing above went live.
      const live = await goLive(creator, '🎤'.repeat(100));
      assert.equal([...live.title].length, 100);
    });

    it('only the creator ends a live; it is then ended, unlisted, and ending again changes nothing', async () => {
      const creator = await signUpCreator(t);
      const other = await signUpCreator(t);
      const live = await goLive(creator);

      const byOther = await call(other, 'POST', `/api/v1/lives/${live.id}/end`);
      assert.equal(byOther.statusCode, 403, byOther.body);
      assert.equal(byOther.json().error.code, 'not_your_live');
      assert.equal((await call(admin, 'POST', `/api/v1/lives/${live.id}/end`)).statusCode, 403, 'admins use the admin route');

      t.clock.advance(5_000);
      const ended = await call(creator, 'POST', `/api/v1/lives/${live.id}/end`);
      assert.equal(ended.statusCode, 200, ended.body);
      assert.equal(ended.json().live.status, 'ended');
      assert.equal(ended.json().live.endReason, 'creator');
      assert.ok(Date.parse(ended.json().live.endedAt) >= Date.parse(live.startedAt) + 5_000, 'ended now, by the test clock');
      assert.ok(!(await listed('live')).includes(live.id));
      assert.ok((await listed('ended')).includes(live.id));

      t.clock.advance(5_000);
      const again = await call(creator, 'POST', `/api/v1/lives/${live.id}/end`);
      assert.equal(again.statusCode, 200, again.body);
      assert.deepEqual(again.json().live, ended.json().live, 'idempotent');

      const heartbeat = await call(creator, 'POST', `/api/v1/lives/${live.id}/heartbeat`);
      assert.equal(heartbeat.statusCode, 409, heartbeat.body);
      assert.equal(heartbeat.json().error.code, 'live_ended');
      assert.equal((await call(creator, 'POST', '/api/v1/lives/live_doesnotexist/end')).json().error.code, 'live_not_found');
      // The creator may go live again.
      await goLive(creator);
    });

    it("an admin ends anyone's live through the admin route", async () => {
      const creator = await signUpCreator(t);
      const live = await goLive(creator);
      const ended = await call(admin, 'POST', `/api/v1/admin/lives/${live.id}/end`);
      assert.equal(ended.statusCode, 200, ended.body);
      assert.equal(ended.json().live.status, 'ended');
      assert.equal(ended.json().live.endReason, 'admin');
      assert.equal((await call(creator, 'POST', `/api/v1/admin/lives/${live.id}/end`)).statusCode, 403);
    });

    it('ends a live whose creator stopped heartbeating after LIVE_CREATOR_TIMEOUT_MS; a heartbeating one stays', async () => {
      const timeoutMs = t.config.live.creatorTimeoutMs;
      const gone = await signUpCreator(t);
      const present = await signUpCreator(t);
      const goneLive = await goLive(gone);
      const presentLive = await goLive(present);

      t.clock.advance(timeoutMs / 2);
      const beat = await call(present, 'POST', `/api/v1/lives/${presentLive.id}/heartbeat`);
      assert.equal(beat.statusCode, 200, beat.body);
      assert.equal(beat.json().live.status, 'live');
      const notMine = await call(gone, 'POST', `/api/v1/lives/${presentLive.id}/heartbeat`);
      assert.equal(notMine.statusCode, 403, notMine.body);
      assert.equal(notMine.json().error.code, 'not_your_live');

      assert.ok(!(await t.lives.endAbandoned()).includes(goneLive.id), 'half the timeout is not too long');
      t.clock.advance(timeoutMs / 2 + 1);
      const ended = await t.lives.endAbandoned();
      assert.ok(ended.includes(goneLive.id), `${goneLive.id} in ${ended.join(', ')}`);
      assert.ok(!ended.includes(presentLive.id));
      assert.deepEqual(await t.lives.endAbandoned(), [], 'each live is ended once');

      const goneNow = (await call(undefined, 'GET', `/api/v1/lives/${goneLive.id}`)).json().live;
      assert.equal(goneNow.status, 'ended');
      assert.equal(goneNow.endReason, 'creator_gone');
      assert.equal((await call(undefined, 'GET', `/api/v1/lives/${presentLive.id}`)).json().live.status, 'live');
      assert.equal((await call(gone, 'POST', `/api/v1/lives/${goneLive.id}/heartbeat`)).json().error.code, 'live_ended');
    });

    it('requireLive answers a live that is on, 404 for none and 409 live_ended once ended', async () => {
      const creator = await signUpCreator(t);
      const live = await goLive(creator);
      assert.deepEqual(await t.lives.requireLive(live.id), { id: live.id, creatorId: creator.id, status: 'live' });
      const missing = await refusal(t.lives.requireLive('live_doesnotexist'));
      assert.equal(missing.kind, 'not_found');
      assert.equal(missing.code, 'live_not_found');
      await t.lives.end(live.id, { userId: creator.id, isAdmin: false }, 'creator');
      const ended = await refusal(t.lives.requireLive(live.id));
      assert.equal(ended.kind, 'conflict');
      assert.equal(ended.code, 'live_ended');
      assert.equal(ended.message, 'The live has ended.');
    });

    it('counts viewers with their peak, and summarizes duration and peak', async () => {
      const creator = await signUpCreator(t);
      const live = await goLive(creator);
      await t.lives.setViewers(live.id, 12);
      await t.lives.setViewers(live.id, 7);
      assert.deepEqual((({ viewers, peakViewers }) => ({ viewers, peakViewers }))((await call(undefined, 'GET', `/api/v1/lives/${live.id}`)).json().live), { viewers: 7, peakViewers: 12 });
      await assert.rejects(t.lives.setViewers(live.id, -1), RangeError);

      t.clock.advance(90_700);
      const running = await call(undefined, 'GET', `/api/v1/lives/${live.id}/summary`);
      assert.equal(running.statusCode, 200, running.body);
      assert.equal(running.json().summary.durationSeconds, 90, 'while live, up to now, rounded down');
      await call(creator, 'POST', `/api/v1/lives/${live.id}/end`);
      await t.lives.setViewers(live.id, 40);
      t.clock.advance(3_600_000);

      const summary = (await call(undefined, 'GET', `/api/v1/lives/${live.id}/summary`)).json().summary;
      assert.equal(summary.liveId, live.id);
      assert.equal(summary.status, 'ended');
      assert.equal(summary.durationSeconds, 90, 'to the end, however late it is read');
      assert.equal(summary.peakViewers, 12, 'counts after the end are ignored');
      assert.equal((await call(undefined, 'GET', `/api/v1/lives/${live.id}`)).json().live.viewers, 0);
      assert.equal((await call(undefined, 'GET', '/api/v1/lives/live_doesnotexist/summary')).statusCode, 404);
    });

    it('adds gift totals to the summary only when the gifts module provides them', async () => {
      const creator = await signUpCreator(t);
      const live = await goLive(creator);
      const deps = { db: t.db, events: t.relay, accounts: t.accounts, config: t.config, now: t.clock.now, bus: t.bus, logger: pino({ level: 'silent' }) };
      assert.ok(!('gifts' in (await createLives(deps).summary(live.id))));
      const totals = { giftCount: 3, coins: 300, diamonds: 150, topGifters: [{ userId: viewer.id, handle: 'fan', displayName: 'Fan', coins: 300 }] };
      const withGifts = createLives({ ...deps, giftTotals: async (liveId) => (liveId === live.id ? totals : assert.fail(liveId)) });
      assert.deepEqual((await withGifts.summary(live.id)).gifts, totals);
    });

    it('pages the list newest first with after, and refuses an unknown cursor', async () => {
      const creator = await signUpCreator(t);
      t.clock.advance(1_000);
      const older = await goLive(creator);
      t.clock.advance(1_000);
      const newer = await goLive(await signUpCreator(t));
      const first = (await call(undefined, 'GET', '/api/v1/lives?status=live&limit=1')).json();
      assert.deepEqual(
        first.lives.map((live: Live) => live.id),
        [newer.id],
      );
      assert.equal(first.nextCursor, newer.id);
      const second = (await call(undefined, 'GET', `/api/v1/lives?status=live&limit=1&after=${first.nextCursor}`)).json();
      assert.deepEqual(
        second.lives.map((live: Live) => live.id),
        [older.id],
      );

      const bad = await call(undefined, 'GET', '/api/v1/lives?after=live_doesnotexist');
      assert.equal(bad.statusCode, 400, bad.body);
      assert.equal(bad.json().error.param, 'after');
    });
  });
}
