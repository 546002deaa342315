import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { mediaServerPorts, mediaServerSkipReason, publishTestPattern, startMediaServer, type Publisher, type RunningMediaServer } from '../live/testing/media-server.js';
import { launchChromium } from '../server/testing/browser.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { until } from '../shared/testing/waits.js';
import { apiWordingOn, DESKTOP, openPage, PHONE, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip: noBrowser } = await webAppUnderTest();
const skip = noBrowser ?? mediaServerSkipReason();

const CALLBACK_SECRET = 'streaming-browser-test-callback-secret';

describe('the web app in Chromium: streaming from OBS through nginx-rtmp, and a live that stays on from any page', { skip }, () => {
  let t: TestApp;
  let media: RunningMediaServer;
  let browser: Browser;
  let origin: string;
  const contexts: BrowserContext[] = [];
  const publishers: Publisher[] = [];
  const problems: string[] = [];
  const accessibility: string[] = [];
  /** API wording (`"confirm"`, ISO instants, internal ids) found on the pages the tests read, with where. */
  const wording: string[] = [];
  const readWording = async (page: Page, where: string) => {
    for (const find of await apiWordingOn(page)) wording.push(`${where}: ${find}`);
  };

  before(async () => {
    const ports = await mediaServerPorts();
    origin = `http://127.0.0.1:${ports.webPort}`;
    t = await createTestApp('sqlite', { env: { PUBLIC_URL: origin, STREAM_CALLBACK_SECRET: CALLBACK_SECRET, STREAM_INGEST_URL: `rtmp://127.0.0.1:${ports.rtmpPort}/live` } });
    const app = new URL(await t.app.listen({ port: 0, host: '127.0.0.1' }));
    media = await startMediaServer(ports, Number(app.port), CALLBACK_SECRET);
    browser = await launchChromium();
  });
  after(async () => {
    for (const publisher of publishers) await publisher.stop();
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await media?.stop();
    await t?.destroy();
  });

  const liveOf = async (creator: SignedInUser) => (await t.app.inject({ method: 'GET', url: '/api/v1/me/live', headers: creator.headers })).json().live;
  const publish = (url: string) => {
    const publisher = publishTestPattern(url);
    publishers.push(publisher);
    return publisher;
  };

  it('a creator streams a test pattern from ffmpeg with the key the studio showed; a wrong key is refused; viewers play it; a reconnect plays on in the same live; it ends when the stream stays stopped', async () => {
    const creator = await signUpCreator(t, { displayName: 'Nia Streams' });
    const studio = await openPage(browser, DESKTOP, contexts, problems);
    await signIn(studio, origin, creator.email);
    await studio.goto(`${origin}/studio`);
    const setup = studio.getByTestId('stream-setup');
    await setup.getByText('You have no stream key yet.').waitFor();
    await setup.getByRole('button', { name: 'Make a stream key' }).click();
    const server = await studio.getByTestId('stream-server').inputValue();
    const streamKey = await studio.getByTestId('stream-key').inputValue();
    assert.equal(server, `rtmp://127.0.0.1:${new URL(server).port}/live`);
    await shootBothWidths(studio, 'studio-streaming', accessibility);
    await readWording(studio, 'the studio with a stream key');

    // A key that is not the creator's: nginx asks Ovation, which refuses it, and ffmpeg is turned away.
    const streamName = streamKey.split('?')[0]!;
    const refused = await publish(`${server}/${streamName}?key=osk_${'x'.repeat(43)}`).exited;
    assert.notEqual(refused.code, 0, refused.log);
    assert.equal(await liveOf(creator), null, 'a refused stream starts no live');

    const publisher = publish(`${server}/${streamKey}`);
    await until(async () => (await liveOf(creator)) !== null, 'the live started by the stream', 10_000);
    const live = await liveOf(creator);
    assert.equal(live.playbackUrl, `${origin}/hls/${streamName}/index.m3u8`);

    // The studio, opened again, shows the live the stream started.
    await studio.goto(`${origin}/studio`);
    await studio.getByRole('link', { name: 'Open your room' }).waitFor();

    const viewerPage = await openPage(browser, PHONE, contexts, problems);
    await viewerPage.goto(origin);
    await viewerPage.getByTestId('live-card').filter({ hasText: 'Nia Streams' }).click();
    const video = viewerPage.getByLabel('Live stream of Nia Streams');
    await video.waitFor();
    // Playing: the video's time moves on, past what a first frame would show.
    await until(async () => (await video.evaluate((element) => (element as unknown as { currentTime: number }).currentTime)) > 2, 'the stream playing in the room', 25_000);
    await readWording(viewerPage, 'the room playing the stream');

    // OBS reconnecting: the stream stops, viewers read that it is being tried again, and it publishes again with the same key.
    await publisher.stop();
    await waitForText(viewerPage.getByTestId('stream-retrying'), "The stream isn't reaching us right now. Trying again…");
    await readWording(viewerPage, 'the room waiting for the stream');
    assert.equal((await liveOf(creator))?.id, live.id, 'the live waits for the stream');
    const reconnected = publish(`${server}/${streamKey}`);
    await viewerPage.getByTestId('stream-retrying').waitFor({ state: 'detached', timeout: 25_000 });
    const playedSeconds = () => video.evaluate((element) => (element as unknown as { currentTime: number }).currentTime);
    await until(
      async () => {
        const before = await playedSeconds();
        await sleep(1000);
        return (await playedSeconds()) > before + 0.5;
      },
      'the stream playing again',
      25_000,
    );
    assert.equal((await liveOf(creator)).id, live.id, 'the same live plays on');

    // Stopped for good: once STREAM_RECONNECT_GRACE_SECONDS pass, the sweeper every process runs ends the live.
    await reconnected.stop();
    await waitForText(viewerPage.getByTestId('stream-retrying'), "The stream isn't reaching us right now. Trying again…");
    t.clock.advance(31_000);
    assert.deepEqual(await t.services.streams.endDisconnected(), [live.id]);
    await waitForText(viewerPage.getByRole('status').filter({ hasText: 'This live has ended' }), 'This live has ended');
    const ended = (await t.app.inject({ method: 'GET', url: `/api/v1/lives/${live.id}` })).json().live;
    assert.equal(ended.status, 'ended');
    assert.deepEqual(problems, []);
    assert.deepEqual(accessibility, []);
  });

  it('a stream that cannot be reached tells viewers so and is tried again, not a dead grey player', async () => {
    const creator = await signUpCreator(t, { displayName: 'Oli Offline' });
    const started = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Soon', playbackUrl: `${origin}/hls/s0000000000000000/index.m3u8` } });
    assert.equal(started.statusCode, 201, started.body);
    const viewerPage = await openPage(browser, DESKTOP, contexts, problems);
    let playlistRequests = 0;
    viewerPage.on('request', (request) => void (request.url().endsWith('/index.m3u8') && playlistRequests++));
    await viewerPage.goto(`${origin}/live/${started.json().live.id}`);
    await waitForText(viewerPage.getByTestId('stream-retrying'), "The stream isn't reaching us right now. Trying again…");
    await until(() => playlistRequests >= 2, 'the player asking for the stream again', 10_000);
    assert.deepEqual(problems, []);
  });

  it('a creator who went live in the browser stays live for three minutes on the Earnings page, and is told when the live ends', async () => {
    const creator = await signUpCreator(t, { displayName: 'Pia Present' });
    const page: Page = await openPage(browser, DESKTOP, contexts, problems);
    // The page's timers and the server's clock move together, three minutes in steps, without three minutes of waiting.
    await page.clock.install({ time: t.clock.now() });
    await signIn(page, origin, creator.email);
    await page.goto(`${origin}/studio`);
    await page.getByLabel('Title').fill('Pia at work');
    await page.getByRole('button', { name: 'Go live' }).click();
    await page.getByRole('link', { name: 'Open your room' }).waitFor();
    const { live, heartbeatIntervalMs } = (await t.app.inject({ method: 'GET', url: '/api/v1/me/live', headers: creator.headers })).json();

    await page.getByRole('navigation', { name: 'Creator studio' }).getByRole('link', { name: 'Earnings' }).click();
    for (let elapsedMs = 0; elapsedMs < 3 * 60_000; elapsedMs += heartbeatIntervalMs) {
      const beat = page.waitForResponse((response) => response.url().endsWith(`/api/v1/lives/${live.id}/heartbeat`));
      await page.clock.runFor(heartbeatIntervalMs);
      assert.equal((await beat).status(), 200);
      t.clock.advance(heartbeatIntervalMs);
      // What every server process's sweeper does each quarter of LIVE_CREATOR_TIMEOUT_MS.
      assert.ok(!(await t.lives.endAbandoned()).includes(live.id), `ended after ${(elapsedMs + heartbeatIntervalMs) / 1000} s on the Earnings page`);
    }
    assert.equal((await liveOf(creator)).id, live.id, 'still live after three minutes on the Earnings page');

    await t.lives.end(live.id, { userId: 'usr_admin', isAdmin: true }, 'admin');
    await page.clock.runFor(heartbeatIntervalMs);
    await waitForText(page.getByTestId('live-ended-notice'), 'Your live Pia at work has ended: the operators ended it.');
    await readWording(page, 'the Earnings page told the live ended');
    assert.deepEqual(problems, []);
  });

  it('right after becoming a creator, the studio shows the overlay URL on the public address, not a refusal', async () => {
    const user = await signUpAndLogIn(t, { displayName: 'Quinn New' });
    const page = await openPage(browser, DESKTOP, contexts, problems);
    await signIn(page, origin, user.email);
    await page.goto(`${origin}/studio`);
    await page.getByLabel('I accept the creator terms').check();
    await page.getByRole('button', { name: 'Apply' }).click();
    const overlayUrl = page.getByTestId('overlay-url');
    await overlayUrl.waitFor();
    assert.match(await overlayUrl.inputValue(), new RegExp(`^${origin}/overlay/`));
    assert.equal(await page.getByText('Only creators can use this route').count(), 0);
    await readWording(page, 'the studio of a new creator');
    assert.deepEqual(problems, []);
  });

  it('no API wording on any page read above', () => {
    assert.deepEqual(wording, []);
  });
});
