import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, STRONG_PASSWORD, type SignedInUser } from '../accounts/testing/users.js';
import { saveScreenshot } from '../server/testing/browser.js';
import { accessibilityProblems, browserSuite, DESKTOP, PHONE, shootBothWidths, waitForText, watchedPage, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: saved cards and subscriptions paid by card', { skip }, () => {
  // The live is started through the API and nobody heartbeats it: it must outlast the test.
  // Sessions outlast the month the clock moves by.
  const web = browserSuite({ env: { LIVE_CREATOR_TIMEOUT_MS: '3600000', SESSION_TTL_HOURS: '2400', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
  let creator: SignedInUser;
  /** A viewer with no coins at all: every month is bought with a card. */
  let viewer: SignedInUser;
  let liveId: string;
  let page: Page;
  const accessibility: string[] = [];
  const url = (path: string) => `${web.origin}${path}`;
  /** Screenshots of the page at desktop and phone width, each checked. */
  const shoot = (name: string) => shootBothWidths(page, name, accessibility);

  /** The viewer's one subscription, as the API gives it. */
  async function subscription(): Promise<{ status: string; cardId: string | null; lastFailure: string | null; currentPeriodEnd: string }> {
    return (await web.t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: viewer.headers })).json().subscriptions[0];
  }

  before(async () => {
    creator = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    const tiers = await web.t.app.inject({
      method: 'PUT',
      url: '/api/v1/creator/subscription-tiers',
      headers: creator.headers,
      payload: { tiers: [{ level: 1, name: 'Fan', priceCoins: 100, perks: ['Badge in chat'] }] },
    });
    assert.equal(tiers.statusCode, 200, tiers.body);
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Songs for subscribers' } });
    assert.equal(live.statusCode, 201, live.body);
    liveId = live.json().live.id;
    viewer = await signUpAndLogIn(web.t, { displayName: 'Cy Card' });
    const context = await web.browser.newContext(DESKTOP);
    web.contexts.push(context);
    page = await watchedPage(context, web.problems);
  });

  it('a viewer saves cards in the wallet, told they are test cards, and removes one after confirming', async () => {
    await page.goto(`${web.origin}/signin`);
    await page.getByLabel('Email').fill(viewer.email);
    await page.getByLabel('Password').fill(STRONG_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto(url('/wallet'));
    await page.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'Cards' }).click();
    await page.getByText('No saved cards yet.').waitFor();
    await page.getByRole('button', { name: 'Add a card' }).click();
    await page.getByText(/This server takes test cards only/).waitFor();
    // A number the sandbox does not know is refused, in words.
    await page.getByLabel('Card number').fill('1234 5678 9012 3456');
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.getByRole('alert').waitFor();
    await page.getByLabel('Card number').fill('4000 0000 0000 9995');
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.getByText('Saved Visa •••• 9995.').waitFor();
    await page.getByRole('button', { name: 'Add a card' }).click();
    await page.getByLabel('Card number').fill('4000 0000 0000 0341');
    await page.getByRole('button', { name: 'Save card' }).click();
    await page.getByText('Saved Visa •••• 0341.').waitFor();
    const list = page.getByTestId('cards');
    await list.getByText('Visa •••• 0341').waitFor();
    assert.match((await list.textContent())!, /added \w{3} \d{1,2}, \d{4}/);
    assert.doesNotMatch((await list.textContent())!, /card_|pm_|\d{4}-\d{2}-\d{2}T/, 'no ids or timestamps');
    await shoot('wallet-cards');

    await page.getByRole('button', { name: 'Remove Visa •••• 9995' }).click();
    await page
      .getByRole('dialog')
      .getByText(/^Remove Visa •••• 9995\? It is never charged again\./)
      .waitFor();
    await page.getByRole('dialog').getByTestId('confirm').click();
    await page.getByText('Removed Visa •••• 9995.').waitFor();
    assert.equal(await list.getByText('Visa •••• 9995').count(), 0);
  });

  it('with no coins, the viewer subscribes in the room paying with the saved card, and sees Subscribed', async () => {
    await page.goto(url(`/live/${liveId}`));
    await page.locator('[data-connection="live"]').waitFor();
    await page.getByTestId('subscribe').click();
    const sheet = page.getByTestId('subscribe-sheet');
    await sheet.getByText('You need 100 coins more for this tier.').waitFor();
    await sheet.getByLabel('Pay with Visa •••• 0341').check();
    const summary = (await sheet.getByTestId('subscribe-summary').textContent())!.replace(/\s+/g, ' ').trim();
    assert.match(summary, /^Each month 100 coins are bought with your Visa •••• 0341 and spent on the subscription: the first now, then every month on the same day until you cancel\./);
    await saveScreenshot(page, 'live-room-subscribe-by-card-desktop', { fullPage: false });
    await page.setViewportSize(PHONE.viewport);
    await saveScreenshot(page, 'live-room-subscribe-by-card-phone', { fullPage: false });
    for (const problem of await accessibilityProblems(page)) accessibility.push(`subscribe sheet by card (phone): ${problem}`);
    const scrollWidth = await page.evaluate<number>('document.documentElement.scrollWidth');
    if (scrollWidth > PHONE.viewport.width) accessibility.push(`subscribe sheet by card (phone): the page is ${scrollWidth}px wide`);
    await page.setViewportSize(DESKTOP.viewport);
    await sheet.getByRole('button', { name: 'Subscribe with card •••• 0341' }).click();
    await sheet.getByText("You're subscribed. Thank you for supporting Mina Sings!").waitFor();
    await sheet.getByRole('button', { name: 'Done' }).click();
    await page.getByTestId('subscribed').filter({ hasText: 'Subscribed · Fan' }).waitFor();
    const paid = await subscription();
    assert.deepEqual([paid.status, typeof paid.cardId], ['active', 'string']);
  });

  it('after a month the card declines the renewal: My subscriptions says so, and another card renews it', async () => {
    web.t.clock.advance(Date.parse((await subscription()).currentPeriodEnd) - web.t.clock.now().getTime() + 1000);
    await web.t.services.subscriptions.renewDue();
    const pastDue = await subscription();
    assert.deepEqual([pastDue.status, pastDue.lastFailure], ['past_due', 'card_declined']);

    await page.goto(url('/wallet/subscriptions'));
    const item = page.getByTestId('subscriptions').locator('li').filter({ hasText: 'Mina Sings' });
    await waitForText(item.getByTestId('subscription-detail'), /^Payment due — renew by \w{3} \d{1,2}, \d{4} to keep it\.$/);
    await waitForText(item.getByTestId('subscription-paid-by'), 'Paid with card •••• 0341');
    await waitForText(item.getByTestId('card-failure'), /^Your card •••• 0341 could not pay this month\. The card was declined\./);
    await shoot('wallet-subscriptions-card-declined');

    await item.getByRole('button', { name: 'Use another card' }).click();
    const choose = item.getByTestId('choose-payment');
    await choose.getByRole('button', { name: 'Add a card' }).click();
    await choose.getByLabel('Card number').fill('4242 4242 4242 4242');
    await choose.getByRole('button', { name: 'Save card' }).click();
    await choose.getByLabel('Pay with Visa •••• 4242').waitFor();
    assert.equal(await choose.getByLabel('Pay with Visa •••• 4242').isChecked(), true, 'the card just saved is chosen');
    await shoot('wallet-subscriptions-choose-card');
    await choose.getByRole('button', { name: 'Renew with Visa •••• 4242' }).click();
    await item.getByText('Paid 100 coins with your Visa •••• 4242: renewed.').waitFor();
    await waitForText(item.getByTestId('subscription-detail'), /^Renews on \w{3} \d{1,2}, \d{4} for 100 coins\.$/);
    await waitForText(item.getByTestId('subscription-paid-by'), 'Paid with card •••• 4242');
    await item.getByText('2 months in a row').waitFor();
    const renewed = await subscription();
    assert.deepEqual([renewed.status, renewed.lastFailure], ['active', null]);
    await shoot('wallet-subscriptions-card-renewed');

    // The next months can move back to coins from an active subscription.
    await item.getByRole('button', { name: "Change how it's paid" }).click();
    await item.getByTestId('choose-payment').getByLabel('Pay with coins').check();
    await item.getByRole('button', { name: 'Use my coins' }).click();
    await item.getByText('The next months are paid with your coins.').waitFor();
    await waitForText(item.getByTestId('subscription-paid-by'), 'Paid from your coins');
    assert.equal((await subscription()).cardId, null);
  });

  it('no script errors or CSP violations, and no serious accessibility problem on the pages shot', () => {
    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
  });
});
