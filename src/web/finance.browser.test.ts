import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { signUpAndLogIn, STRONG_PASSWORD, uniqueEmail } from '../accounts/testing/users.js';
import { balanceOf, buyCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId } from '../ledger/index.js';
import { launchChromium } from '../server/testing/browser.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { checkPage, DESKTOP, openPage, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: goodwill coins under four eyes and the finance report', { skip }, () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  const contexts: BrowserContext[] = [];
  const problems: string[] = [];
  const accessibility: string[] = [];

  /** An operator's admin, signed in through the sign-in page with a code. */
  async function adminPage(name: string): Promise<Page> {
    const email = uniqueEmail('admin');
    const { twoFactor } = await t.accounts.createAdmin({ email, password: STRONG_PASSWORD, displayName: name });
    const page = await openPage(browser, DESKTOP, contexts, problems);
    await signIn(page, origin, email, new TOTP({ secret: Secret.fromBase32(twoFactor!.secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    return page;
  }

  before(async () => {
    t = await createTestApp('sqlite');
    origin = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
  });
  after(async () => {
    for (const context of contexts) await context.close().catch(() => {});
    await browser?.close();
    await t?.destroy();
  });

  it('one admin proposes goodwill coins, another approves them in the console, and the finance report shows them', async () => {
    const viewer = await signUpAndLogIn(t, { displayName: 'Vi Viewer' });
    await buyCoins(t, viewer, ['pkg_web_700']);
    const coinsBefore = await balanceOf(t, userCoinWalletId(viewer.id));

    const proposer = await adminPage('Pat Proposer');
    await proposer.goto(`${origin}/admin`);
    await proposer.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Goodwill' }).click();
    await proposer.getByLabel('User id', { exact: true }).fill(viewer.id);
    await proposer.getByLabel('Coins', { exact: true }).fill('300');
    await proposer.getByLabel('Reason', { exact: true }).fill('The stream froze during a gift');
    await proposer.getByRole('button', { name: 'Propose' }).click();
    await waitForText(proposer.getByRole('status'), 'another admin approves it');
    const proposed = proposer.getByTestId('goodwill-grants').locator('tr').filter({ hasText: 'The stream froze during a gift' });
    await waitForText(proposed, 'Awaiting another admin');
    assert.equal(await proposed.getByRole('button', { name: 'Approve' }).count(), 0, 'its proposer cannot approve it');
    assert.equal(await balanceOf(t, userCoinWalletId(viewer.id)), coinsBefore, 'nothing moved yet');

    const approver = await adminPage('Ann Approver');
    await approver.goto(`${origin}/admin/goodwill`);
    const pending = approver.getByTestId('goodwill-grants').locator('tr').filter({ hasText: 'The stream froze during a gift' });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await pending.waitFor({ state: 'detached' });
    assert.equal(await balanceOf(t, userCoinWalletId(viewer.id)), coinsBefore + 300n, 'the coins moved once approved');
    await approver.getByLabel('Status').selectOption('approved');
    await waitForText(approver.getByTestId('goodwill-grants').locator('tr').filter({ hasText: 'The stream froze during a gift' }), /Approved\s+by\s+Ann Approver/);
    await checkPage(approver, 'admin goodwill', accessibility);

    await approver.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Finance' }).click();
    await waitForText(approver.getByTestId('finance-coins').locator('tr').filter({ hasText: 'Goodwill' }), '300 coins');
    // The viewer's purchase is the period's one sale: its price, from the order, once.
    const order = await t.db.kysely.selectFrom('orders').select('amount_minor').where('user_id', '=', viewer.id).executeTakeFirstOrThrow();
    const gross = approver
      .getByTestId('finance-sales')
      .locator('tr')
      .filter({ has: approver.getByRole('cell', { name: 'Gross', exact: true }) });
    await waitForText(gross, `Web · Sandbox$${(Number(order.amount_minor) / 100).toFixed(2)}1`);
    await shootBothWidths(approver, 'admin-finance', accessibility);

    assert.deepEqual(problems, []);
    assert.deepEqual(accessibility, []);
  });
});
