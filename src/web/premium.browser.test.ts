import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, STRONG_PASSWORD, uniqueEmail, type SignedInUser } from '../accounts/testing/users.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { saveScreenshot } from '../server/testing/browser.js';
import { browserSuite, checkPage, DESKTOP, PHONE, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: gifted subscriptions and the premium plan', { skip }, () => {
  const web = browserSuite({ env: { LIVE_CREATOR_TIMEOUT_MS: '3600000' } });
  let liveId: string;
  /** Ada gifts; Bo (on a phone) and Cy watch without a subscription; Di picks Ada from the chat on a phone. */
  let ada: SignedInUser;
  let bo: SignedInUser;
  let cy: SignedInUser;
  let di: SignedInUser;
  let adaPage: Page;
  let boPhone: Page;
  let cyPage: Page;
  const accessibility: string[] = [];
  const url = (path: string) => `${web.origin}${path}`;
  const shoot = (page: Page, name: string) => shootBothWidths(page, name, accessibility);

  async function joinLive(page: Page, user: SignedInUser): Promise<void> {
    await signIn(page, web.origin, user.email);
    await page.goto(url(`/live/${liveId}`));
    await page.locator('[data-connection="live"]').waitFor();
  }

  before(async () => {
    const creator = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    const tiers = await web.t.app.inject({
      method: 'PUT',
      url: '/api/v1/creator/subscription-tiers',
      headers: creator.headers,
      payload: {
        tiers: [
          { level: 1, name: 'Fan', priceCoins: 100, perks: ['Badge in chat'] },
          { level: 2, name: 'Super fan', priceCoins: 300, perks: ['Badge in chat', 'A shout-out'] },
        ],
      },
    });
    assert.equal(tiers.statusCode, 200, tiers.body);
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Songs to share' } });
    assert.equal(live.statusCode, 201, live.body);
    liveId = live.json().live.id;
    ada = await signUpAndLogIn(web.t, { displayName: 'Ada Giver' });
    await buyCoins(web.t, ada, ['pkg_web_700']);
    bo = await signUpAndLogIn(web.t, { displayName: 'Bo Watcher' });
    cy = await signUpAndLogIn(web.t, { displayName: 'Cy Watcher' });
    di = await signUpAndLogIn(web.t, { displayName: 'Di Phone' });
  });

  it('a viewer gifts a month to two viewers drawn from the room, who then see "Subscribed" and carry the badge', async () => {
    boPhone = await web.open(PHONE);
    cyPage = await web.open(DESKTOP);
    adaPage = await web.open(DESKTOP);
    await joinLive(boPhone, bo);
    await joinLive(cyPage, cy);
    await joinLive(adaPage, ada);
    await waitForText(adaPage.getByTestId('viewers'), '3');

    await adaPage.getByTestId('subscribe').click();
    await adaPage.getByTestId('subscribe-sheet').getByRole('button', { name: 'Gift subscriptions' }).click();
    const sheet = adaPage.getByTestId('gift-subscriptions');
    await sheet.getByText('Viewers in the room').waitFor();
    // Five is the default; only two viewers here have no subscription, and the refusal says so in words.
    await waitForText(sheet.getByTestId('gift-summary'), 'You pay 500 coins once: a month of Fan for each of 5 viewers drawn at random from the room');
    await sheet.getByRole('button', { name: 'Gift 5 subscriptions for 500 coins' }).click();
    await sheet.getByRole('alert').filter({ hasText: 'Only 2 viewers in the room can be given a subscription right now; gift that many.' }).waitFor();

    await sheet.getByLabel('Number of viewers').fill('2');
    await waitForText(
      sheet.getByTestId('gift-summary'),
      /^You pay 200 coins once: a month of Fan for each of 2 viewers drawn at random from the room, among those without a subscription to Mina Sings\.\s+Your balance: 840 coins\.$/,
    );
    await saveScreenshot(adaPage, 'live-room-gift-subscriptions-desktop', { fullPage: false });
    await checkPage(adaPage, 'gift subscriptions sheet (desktop)', accessibility);
    await sheet.getByRole('button', { name: 'Gift 2 subscriptions for 200 coins' }).click();
    const done = sheet.getByTestId('gift-subscriptions-done');
    await done.getByText(/^You gifted a month of Fan to (Bo Watcher and Cy Watcher|Cy Watcher and Bo Watcher) for 200 coins\./).waitFor();
    const received = await done.getByRole('list', { name: 'Viewers who received it' }).locator('li').allTextContents();
    assert.deepEqual(received.sort(), ['Bo Watcher', 'Cy Watcher']);
    assert.doesNotMatch((await done.textContent())!, /usr_|sub_|\d{4}-\d{2}-\d{2}T/);
    await saveScreenshot(adaPage, 'live-room-gift-subscriptions-done-desktop', { fullPage: false });
    await sheet.getByRole('button', { name: 'Done' }).click();
    await waitForText(adaPage.getByTestId('balance'), '640');

    for (const page of [boPhone, cyPage]) {
      await page.getByTestId('subscribed').filter({ hasText: 'Subscribed · Fan' }).waitFor();
      await page
        .getByTestId('chat')
        .getByText(/Ada Giver gifted 1 month of Fan to/)
        .waitFor();
    }
    await boPhone.getByLabel('Message', { exact: true }).fill('Thank you Ada!');
    await boPhone.getByRole('button', { name: 'Send', exact: true }).click();
    const line = cyPage.getByTestId('chat').locator('li', { hasText: 'Thank you Ada!' });
    await line.getByTestId('subscriber-badge').filter({ hasText: '1 month' }).waitFor();
    await saveScreenshot(boPhone, 'live-room-gifted-phone', { fullPage: false });
  });

  it('on a phone, a viewer picks another from the chat, is offered a recharge, then gifts them three months', async () => {
    await adaPage.getByLabel('Message', { exact: true }).fill('Happy to share!');
    await adaPage.getByRole('button', { name: 'Send', exact: true }).click();
    const phone = await web.open(PHONE);
    await joinLive(phone, di);
    const chat = phone.getByTestId('chat');

    // Bo subscribes now: his name says so rather than offer a gift the server would refuse.
    await chat.locator('li', { hasText: 'Thank you Ada!' }).getByRole('button', { name: 'Bo Watcher', exact: true }).click();
    await chat.getByTestId('name-menu').getByText('Bo Watcher already subscribes.').waitFor();
    await chat.getByRole('button', { name: 'Close the menu for Bo Watcher' }).click();

    await chat.locator('li', { hasText: 'Happy to share!' }).getByRole('button', { name: 'Ada Giver', exact: true }).click();
    await chat.getByTestId('name-menu').getByRole('button', { name: 'Gift a subscription' }).click();
    const sheet = phone.getByTestId('gift-subscriptions');
    await sheet.getByLabel('Months', { exact: true }).selectOption('3');
    await waitForText(sheet.getByTestId('gift-summary'), /^You pay 300 coins once: 3 months of Fan for Ada Giver\.\s+Your balance: 0 coins\.$/);
    await sheet.getByText('You need 300 coins more for this gift.').waitFor();
    await saveScreenshot(phone, 'live-room-gift-subscriptions-phone', { fullPage: false });
    await checkPage(phone, 'gift subscriptions sheet (phone)', accessibility);
    await sheet.getByRole('button', { name: 'Recharge' }).click();
    await phone.getByTestId('recharge').getByTestId('package-pkg_web_700').waitFor();
    await phone.getByTestId('recharge').getByRole('button', { name: 'Close' }).click();

    await buyCoins(web.t, di, ['pkg_web_700']);
    await phone.reload();
    await phone.locator('[data-connection="live"]').waitFor();
    await chat.locator('li', { hasText: 'Happy to share!' }).getByRole('button', { name: 'Ada Giver', exact: true }).click();
    await chat.getByTestId('name-menu').getByRole('button', { name: 'Gift a subscription' }).click();
    await sheet.getByLabel('Months', { exact: true }).selectOption('3');
    await sheet.getByRole('button', { name: 'Gift 3 months for 300 coins' }).click();
    await sheet.getByText('You gifted 3 months of Fan to Ada Giver for 300 coins.', { exact: false }).waitFor();
    await saveScreenshot(phone, 'live-room-gift-subscriptions-done-phone', { fullPage: false });
    await adaPage.getByTestId('subscribed').filter({ hasText: 'Subscribed · Fan' }).waitFor();
    const [gifted] = (await web.t.app.inject({ method: 'GET', url: '/api/v1/subscriptions', headers: ada.headers })).json().subscriptions;
    assert.deepEqual([gifted.tier.name, gifted.cancelAtPeriodEnd], ['Fan', true], 'gifted months never charge their recipient');
  });

  it('an admin sets up the premium plan, with refusals under the field they concern', async () => {
    const email = uniqueEmail('operator');
    const { twoFactor } = await web.t.accounts.createAdmin({ email, password: STRONG_PASSWORD, displayName: 'Operator' });
    const admin = await web.open(DESKTOP);
    await signIn(admin, web.origin, email, new TOTP({ secret: Secret.fromBase32(twoFactor!.secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate());
    await admin.goto(url('/admin'));
    await admin.getByRole('navigation', { name: 'Admin console' }).getByRole('link', { name: 'Premium' }).click();
    await admin.getByText('No plan yet: viewers see no premium page until you set one up and open it.').waitFor();
    const form = admin.getByTestId('premium-form');
    await form.getByLabel('Name').fill('Ovation Premium');
    await form.getByLabel('Monthly price (coins)').fill('300');
    await form.getByLabel('Perks').fill('No ads\nPriority support');
    await form.getByLabel('Purchase bonus (%)').fill('150');
    await form.getByRole('button', { name: 'Set up the plan' }).click();
    const bonusField = form.getByLabel('Purchase bonus (%)');
    await form.getByRole('alert').filter({ hasText: 'The purchase bonus is a whole percent from 0 to 100.' }).waitFor();
    assert.equal(await bonusField.getAttribute('aria-invalid'), 'true');
    await bonusField.fill('10');
    await form.getByLabel('Ad-free').check();
    await form.getByRole('button', { name: 'Set up the plan' }).click();
    await form.getByText('Saved. Ovation Premium is open to new members.').waitFor();
    const { plan } = (await web.t.app.inject({ method: 'GET', url: '/api/v1/premium' })).json();
    assert.deepEqual(
      [plan.name, plan.priceCoins, plan.perks, plan.open, plan.purchaseBonusPercent, plan.adFree, plan.badge],
      ['Ovation Premium', 300, ['No ads', 'Priority support'], true, 10, true, '⭐'],
    );
    await shoot(admin, 'admin-premium');
  });

  it('a viewer finds the plan from the wallet, joins it, and sees the membership and the bonus', async () => {
    await buyCoins(web.t, cy, ['pkg_web_700']);
    await cyPage.goto(url('/wallet'));
    const card = cyPage.getByTestId('premium-card');
    await card.getByText('300 coins a month · 10% more coins on every purchase.').waitFor();
    await card.getByRole('link', { name: 'About Ovation Premium' }).click();
    const page = cyPage.getByTestId('premium');
    await page.getByRole('heading', { name: 'Ovation Premium' }).waitFor();
    const perks = await page.getByTestId('premium-perks').locator('li').allTextContents();
    assert.deepEqual(
      perks.map((perk) => perk.replace(/\s+/g, ' ').trim()),
      ['No ads', 'Priority support', 'The member badge ⭐', '10% more coins on every coin purchase'],
    );
    await waitForText(page.getByTestId('premium-summary'), /^You pay 300 coins now, then 300 coins every month on the same day until you cancel\.\s+Your balance: \d[\d,]* coins\.$/);
    await shoot(cyPage, 'premium');
    await page.getByRole('button', { name: 'Join for 300 coins' }).click();
    const membership = page.getByTestId('premium-membership');
    await membership.getByText('Welcome to Ovation Premium! Your membership starts now.').waitFor();
    await membership.getByText(/^⭐ Member until \w{3} \d{1,2}, \d{4}$/).waitFor();
    await membership.getByText('It renews then for 300 coins, and every month after until you cancel.').waitFor();
    const entitlements = (await web.t.app.inject({ method: 'GET', url: '/api/v1/me/entitlements', headers: cy.headers })).json().premium;
    assert.deepEqual([entitlements.active, entitlements.renews, entitlements.badge], [true, true, '⭐']);
    await shoot(cyPage, 'premium-member');

    await membership.getByRole('link', { name: 'Manage your membership in My subscriptions' }).click();
    await cyPage.getByTestId('subscriptions').locator('li').filter({ hasText: 'Ovation Premium' }).getByText('Premium membership').waitFor();
    await cyPage.goto(url('/wallet'));
    await cyPage.getByTestId('premium-bonus').getByText('Your Ovation Premium membership adds 10% more coins to every purchase.').waitFor();
    await card.getByText(/^Member until \w{3} \d{1,2}, \d{4} · renews every month$/).waitFor();
    await shoot(cyPage, 'wallet-premium-member');

    // Cancelled under My subscriptions, the membership lasts the month paid and says it ends then.
    await cyPage.getByRole('navigation', { name: 'Wallet' }).getByRole('link', { name: 'My subscriptions' }).click();
    await cyPage.getByTestId('subscriptions').locator('li').filter({ hasText: 'Ovation Premium' }).getByRole('button', { name: 'Cancel' }).click();
    await cyPage.getByRole('dialog').getByTestId('confirm').click();
    await cyPage.getByTestId('subscriptions').locator('li').filter({ hasText: 'Ovation Premium' }).getByText('Cancelled', { exact: true }).waitFor();
    await cyPage.goto(url('/premium'));
    await membership.getByText('It ends then and will not renew; resume it in My subscriptions to keep it.').waitFor();
  });

  it('no script errors or CSP violations, and no serious accessibility problem on the pages shot', () => {
    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
  });
});
