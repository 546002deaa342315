import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { logIn, signUpAndLogIn, signUpCreator, STRONG_PASSWORD, totpCode, uniqueEmail, type SignedInUser } from '../accounts/testing/users.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { saveScreenshot } from '../server/testing/browser.js';
import { accessibilityProblems, browserSuite, DESKTOP, PHONE, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: creator subscriptions', { skip }, () => {
  // The live is started through the API and nobody heartbeats it: it must outlast the test.
  // Sessions outlast the month the last step moves the clock by.
  const web = browserSuite({ env: { LIVE_CREATOR_TIMEOUT_MS: '3600000', SESSION_TTL_HOURS: '2400' } });
  let creator: SignedInUser;
  let viewerUser: SignedInUser;
  let liveId: string;
  let creatorPage: Page;
  let viewer: Page;
  /** A viewer without coins, on a phone. */
  let phone: Page;
  let poor: SignedInUser;
  /** The operator's account, made in the admin step. */
  let operator: { id: string; email: string; secret: string };
  const accessibility: string[] = [];
  const url = (path: string) => `${web.origin}${path}`;
  const shoot = (page: Page, name: string) => shootBothWidths(page, name, accessibility);

  async function diamondsOf(user: SignedInUser): Promise<number> {
    return (await web.t.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: user.headers })).json().diamonds as number;
  }

  before(async () => {
    creator = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Songs for subscribers' } });
    assert.equal(live.statusCode, 201, live.body);
    liveId = live.json().live.id;
    viewerUser = await signUpAndLogIn(web.t, { displayName: 'Ada Fan' });
    await buyCoins(web.t, viewerUser, ['pkg_web_700']);
    creatorPage = await web.open(DESKTOP);
    viewer = await web.open(DESKTOP);
  });

  it('a creator sets two tiers in the studio', async () => {
    await signIn(creatorPage, web.origin, creator.email);
    await creatorPage.goto(url('/studio'));
    await creatorPage.getByRole('navigation', { name: 'Creator studio' }).getByRole('link', { name: 'Subscriptions' }).click();
    await creatorPage.getByText('You offer no subscription yet.').waitFor();
    await creatorPage.getByRole('button', { name: 'Add a tier' }).click();
    await creatorPage.getByLabel('Name').fill('Fan');
    await creatorPage.getByLabel('Monthly price (coins)').fill('100');
    await creatorPage.getByLabel('Perks').fill('Badge in chat\nSubscriber emotes');
    await creatorPage.getByLabel('Chat emotes').fill('hype 🔥');
    await creatorPage.getByRole('button', { name: 'Add a tier' }).click();
    const second = creatorPage.getByTestId('tier-2');
    await second.getByLabel('Name').fill('Super fan');
    // Cheaper than tier 1: the API refuses, and the page says why.
    await second.getByLabel('Monthly price (coins)').fill('50');
    await second.getByLabel('Perks').fill('Badge in chat\nA shout-out every month');
    await creatorPage.getByRole('button', { name: 'Save tiers' }).click();
    await creatorPage
      .getByRole('alert')
      .filter({ hasText: /dearer|more|order/i })
      .waitFor();
    await second.getByLabel('Monthly price (coins)').fill('300');
    await creatorPage.getByRole('button', { name: 'Save tiers' }).click();
    await creatorPage.getByText('Saved. Viewers see these tiers in your room.').waitFor();
    await creatorPage.getByText('No subscribers yet.').waitFor();
    const offered = (await web.t.app.inject({ method: 'GET', url: '/api/v1/creator/subscription-tiers', headers: creator.headers })).json().tiers;
    assert.deepEqual(
      offered.map((tier: { name: string; priceCoins: number; perks: string[]; emotes: unknown[] }) => [tier.name, tier.priceCoins, tier.perks, tier.emotes]),
      [
        ['Fan', 100, ['Badge in chat', 'Subscriber emotes'], [{ code: 'hype', image: '🔥' }]],
        ['Super fan', 300, ['Badge in chat', 'A shout-out every month'], []],
      ],
    );
    await shoot(creatorPage, 'studio-subscriptions');
  });

  it('a viewer without coins sees the tiers on a phone, and is offered a recharge instead of a charge', async () => {
    poor = await signUpAndLogIn(web.t, { displayName: 'Bo Broke' });
    phone = await web.open(PHONE);
    await signIn(phone, web.origin, poor.email);
    await phone.goto(url(`/live/${liveId}`));
    await phone.locator('[data-connection="live"]').waitFor();
    await phone.getByTestId('subscribe').click();
    const sheet = phone.getByTestId('subscribe-sheet');
    await sheet.getByText('Super fan').waitFor();
    await sheet.getByText('A shout-out every month').waitFor();
    await sheet.getByText('You need 100 coins more for this tier.').waitFor();
    await saveScreenshot(phone, 'live-room-subscribe-sheet-phone', { fullPage: false });
    for (const problem of await accessibilityProblems(phone)) accessibility.push(`subscribe sheet (phone): ${problem}`);
    await sheet.getByRole('button', { name: 'Recharge' }).click();
    await phone.getByTestId('recharge').getByTestId('package-pkg_web_700').waitFor();
    await phone.getByTestId('recharge').getByRole('button', { name: 'Close' }).click();
  });

  it('a viewer with coins subscribes through the sheet in the live and sees "Subscribed" with the tier', async () => {
    await signIn(viewer, web.origin, viewerUser.email);
    await viewer.goto(url(`/live/${liveId}`));
    await viewer.locator('[data-connection="live"]').waitFor();
    await viewer.getByTestId('subscribe').click();
    const sheet = viewer.getByTestId('subscribe-sheet');
    await sheet.getByText('Fan', { exact: true }).click();
    const summary = (await sheet.getByTestId('subscribe-summary').textContent())!.replace(/\s+/g, ' ');
    assert.match(summary, /You pay 100 coins now, then 100 coins every month on the same day until you cancel\. Your balance: 840 coins\./);
    await saveScreenshot(viewer, 'live-room-subscribe-sheet-desktop', { fullPage: false });
    for (const problem of await accessibilityProblems(viewer)) accessibility.push(`subscribe sheet (desktop): ${problem}`);
    await sheet.getByRole('button', { name: 'Pay 100 coins and subscribe' }).click();
    await sheet.getByText("You're subscribed. Thank you for supporting Mina Sings!").waitFor();
    await sheet.getByText(/Renews on \w{3} \d{1,2}, \d{4} for 100 coins\./).waitFor();
    await sheet.getByRole('button', { name: 'Done' }).click();
    await viewer.getByTestId('subscribed').filter({ hasText: 'Subscribed · Fan' }).waitFor();
    await waitForText(viewer.getByTestId('balance'), '740');
  });

  it('in the room the subscriber has a badge with their months beside their name in chat and on the board, and their emotes show', async () => {
    await viewer.getByLabel('Message', { exact: true }).fill('So good :hype: :nope:');
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    const line = phone.getByTestId('chat').locator('li', { hasText: 'Ada Fan' });
    await line.getByTestId('subscriber-badge').filter({ hasText: '1 month' }).waitFor();
    await line.getByRole('img', { name: ':hype:' }).waitFor();
    assert.match((await line.textContent())!, /So good 🔥 :nope:/, 'a code the sender may not use stays text');
    await viewer.locator('[data-gift-id="gift_rose"]').click();
    await viewer.getByTestId('send-gift').click();
    await viewer.getByTestId('leaderboard').locator('li', { hasText: 'Ada Fan' }).getByTestId('subscriber-badge').waitFor();
    await shoot(viewer, 'live-room-subscribed');
  });

  it('the creator turns on subscriber-only chat: viewers are told, only subscribers can chat', async () => {
    await creatorPage.goto(url(`/live/${liveId}`));
    await creatorPage.locator('[data-connection="live"]').waitFor();
    await creatorPage.getByTestId('chat').locator('li', { hasText: 'So good' }).getByTestId('subscriber-badge').waitFor();
    await creatorPage.getByLabel('Subscribers only').check();
    await creatorPage.getByText('Subscriber-only chat is on: only your subscribers can send messages.').waitFor();
    await phone.getByText('Subscriber-only chat: only subscribers can send messages right now.').waitFor();
    await phone.getByLabel('Message', { exact: true }).fill('Can I talk?');
    await phone.getByRole('button', { name: 'Send', exact: true }).click();
    await phone.getByRole('alert').filter({ hasText: 'Only subscribers to the creator can chat' }).waitFor();
    await saveScreenshot(phone, 'live-room-subscribers-only-phone');
    await viewer.getByLabel('Message', { exact: true }).fill('Subscribers only now!');
    await viewer.getByRole('button', { name: 'Send', exact: true }).click();
    await creatorPage.getByTestId('chat').getByText('Subscribers only now!').waitFor();
    await shoot(creatorPage, 'live-room-creator-subscribers-only');
    await creatorPage.getByLabel('Subscribers only').uncheck();
    await phone.getByText('Subscriber-only chat').waitFor({ state: 'detached' });
  });

  it('the viewer finds it under My subscriptions, changes tier, cancels with a confirm step and resumes', async () => {
    await viewer.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Wallet' }).click();
    await viewer.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'My subscriptions' }).click();
    const item = viewer.getByTestId('subscriptions').locator('li').filter({ hasText: 'Mina Sings' });
    await item.getByText('Fan · 100 coins a month').waitFor();
    await item.getByText('1 month in a row').waitFor();
    await waitForText(item.getByTestId('subscription-detail'), /^Renews on \w{3} \d{1,2}, \d{4} for 100 coins\.$/);

    await item.getByRole('button', { name: 'Change tier' }).click();
    await item.getByText('Up at once: you pay the difference for the rest of this month now, then 300 coins a month.').waitFor();
    await item.getByLabel(/Super fan/).check();
    await item.getByRole('button', { name: 'Change tier' }).click();
    await item.getByText(/^Now Super fan: paid \d+ coins for the rest of this month\.$/).waitFor();
    await item.getByText('Super fan · 300 coins a month').waitFor();

    await item.getByRole('button', { name: 'Cancel' }).click();
    const dialog = viewer.getByRole('dialog');
    await dialog.getByText(/You keep the perks until \w{3} \d{1,2}, \d{4} and nothing more is charged/).waitFor();
    await dialog.getByTestId('confirm').click();
    await waitForText(item.getByTestId('subscription-detail'), /^Ends on \w{3} \d{1,2}, \d{4}\. Nothing more is charged\.$/);
    await item.getByText('Cancelled', { exact: true }).waitFor();
    await shoot(viewer, 'wallet-subscriptions');
    const [subscription] = (await web.t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: viewerUser.headers })).json().subscriptions;
    assert.equal(subscription.cancelAtPeriodEnd, true);
    assert.equal(subscription.hasAccess, true, 'cancelling keeps the perks until the period ends');

    await item.getByRole('button', { name: 'Resume' }).click();
    await waitForText(item.getByTestId('subscription-detail'), /^Renews on /);
    await item.getByRole('button', { name: 'Cancel' }).click();
    await viewer.getByRole('dialog').getByTestId('confirm').click();
    await waitForText(item.getByTestId('subscription-detail'), /^Ends on /);
  });

  it('the creator sees the subscriber with their months, and the diamonds the months paid', async () => {
    const diamonds = await diamondsOf(creator);
    assert.ok(diamonds > 0, `the months paid ${diamonds} diamonds`);
    await creatorPage.goto(url('/studio/subscriptions'));
    const row = creatorPage.getByTestId('subscribers').locator('tr').filter({ hasText: 'Ada Fan' });
    await row.waitFor();
    assert.match((await row.textContent())!, /Super fan\s*1 month\s*1 month\s*Ends/);
    await waitForText(creatorPage.getByTestId('subscriptions-diamonds'), `${diamonds.toLocaleString('en-US')} diamonds`);
    await shoot(creatorPage, 'studio-subscribers');
  });

  it('an admin lists subscriptions by status and ends one now, and marks a gift for subscribers only', async () => {
    const email = uniqueEmail('operator');
    const { user, twoFactor } = await web.t.accounts.createAdmin({ email, password: STRONG_PASSWORD, displayName: 'Operator' });
    operator = { id: user.id, email, secret: twoFactor!.secret };
    const admin = await web.open(DESKTOP);
    await signIn(admin, web.origin, email, new TOTP({ secret: Secret.fromBase32(twoFactor!.secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    await admin.goto(url('/admin'));
    await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Subscriptions' }).click();
    await admin.getByLabel('Status').selectOption('active');
    const row = admin.getByTestId('admin-subscriptions').locator('tr').filter({ hasText: 'Ada Fan' });
    await row.filter({ hasText: 'Mina Sings' }).waitFor();
    assert.doesNotMatch((await row.textContent())!, /usr_|sub_|\d{4}-\d{2}-\d{2}T/, 'names and dates in words, not ids or timestamps');
    await shoot(admin, 'admin-subscriptions');
    await row.getByRole('button', { name: 'End now' }).click();
    await admin
      .getByRole('dialog')
      .getByText(/End Ada Fan's Super fan subscription to Mina Sings now\?/)
      .waitFor();
    await admin.getByRole('dialog').getByTestId('confirm').click();
    await row.getByText('Ended', { exact: true }).waitFor();
    const [subscription] = (await web.t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: viewerUser.headers })).json().subscriptions;
    assert.deepEqual([subscription.status, subscription.endedReason], ['ended', 'closed_by_admin']);

    // A gift only subscribers may send: the catalog marks it, and the room says so on the gift.
    await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Catalog' }).click();
    await admin.getByLabel('Only viewers subscribed to the creator may send Lion').check();
    await admin.getByText('Lion is for subscribers only.').waitFor();
    const lion = (await web.t.app.inject({ method: 'GET', url: '/api/v1/gifts' })).json().gifts.find((gift: { id: string }) => gift.id === 'gift_lion');
    assert.equal(lion.subscribersOnly, true);
    await phone.reload();
    await phone.getByRole('button', { name: 'Lion, 29,999 coins, for subscribers' }).waitFor();
  });

  it('a renewal that failed says payment is due with the date to renew by, offers a recharge, and renews once paid', async () => {
    // Bo subscribes at 300 coins a month, then spends most of the rest, so the next month cannot be paid.
    await buyCoins(web.t, poor, ['pkg_web_700']);
    const subscribed = await web.t.app.inject({
      method: 'POST',
      url: '/api/v1/subscriptions',
      headers: { ...poor.headers, 'idempotency-key': `sub-${poor.id}` },
      payload: { creatorId: creator.id, level: 2 },
    });
    assert.equal(subscribed.statusCode, 201, subscribed.body);
    const gift = await web.t.app.inject({
      method: 'POST',
      url: `/api/v1/lives/${liveId}/gifts`,
      headers: { ...poor.headers, 'idempotency-key': `gift-${poor.id}` },
      payload: { giftId: 'gift_money_gun', quantity: 1 },
    });
    assert.equal(gift.statusCode, 201, gift.body);
    web.t.clock.advance(Date.parse(subscribed.json().subscription.currentPeriodEnd) - web.t.clock.now().getTime() + 1000);
    await web.t.services.subscriptions.renewDue();
    const pastDue = (await web.t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: poor.headers })).json().subscriptions[0];
    assert.equal(pastDue.status, 'past_due');

    await phone.goto(url('/wallet/subscriptions'));
    const item = phone.getByTestId('subscriptions').locator('li').filter({ hasText: 'Mina Sings' });
    await waitForText(item.getByTestId('subscription-detail'), /^Payment due — renew by \w{3} \d{1,2}, \d{4} to keep it\.$/);
    await item.getByRole('button', { name: 'Renew for 300 coins' }).click();
    await item.getByText(/The renewal costs 300 coins and you have 40\./).waitFor();
    await shoot(phone, 'wallet-subscriptions-past-due');
    await item.getByRole('button', { name: 'Recharge' }).click();
    await phone.getByTestId('recharge').getByTestId('package-pkg_web_700').waitFor();
    await phone.getByTestId('recharge').getByRole('button', { name: 'Close' }).click();
    await buyCoins(web.t, poor, ['pkg_web_700']);
    await item.getByRole('button', { name: 'Renew for 300 coins' }).click();
    await item.getByText('Paid 300 coins: renewed.').waitFor();
    await waitForText(item.getByTestId('subscription-detail'), /^Renews on /);
    await item.getByText('2 months in a row').waitFor();
  });

  it('the platform’s premium membership is listed as a membership, without a creator’s handle or a change of tier', async () => {
    const admin = await logIn(web.t, operator.email, STRONG_PASSWORD, operator.id, { totp: totpCode(web.t, operator.secret) });
    const plan = await web.t.app.inject({
      method: 'PUT',
      url: '/api/v1/admin/premium',
      headers: admin.headers,
      payload: { name: 'Ovation Premium', priceCoins: 300, perks: ['No ads'], open: true, purchaseBonusPercent: 10, adFree: true, badge: '⭐' },
    });
    assert.equal(plan.statusCode, 200, plan.body);
    const joined = await web.t.app.inject({ method: 'POST', url: '/api/v1/premium', headers: { ...poor.headers, 'idempotency-key': `premium-${poor.id}` }, payload: {} });
    assert.equal(joined.statusCode, 201, joined.body);
    await phone.reload();
    const item = phone.getByTestId('subscriptions').locator('li').filter({ hasText: 'Ovation Premium' });
    await item.getByText('Premium membership').waitFor();
    await waitForText(item.getByTestId('subscription-detail'), /^Renews on .* for 300 coins\.$/);
    assert.equal(await item.getByRole('button', { name: 'Change tier' }).count(), 0);
    assert.doesNotMatch((await item.textContent())!, /@/);
    await item.getByRole('button', { name: 'Cancel' }).click();
    await phone
      .getByRole('dialog')
      .getByText(/^Cancel your Ovation Premium membership\? You keep the perks until/)
      .waitFor();
    await phone.getByRole('dialog').getByTestId('confirm').click();
    await waitForText(item.getByTestId('subscription-detail'), /^Ends on /);
    await shoot(phone, 'wallet-subscriptions-premium');
  });

  it('no script errors or CSP violations, and no serious accessibility problem on the pages shot', () => {
    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
  });
});
