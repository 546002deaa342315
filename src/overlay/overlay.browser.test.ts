import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { browserUnderTest, saveScreenshot } from '../server/testing/browser.js';
import { browserSuite } from '../web/testing/web-app.js';

/** What the page showed for one alert, as recorded by RECORD_ALERTS: alerts leave after a few seconds, the record stays. */
interface ShownAlert {
  className: string;
  comboId: string | null;
  sender: string | null;
  text: string;
  /** Every combo counter text it showed, in order. */
  counts: string[];
  /** Elements inside the sender's name: display names must render as text, never as markup. */
  senderElements: number;
  /** The alert's left border colour: a paid message's tier colour. */
  accent: string;
}

/** The page's globals that assertions read inside the page (the project's TypeScript has no DOM types). */
interface PageWindow {
  __alerts: Record<string, ShownAlert>;
  document: { querySelector(selector: string): { textContent: string } | null };
}

/** Runs in the page before its own script: remembers every alert that appears and every count it shows. */
const RECORD_ALERTS = `
window.__alerts = {};
new MutationObserver(() => {
  for (const node of document.querySelectorAll('[data-event-id]')) {
    const shown = window.__alerts[node.dataset.eventId] || { counts: [] };
    const sender = node.querySelector('.sender');
    const count = node.querySelector('.combo-count');
    shown.className = node.className;
    shown.comboId = node.dataset.comboId || null;
    shown.sender = sender ? sender.textContent : null;
    shown.senderElements = sender ? sender.children.length : 0;
    shown.text = node.textContent;
    shown.accent = getComputedStyle(node).borderLeftColor;
    if (count && shown.counts[shown.counts.length - 1] !== count.textContent) shown.counts.push(count.textContent);
    window.__alerts[node.dataset.eventId] = shown;
  }
}).observe(document, { subtree: true, childList: true, characterData: true });
`;

const XSS_NAME = '<img src=x onerror=window.__pwned=1>';

const { skip } = await browserUnderTest();

describe('the stream overlay in Chromium', { skip }, () => {
  const web = browserSuite({
    env: { STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50', STORE_NEW_ACCOUNT_DAILY_COINS: '1000000', GIFT_COMBO_WINDOW_MS: '60000' },
  });
  let creator: SignedInUser;
  let liveId: string;
  let overlayUrl: string;
  let page: Page;
  let keyCounter = 0;

  const json = async (response: Response) => {
    const body = await response.text();
    assert.ok(response.ok, `${response.status} ${body}`);
    return JSON.parse(body);
  };
  const api = (user: SignedInUser | undefined, method: string, path: string, body?: object, headers: Record<string, string> = {}) =>
    fetch(`${web.origin}${path}`, {
      method,
      headers: { ...(user?.headers ?? {}), ...(body ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body ? JSON.stringify(body) : undefined,
    });
  const send = async (viewer: SignedInUser, giftId: string, extra: object = {}) =>
    (await json(await api(viewer, 'POST', `/api/v1/lives/${liveId}/gifts`, { giftId, ...extra }, { 'idempotency-key': `overlay-${++keyCounter}` }))).gift;

  /** A viewer paid through the sandbox for `order` (a package or a custom amount). */
  async function viewerWithCoins(displayName: string, order: object): Promise<SignedInUser> {
    const viewer = await signUpAndLogIn(web.t, { displayName });
    const placed = await json(await api(viewer, 'POST', '/api/v1/orders', order, { 'idempotency-key': `buy-${viewer.id}` }));
    await json(await api(viewer, 'POST', `/api/v1/sandbox/checkout/${placed.order.id}`, { card: '4242424242424242', webhooks: 'once' }));
    await web.t.sandbox.idle();
    return viewer;
  }

  const shownAlerts = async () => Object.values(await page.evaluate<Record<string, ShownAlert>>('window.__alerts'));
  /** Waits until the page has shown an alert whose text includes `text`, and answers it. */
  async function alertShowing(text: string): Promise<ShownAlert> {
    await page.waitForFunction((wanted) => Object.values((globalThis as unknown as PageWindow).__alerts).some((shown) => shown.text.includes(wanted)), text);
    return (await shownAlerts()).find((shown) => shown.text.includes(text))!;
  }
  async function openOverlay(url: string): Promise<Page> {
    const opened = await web.browser.newPage({ viewport: { width: 1280, height: 720 }, locale: 'en-US' });
    opened.on('pageerror', (error) => web.problems.push(`page error: ${error.message}`));
    opened.on('console', (message) => {
      if (message.type() === 'error') web.problems.push(`console error: ${message.text()}`);
    });
    await opened.addInitScript(RECORD_ALERTS);
    const { pathname, search } = new URL(url);
    const response = await opened.goto(`${web.origin}${pathname}${search}`);
    assert.equal(response?.status(), 200);
    return opened;
  }
  const connection = (on: Page) => on.getAttribute('#overlay', 'data-connection');

  before(async () => {
    creator = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    liveId = (await json(await api(creator, 'POST', '/api/v1/lives', { title: 'Late-night songs' }))).live.id;
    overlayUrl = (await json(await api(creator, 'GET', '/api/v1/me/overlay'))).overlay.url;
  });

  it('shows every tier of gift, a growing combo, the top gifter and hostile names as text, over a transparent page', async () => {
    const whale = await viewerWithCoins('Big Spender', { customCoins: 35_000, confirm: true });
    const roseFan = await viewerWithCoins('Rose Fan', { packageId: 'pkg_web_70' });
    const prankster = await viewerWithCoins(XSS_NAME, { packageId: 'pkg_web_70' });

    page = await openOverlay(overlayUrl);
    await page.waitForSelector('#overlay[data-connection="live"]');
    const backgrounds = await page.evaluate<string[]>('[document.documentElement, document.body].map((node) => getComputedStyle(node).backgroundColor)');
    assert.deepEqual(backgrounds, ['rgba(0, 0, 0, 0)', 'rgba(0, 0, 0, 0)'], 'OBS composites the page over the stream');

    // The live's goal shows as a bar that fills with the gifts.
    await json(await api(creator, 'PUT', `/api/v1/lives/${liveId}/goal`, { kind: 'coins', target: 100, title: 'New strings' }));
    await page.waitForSelector('#goal:not([hidden])');
    assert.equal(await page.textContent('#goal .title'), 'New strings');
    await send(prankster, 'gift_perfume');
    await page.locator('#goal .progress', { hasText: '20 / 100' }).waitFor();
    await send(whale, 'gift_confetti');
    await send(whale, 'gift_galaxy');
    await send(whale, 'gift_lion', { confirm: true });
    let combo: { id: string; count: number } | undefined;
    for (let rose = 1; rose <= 5; rose++) combo = (await send(roseFan, 'gift_rose')).combo;
    assert.equal(combo?.count, 5);
    await json(await api(whale, 'POST', `/api/v1/lives/${liveId}/paid-messages`, { coins: 100, text: 'Play the rain song!' }, { 'idempotency-key': 'overlay-paid' }));
    await json(await api(roseFan, 'POST', `/api/v1/lives/${liveId}/cheers`, { coins: 10, text: 'Cheer10 lovely' }, { 'idempotency-key': 'overlay-cheer' }));

    const small = await alertShowing('Perfume');
    assert.match(small.className, /\btier-small\b/);
    assert.equal(small.sender, XSS_NAME, 'the display name shows as typed');
    assert.equal(small.senderElements, 0, 'and is not parsed as markup');
    assert.match((await alertShowing('Confetti')).className, /\btier-medium\b/);
    assert.match((await alertShowing('Galaxy')).className, /\btier-large\b/);
    assert.match((await alertShowing('Lion')).className, /\btier-fullscreen\b/);

    await page.waitForFunction((id) => Object.values((globalThis as unknown as PageWindow).__alerts).some((shown) => shown.comboId === id && shown.counts.includes('x5')), combo!.id);
    const roses = (await shownAlerts()).filter((shown) => shown.comboId === combo!.id);
    assert.equal(roses.length, 1, 'the streak is one alert');
    assert.equal(roses[0]!.sender, 'Rose Fan');
    assert.deepEqual(roses[0]!.counts.slice(-1), ['x5']);
    assert.ok(
      roses[0]!.counts.every((count, index, all) => index === 0 || Number(count.slice(1)) > Number(all[index - 1]!.slice(1))),
      `the count only grows: ${roses[0]!.counts.join(', ')}`,
    );

    const paid = await alertShowing('Play the rain song!');
    assert.match(paid.className, /\bpaid-message\b/);
    assert.equal(paid.sender, 'Big Spender');
    assert.equal(paid.accent, 'rgb(29, 233, 182)', 'the colour of its tier (green, #1DE9B6)');
    const cheer = await alertShowing('Cheer10 lovely');
    assert.match(cheer.className, /\bcheer\b/);
    assert.match(cheer.text, /cheered 10 coins/);

    const board = (await json(await api(undefined, 'GET', `/api/v1/lives/${liveId}/top-gifters`))).topGifters;
    assert.equal(board[0].displayName, 'Big Spender');
    const leader = `Big Spender ${board[0].coins.toLocaleString('en-US')}`;
    await page.waitForFunction((wanted) => {
      const { document } = globalThis as unknown as PageWindow;
      return `${document.querySelector('#top-gifters li .name')?.textContent} ${document.querySelector('#top-gifters li .coins')?.textContent}` === wanted;
    }, leader);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('img[src="x"]').count(), 0);

    // What OBS composites: the 1280×720 source, transparent wherever no alert paints.
    await saveScreenshot(page, 'overlay', { fullPage: false, omitBackground: true });
  });

  it('shows a battle with another live as a bar: the scores of each side as gifts arrive, the time left, and the result', async () => {
    const theo = await signUpCreator(web.t, { displayName: 'Theo Plays' });
    const theoLive = (await json(await api(theo, 'POST', '/api/v1/lives', { title: 'Guitar duel' }))).live.id;
    const fan = await viewerWithCoins('Duel Fan', { packageId: 'pkg_web_70' });
    const proposed = (await json(await api(creator, 'POST', '/api/v1/battles', { liveId, opponentLiveId: theoLive, durationSeconds: 60 }, { 'idempotency-key': 'overlay-battle' }))).battle;
    assert.equal(await page.locator('#battle').isHidden(), true, 'a battle proposed is not shown yet');
    const battle = (await json(await api(theo, 'POST', `/api/v1/battles/${proposed.id}/accept`, {}, { 'idempotency-key': 'overlay-battle-accept' }))).battle;
    await page.waitForSelector('#battle:not([hidden])');
    web.t.clock.advance(Date.parse(battle.startsAt) - web.t.clock.now().getTime() + 10);
    await send(fan, 'gift_doughnut');
    await json(await api(fan, 'POST', `/api/v1/lives/${theoLive}/gifts`, { giftId: 'gift_finger_heart' }, { 'idempotency-key': 'overlay-battle-other' }));
    await page.locator('#battle .here', { hasText: '30' }).waitFor();
    await page.locator('#battle .other', { hasText: '5' }).waitFor();
    await saveScreenshot(page, 'overlay-battle', { fullPage: false, omitBackground: true });
    // An overlay opened now reads the battle and its scores from the room's welcome.
    const joining = await openOverlay(overlayUrl);
    await joining.locator('#battle .here', { hasText: '30' }).waitFor();
    assert.equal(await joining.textContent('#battle .other'), '5');
    assert.match((await joining.textContent('#battle .status')) ?? '', /^(Starts in )?\d:\d\d/, 'the time left');
    await joining.close();

    web.t.clock.advance(Date.parse(battle.endsAt) - web.t.clock.now().getTime());
    assert.equal((await web.t.services.battles.endDue()).length, 1);
    await page.locator('#battle .status', { hasText: 'We won!' }).waitFor();
    assert.equal(await page.textContent('#battle .here'), '30');
  });

  it('a rotated key disconnects the open overlay; the new URL shows the room, and the overlay clears when the live ends', async () => {
    const rotated = (await json(await api(creator, 'POST', '/api/v1/me/overlay/rotate'))).overlay;
    await page.waitForSelector('#overlay[data-connection="closed"]', { state: 'attached' });
    assert.equal(await page.locator('#top-gifters li').count(), 0, 'the old overlay shows nothing more');

    const fresh = await openOverlay(rotated.url);
    await fresh.waitForSelector('#overlay[data-connection="live"]', { state: 'attached' });
    assert.equal(await fresh.textContent('#top-gifters li .name'), 'Big Spender', 'the welcome fills the ticker');
    assert.equal(await fresh.locator('[data-event-id]').count(), 0, 'gifts sent before the page opened are not replayed as alerts');

    await json(await api(creator, 'POST', `/api/v1/lives/${liveId}/end`));
    await fresh.waitForSelector('#overlay[data-connection="waiting"]', { state: 'attached' });
    assert.equal(await fresh.locator('#top-gifters li').count(), 0);
    assert.equal(await connection(page), 'closed', 'the old URL stays disconnected');
    assert.deepEqual(web.problems, []);
  });
});
