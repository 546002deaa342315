import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, STRONG_PASSWORD, uniqueEmail } from '../accounts/testing/users.js';
import { balanceOf, buyCoins } from '../gifts/testing/payments.js';
import { userCoinWalletId } from '../ledger/index.js';
import { browserSuite, checkPage, DESKTOP, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: goodwill coins under four eyes and the finance report', { skip }, () => {
  const web = browserSuite();
  const accessibility: string[] = [];

  /** An operator's admin, signed in through the sign-in page with a code. */
  async function adminPage(name: string): Promise<Page> {
    const email = uniqueEmail('admin');
    const { twoFactor } = await web.t.accounts.createAdmin({ email, password: STRONG_PASSWORD, displayName: name });
    const page = await web.open(DESKTOP);
    await signIn(page, web.origin, email, new TOTP({ secret: Secret.fromBase32(twoFactor!.secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    return page;
  }

  it('one admin proposes goodwill coins, another approves them in the console, and the finance report shows them', async () => {
    const viewer = await signUpAndLogIn(web.t, { displayName: 'Vi Viewer' });
    await buyCoins(web.t, viewer, ['pkg_web_700']);
    const coinsBefore = await balanceOf(web.t, userCoinWalletId(viewer.id));

    const proposer = await adminPage('Pat Proposer');
    await proposer.goto(`${web.origin}/admin`);
    await proposer.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Goodwill' }).click();
    await proposer.getByLabel('User id', { exact: true }).fill(viewer.id);
    await proposer.getByLabel('Coins', { exact: true }).fill('300');
    await proposer.getByLabel('Reason', { exact: true }).fill('The stream froze during a gift');
    await proposer.getByRole('button', { name: 'Propose' }).click();
    await waitForText(proposer.getByRole('status'), 'another admin approves it');
    const proposed = proposer.getByTestId('goodwill-grants').locator('tr').filter({ hasText: 'The stream froze during a gift' });
    await waitForText(proposed, 'Awaiting another admin');
    assert.equal(await proposed.getByRole('button', { name: 'Approve' }).count(), 0, 'its proposer cannot approve it');
    assert.equal(await balanceOf(web.t, userCoinWalletId(viewer.id)), coinsBefore, 'nothing moved yet');

    const approver = await adminPage('Ann Approver');
    await approver.goto(`${web.origin}/admin/goodwill`);
    const pending = approver.getByTestId('goodwill-grants').locator('tr').filter({ hasText: 'The stream froze during a gift' });
    await pending.getByRole('button', { name: 'Approve' }).click();
    await pending.waitFor({ state: 'detached' });
    assert.equal(await balanceOf(web.t, userCoinWalletId(viewer.id)), coinsBefore + 300n, 'the coins moved once approved');
    await approver.getByLabel('Status').selectOption('approved');
    await waitForText(approver.getByTestId('goodwill-grants').locator('tr').filter({ hasText: 'The stream froze during a gift' }), /Approved\s+by\s+Ann Approver/);
    await checkPage(approver, 'admin goodwill', accessibility);

    await approver.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Finance' }).click();
    await waitForText(approver.getByTestId('finance-coins').locator('tr').filter({ hasText: 'Goodwill' }), '300 coins');
    // The viewer's purchase is the period's one sale: its price, from the order, once.
    const order = await web.t.db.kysely.selectFrom('orders').select('amount_minor').where('user_id', '=', viewer.id).executeTakeFirstOrThrow();
    const gross = approver
      .getByTestId('finance-sales')
      .locator('tr')
      .filter({ has: approver.getByRole('cell', { name: 'Gross', exact: true }) });
    await waitForText(gross, `Web · Sandbox$${(Number(order.amount_minor) / 100).toFixed(2)}1`);
    await shootBothWidths(approver, 'admin-finance', accessibility);

    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
  });
});
