import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, STRONG_PASSWORD, type SignedInUser } from '../accounts/testing/users.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { deliverDispute } from '../payments/testing/disputes.js';
import { saveScreenshot } from '../server/testing/browser.js';
import { apiWordingOn, browserSuite, checkPage, DESKTOP, PHONE, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: the live room', { skip }, () => {
  const web = browserSuite({ env: { LIVE_CREATOR_TIMEOUT_MS: '3600000' } });
  let liveId: string;
  let viewer: SignedInUser;
  let creator: SignedInUser;
  let page: Page;
  const accessibility: string[] = [];
  const url = (path: string) => `${web.origin}${path}`;

  /** The chat column's lines as a reader sees them, top to bottom. */
  const chatLines = (page: Page) => page.getByTestId('chat').locator('li[data-chat-id], li[data-event-id]').allInnerTexts();

  before(async () => {
    creator = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Songs at night' } });
    assert.equal(live.statusCode, 201, live.body);
    liveId = live.json().live.id;
    viewer = await signUpAndLogIn(web.t, { displayName: 'Ada Viewer' });
    await buyCoins(web.t, viewer, ['pkg_web_700']);
  });

  it('a signed-in viewer joins the chat on every reload, and the chat keeps the order it was sent in', async () => {
    page = await web.open(DESKTOP);
    await signIn(page, web.origin, viewer.email);
    await page.goto(url(`/live/${liveId}`));
    const send = async (text: string) => {
      await page.getByLabel('Message', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByTestId('chat').getByText(text).waitFor();
    };
    await send('First line');
    // A cheer goes through the ledger and reaches the room after chat sent beside it: it still shows where it was sent.
    const cheer = await web.t.app.inject({
      method: 'POST',
      url: `/api/v1/lives/${liveId}/cheers`,
      headers: { ...viewer.headers, 'idempotency-key': `cheer-${liveId}` },
      payload: { coins: 5, text: 'A cheer between' },
    });
    assert.equal(cheer.statusCode, 201, cheer.body);
    await page.getByTestId('chat').getByText('A cheer between').waitFor();
    await send('Second line');
    const order = await chatLines(page);
    assert.equal(order.length, 3, order.join(' | '));
    assert.match(order.join(' | '), /First line.*A cheer between.*Second line/s);

    const started = Date.now();
    for (let reload = 1; reload <= 20; reload++) {
      await page.reload();
      // Signed in, the room offers the composer; "Joining the chat…" must not stay.
      await page.getByRole('button', { name: 'Send', exact: true }).waitFor({ timeout: 5000 });
      assert.deepEqual(await chatLines(page), order, `reload ${reload}: the chat in the order it was sent`);
    }
    console.log(`20 reloads joined the chat in ${Date.now() - started} ms`);
    const sendBox = (await page.getByRole('button', { name: 'Send', exact: true }).boundingBox())!;
    assert.ok(sendBox.y + sendBox.height <= DESKTOP.viewport.height, `the Send button ends at ${sendBox.y + sendBox.height}px, below the fold of a 1280×800 screen`);
    assert.deepEqual(web.problems, []);
  });

  it('after the fact, the history names each gift and creator, and shows one day of one gift to one creator as one line', async () => {
    for (let send = 1; send <= 3; send++) {
      const gift = await web.t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${liveId}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': `perfume-${send}-${liveId}` },
        payload: { giftId: 'gift_perfume', quantity: 1 },
      });
      assert.equal(gift.statusCode, 201, gift.body);
      if (send !== 1) continue;
      // A second cheer between the perfumes: a day's perfumes still make one line, and the day's cheers another.
      const cheer = await web.t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${liveId}/cheers`,
        headers: { ...viewer.headers, 'idempotency-key': `cheer-2-${liveId}` },
        payload: { coins: 5, text: 'Another cheer' },
      });
      assert.equal(cheer.statusCode, 201, cheer.body);
    }
    await waitForText(page.getByTestId('chat').getByTestId('chat-gift').last(), /Ada Viewer sent Perfume\s*×\d/);
    await page.goto(url('/wallet/history'));
    const rows = page.getByTestId('transactions').locator('tbody tr');
    const perfumes = rows.first();
    await waitForText(perfumes, /^Today, .+Perfume ×3 to Mina Sings\s*Gift · 3 sends/);
    await waitForText(perfumes.locator('td.number'), '−60 coins');
    await waitForText(rows.nth(1), /2 × Cheer to Mina Sings\s*Cheer · 2 sends.*−10 coins/s);
    // Opened, the line lists each send with its time of day.
    await perfumes.getByText('Gift · 3 sends').click();
    const sends = perfumes.locator('.sends li');
    await sends.last().waitFor();
    assert.deepEqual(
      (await sends.allInnerTexts()).map((text) => text.replace(/^\d{1,2}:\d{2}[^·]*· /, '')),
      ['×1 · −20 coins', '×1 · −20 coins', '×1 · −20 coins'],
    );
    // The purchase names its order by a link to it, not by its id.
    const purchase = rows.last();
    await waitForText(purchase, /Bought 840 coins\s*Coin purchase\s*·\s*See the order/);
    assert.doesNotMatch((await purchase.textContent()) ?? '', /ord_/);
    assert.match((await purchase.getByRole('link', { name: 'See the order' }).getAttribute('href')) ?? '', /^\/wallet\/orders\/ord_/);
    await shootBothWidths(page, 'wallet-history', accessibility);
    assert.deepEqual(await apiWordingOn(page), []);
  });

  it('the goal bar fills with the gifts and is reached; level and fan badges show beside the viewer in chat and on the board', async () => {
    await page.goto(url(`/live/${liveId}`));
    const put = async (path: string, payload: object) => {
      const answer = await web.t.app.inject({ method: 'PUT', url: path, headers: creator.headers, payload });
      assert.equal(answer.statusCode, 200, answer.body);
    };
    let sends = 0;
    const gift = async (giftId: string, quantity: number) => {
      const sent = await web.t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${liveId}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': `goal-${giftId}-${++sends}` },
        payload: { giftId, quantity },
      });
      assert.equal(sent.statusCode, 201, sent.body);
    };
    await put(`/api/v1/lives/${liveId}/goal`, { kind: 'coins', target: 10, title: 'Ten coins for a song' });
    await put('/api/v1/creator/fan-club', { giftId: 'gift_finger_heart', name: 'Minas' });
    const bar = page.getByTestId('goal-bar');
    await waitForText(bar.getByTestId('goal-progress'), /^0 \/ 10 coins$/);
    await gift('gift_finger_heart', 1);
    await waitForText(bar.getByTestId('goal-progress'), /^5 \/ 10 coins$/);
    await gift('gift_finger_heart', 1);
    await waitForText(bar.getByTestId('goal-progress'), /^10 \/ 10 coins$/);
    await bar.getByText('Goal reached!').waitFor();
    await page.getByLabel('Message', { exact: true }).fill('Badges on');
    await page.getByRole('button', { name: 'Send', exact: true }).click();
    const line = page.getByTestId('chat').locator('li', { hasText: 'Badges on' });
    await waitForText(line.getByTestId('fan-badge'), /Minas 1/);
    await line.getByTestId('level-badge').waitFor();
    await waitForText(page.getByTestId('leaderboard').getByTestId('fan-badge'), /Minas 1/);
  });

  it('a signed-out viewer who signs in from the room comes back to it; the creator who ends the live reads how it went', async () => {
    const phone = await web.open(PHONE);
    await phone.goto(url(`/live/${liveId}`));
    await phone.getByTestId('chat').getByText('Second line').waitFor();
    await phone.getByText('to chat and send gifts.').getByRole('link', { name: 'Sign in' }).click();
    await phone.getByLabel('Email').fill(viewer.email);
    await phone.getByLabel('Password').fill(STRONG_PASSWORD);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    await phone.waitForURL(url(`/live/${liveId}`));
    await phone.getByRole('button', { name: 'Send', exact: true }).waitFor();
    // The player, the chat with its composer and the gifts all in the first screen of a phone, as in TikTok LIVE.
    await phone.evaluate('window.scrollTo(0, 0)');
    for (const [what, part] of [
      ['the player', phone.locator('.stage-box')],
      ['the chat', phone.getByTestId('chat')],
      ['the Send button', phone.getByRole('button', { name: 'Send', exact: true })],
      ['the gift panel', phone.locator('section.gifts')],
    ] as const) {
      const box = (await part.boundingBox())!;
      assert.ok(box.y >= 0 && box.y + box.height <= PHONE.viewport.height && box.x >= 0 && box.x + box.width <= PHONE.viewport.width, `${what} is at ${JSON.stringify(box)}, outside the screen`);
    }
    await saveScreenshot(phone, 'live-room-phone', { fullPage: false });
    await checkPage(phone, 'live room (phone)', accessibility);

    const studio = await web.open(DESKTOP);
    await signIn(studio, web.origin, creator.email);
    await studio.goto(url(`/live/${liveId}`));
    await studio.getByRole('button', { name: 'End live' }).click();
    await studio.getByRole('dialog').getByRole('button', { name: 'End live' }).click();
    const summary = studio.getByTestId('live-summary');
    const { gifts } = (await web.t.app.inject({ method: 'GET', url: `/api/v1/lives/${liveId}/summary` })).json().summary;
    const count = (value: number) => value.toLocaleString('en-US');
    await waitForText(summary, new RegExp(`Gifts\\s*${count(gifts.giftCount)}\\s*Coins spent\\s*${count(gifts.coins)} coins\\s*You earned\\s*${count(gifts.diamonds)} diamonds`));
    await waitForText(summary.getByRole('listitem').first(), `Ada Viewer · ${count(gifts.coins)} coins`);
    await phone.getByText('This live has ended').waitFor();
    await shootBothWidths(studio, 'live-summary', accessibility);
    assert.deepEqual(await apiWordingOn(studio), []);
  });

  it('after a chargeback, the wallet explains the negative balance', async () => {
    await checkPage(page, 'wallet history (desktop)', accessibility);

    // The card's issuer takes back the 840 coins bought, some of them spent.
    assert.equal((await deliverDispute(web.t, viewer)).response.statusCode, 200);
    await page.goto(url('/wallet'));
    const { coins } = (await web.t.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: viewer.headers })).json();
    assert.ok(coins < 0, 'the coins spent are owed');
    const owed = page.getByTestId('negative-balance');
    await waitForText(owed, new RegExp(`^You owe ${(-coins).toLocaleString('en-US')} coins because your purchase of 840 coins on .+ was charged back after its coins were spent`, 's'));
    assert.equal(
      await owed.getByRole('link', { name: 'See the purchase' }).getAttribute('href'),
      `/wallet/orders/${(await web.t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: viewer.headers })).json().orders[0].id}`,
    );
    await shootBothWidths(page, 'wallet-negative-balance', accessibility);
    assert.deepEqual(await apiWordingOn(page), []);
    assert.deepEqual(accessibility, []);
    assert.deepEqual(web.problems, []);
  });
});
