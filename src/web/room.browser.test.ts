import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { launchChromium } from '../server/testing/browser.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { DESKTOP, openPage, signIn, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: the live room', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let liveId: string;
  let viewer: SignedInUser;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const url = (path: string) => `${origin}${path}`;

  /** The chat column's lines as a reader sees them, top to bottom. */
  const chatLines = (page: Page) => page.getByTestId('chat').locator('li[data-chat-id], li[data-event-id]').allInnerTexts();

  before(async () => {
    t = await createTestApp('sqlite', { env: { LIVE_CREATOR_TIMEOUT_MS: '3600000' } });
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    const creator = await signUpCreator(t, { displayName: 'Mina Sings' });
    const live = await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Songs at night' } });
    assert.equal(live.statusCode, 201, live.body);
    liveId = live.json().live.id;
    viewer = await signUpAndLogIn(t, { displayName: 'Ada Viewer' });
    await buyCoins(t, viewer, ['pkg_web_700']);
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await t?.destroy();
  });

  it('a signed-in viewer joins the chat on every reload, and the chat keeps the order it was sent in', async () => {
    const page = await openPage(browser, DESKTOP, contexts, problems);
    await signIn(page, origin, viewer.email);
    await page.goto(url(`/live/${liveId}`));
    const send = async (text: string) => {
      await page.getByLabel('Message', { exact: true }).fill(text);
      await page.getByRole('button', { name: 'Send', exact: true }).click();
      await page.getByTestId('chat').getByText(text).waitFor();
    };
    await send('First line');
    // A cheer goes through the ledger and reaches the room after chat sent beside it: it still shows where it was sent.
    const cheer = await t.app.inject({
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
    assert.deepEqual(problems, []);
  });
});
