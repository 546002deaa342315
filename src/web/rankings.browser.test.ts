import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { periodStart } from '../status/periods.js';
import { browserSuite, DESKTOP, PHONE, shootBothWidths, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

const DAY_MS = 24 * 3_600_000;
/** Levels 2 to 50 every 100 coins, so a few gifts climb levels and 4,900 coins reach the top. */
const THRESHOLDS = Array.from({ length: 49 }, (_, index) => 100 * (index + 1));

describe('the web app in Chromium: rankings, top gifters and gifter levels', { skip }, () => {
  const web = browserSuite({ env: { LIVE_CREATOR_TIMEOUT_MS: '3600000', GIFTER_LEVEL_THRESHOLDS: THRESHOLDS.join(',') } });
  let mina: SignedInUser;
  let theo: SignedInUser;
  let minaHandle: string;
  let minaLive: string;
  let theoLive: string;
  /** Ada gifts both creators in their rooms; Bo gifts Mina less; Cy gifts enough for the top level. */
  let ada: SignedInUser;
  let bo: SignedInUser;
  let cy: SignedInUser;
  let adaPage: Page;
  const accessibility: string[] = [];
  const url = (path: string) => `${web.origin}${path}`;
  const shoot = (page: Page, name: string) => shootBothWidths(page, name, accessibility);

  /** A page whose clock reads the server's (moved) clock, as the reader's device would. */
  async function open(options: typeof DESKTOP | typeof PHONE): Promise<Page> {
    const page = await web.open(options);
    await page.context().clock.install({ time: web.t.clock.now() });
    return page;
  }

  async function startLive(creator: SignedInUser, title: string): Promise<string> {
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title } });
    assert.equal(live.statusCode, 201, live.body);
    return live.json().live.id;
  }

  /** Sends the gift from the room's panel and waits for the room's board to show `line`. */
  async function giftInRoom(page: Page, liveId: string, giftId: string, line: RegExp): Promise<void> {
    await page.goto(url(`/live/${liveId}`));
    await page.locator('[data-connection="live"]').waitFor();
    await page.locator(`[data-gift-id="${giftId}"]`).click();
    await page.getByTestId('send-gift').click();
    await waitForText(page.getByTestId('leaderboard'), line);
  }

  async function gift(viewer: SignedInUser, liveId: string, body: Record<string, unknown>): Promise<void> {
    const sent = await web.t.app.inject({
      method: 'POST',
      url: `/api/v1/lives/${liveId}/gifts`,
      headers: { ...viewer.headers, 'idempotency-key': `${viewer.id}-${JSON.stringify(body)}` },
      payload: body,
    });
    assert.equal(sent.statusCode, 201, sent.body);
  }

  const diamondsOf = async (creator: SignedInUser): Promise<number> => (await web.t.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: creator.headers })).json().diamonds;
  const diamondText = (diamonds: number) => `${diamonds.toLocaleString('en-US')} diamonds`;

  /** Each row of a ranked list as its cells' text: the rank, the name (and level badge) as read aloud, and the amount. */
  async function rowsOf(list: Locator, amount: '.diamonds' | '.coins'): Promise<string[][]> {
    const rows: string[][] = [];
    for (const row of await list.locator(':scope > li').all()) {
      // The name as read aloud: without what screen readers skip (the badge's short form).
      const cell = row.locator('.name');
      let name = (await cell.textContent())!;
      for (const hidden of await cell.locator('[aria-hidden="true"]').allTextContents()) name = name.replace(hidden, '');
      name = name.replace(/\s+/g, ' ').trim();
      rows.push([(await row.locator('.rank').textContent())!.trim(), name, (await row.locator(amount).textContent())!.trim()]);
    }
    return rows;
  }

  /** "Week of November 30": the Monday before `date`'s week, named in UTC as the app names weeks. */
  function previousWeekLabel(date: Date): string {
    const monday = new Date(Date.parse(periodStart('week', date)) - 7 * DAY_MS);
    const year = monday.getUTCFullYear() === date.getUTCFullYear() ? {} : { year: 'numeric' as const };
    return `Week of ${new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', month: 'long', day: 'numeric', ...year }).format(monday)}`;
  }

  before(async () => {
    // Wednesday noon (UTC) of next week: every gift lands well inside one hour, one day and one week, whenever the suite runs.
    const wednesdayNoon = Date.parse(periodStart('week', web.t.clock.now())) + 7 * DAY_MS + 2.5 * DAY_MS;
    web.t.clock.advance(wednesdayNoon - web.t.clock.now().getTime());
    mina = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    theo = await signUpCreator(web.t, { displayName: 'Theo Plays' });
    minaHandle = (await web.t.accounts.getUser(mina.id)).handle;
    minaLive = await startLive(mina, 'Songs at noon');
    theoLive = await startLive(theo, 'Speedruns');
    ada = await signUpAndLogIn(web.t, { displayName: 'Ada Giver' });
    bo = await signUpAndLogIn(web.t, { displayName: 'Bo Watcher' });
    cy = await signUpAndLogIn(web.t, { displayName: 'Cy Patron' });
    for (const viewer of [ada, bo]) await buyCoins(web.t, viewer, ['pkg_web_700']);
  });

  it('a viewer gifts two creators in their rooms, and Rankings lists the creators by diamonds for the hour, the day and the week', async () => {
    adaPage = await open(DESKTOP);
    await signIn(adaPage, web.origin, ada.email);
    await giftInRoom(adaPage, minaLive, 'gift_money_gun', /Ada Giver\s*500 coins/);
    await giftInRoom(adaPage, theoLive, 'gift_confetti', /Ada Giver\s*100 coins/);
    // From the room, the creator's own boards: Ada is Theo's only gifter, at level 7 with her 600 coins in all.
    await adaPage.getByRole('link', { name: 'Top gifters by day, week, month and all time' }).click();
    await adaPage.getByTestId('gifter-ranking').waitFor();
    assert.deepEqual(await rowsOf(adaPage.getByTestId('gifter-ranking'), '.coins'), [['1', 'Gifter level 7 Ada Giver', '100 coins']]);
    await gift(bo, minaLive, { giftId: 'gift_confetti' });
    const expected = [
      ['1', `Mina Sings @${minaHandle}`, diamondText(await diamondsOf(mina))],
      ['2', `Theo Plays @${(await web.t.accounts.getUser(theo.id)).handle}`, diamondText(await diamondsOf(theo))],
    ];

    await adaPage.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rankings' }).click();
    const ranking = adaPage.getByTestId('creator-ranking');
    const periodName = adaPage.getByTestId('period-name');
    await waitForText(periodName, 'Today');
    assert.deepEqual(await rowsOf(ranking, '.diamonds'), expected, 'the day opens first');
    for (const [tab, label] of [
      ['Hour', 'This hour'],
      ['Week', 'This week'],
    ] as const) {
      await adaPage.getByRole('navigation', { name: 'Top creators by period' }).getByRole('link', { name: tab, exact: true }).click();
      await waitForText(periodName, label);
      assert.deepEqual(await rowsOf(ranking, '.diamonds'), expected, label);
    }
    assert.equal(await adaPage.getByRole('link', { name: /Week of|This week/ }).count(), 0, 'no step forward from the present week');
    await shoot(adaPage, 'rankings');

    await adaPage.getByRole('link', { name: 'Previous week' }).click();
    await waitForText(periodName, previousWeekLabel(web.t.clock.now()));
    await adaPage.getByText('No creator has received gifts that week.').waitFor();
    await adaPage.getByRole('link', { name: 'This week', exact: true }).click();
    await waitForText(periodName, 'This week');
    assert.deepEqual(await rowsOf(ranking, '.diamonds'), expected);

    await ranking.getByRole('link', { name: 'Mina Sings' }).click();
    await adaPage.getByRole('heading', { name: 'Mina Sings', level: 1 }).waitFor();
    assert.equal(new URL(adaPage.url()).pathname, `/creators/${minaHandle}`);
  });

  it("the creator's page lists their top gifters with gifter levels for the day, the week, the month and all time", async () => {
    const board = adaPage.getByTestId('gifter-ranking');
    const periodName = adaPage.getByTestId('period-name');
    // Ada paid 600 coins in all (level 7 at 100 coins a level), 500 of them to Mina; Bo 100 (level 2).
    const expected = [
      ['1', 'Gifter level 7 Ada Giver', '500 coins'],
      ['2', 'Gifter level 2 Bo Watcher', '100 coins'],
    ];
    await board.waitFor();
    await waitForText(periodName, 'This week');
    assert.deepEqual(await rowsOf(board, '.coins'), expected, 'the week opens first');
    assert.deepEqual(await board.getByTestId('level-badge').locator('[aria-hidden="true"]').allTextContents(), ['Lv 7', 'Lv 2'], 'the badges read "Lv" and the level');
    for (const [tab, label] of [
      ['Day', 'Today'],
      ['Month', 'This month'],
    ] as const) {
      await adaPage.getByRole('navigation', { name: 'Top gifters by period' }).getByRole('link', { name: tab, exact: true }).click();
      await waitForText(periodName, label);
      assert.deepEqual(await rowsOf(board, '.coins'), expected, label);
    }
    await adaPage.getByRole('navigation', { name: 'Top gifters by period' }).getByRole('link', { name: 'All time', exact: true }).click();
    // All time has no period to name and none before it.
    await periodName.waitFor({ state: 'detached' });
    await board.waitFor();
    assert.deepEqual(await rowsOf(board, '.coins'), expected, 'all time');
    assert.equal(await adaPage.getByRole('link', { name: /^Previous/ }).count(), 0);
    await shoot(adaPage, 'creator-gifters');
    assert.doesNotMatch((await adaPage.locator('main').textContent())!, /usr_|live_|\d{4}-\d{2}-\d{2}T/);
  });

  it("on a phone, the wallet shows the viewer's level, the coins given and the way to the next level; at level 50, that it is the top", async () => {
    const phone = await open(PHONE);
    await signIn(phone, web.origin, ada.email);
    await phone.goto(url('/wallet'));
    const level = phone.getByTestId('gifter-level');
    await level.getByText('Level 7', { exact: true }).waitFor();
    await level.getByText('600 coins given to creators in gifts, paid messages and cheers.').waitFor();
    await waitForText(level.getByTestId('next-level'), /^100 more coins to level 8$/);
    const progress = level.getByRole('progressbar', { name: 'Coins given toward level 8' });
    assert.deepEqual([await progress.getAttribute('value'), await progress.getAttribute('max')], ['600', '700']);
    assert.equal(await level.getByTestId('level-badge').locator('[aria-hidden="true"]').textContent(), 'Lv 7');
    await shoot(phone, 'wallet-gifter-level');

    await buyCoins(web.t, cy, ['pkg_web_3500', 'pkg_web_3500']);
    await gift(cy, theoLive, { giftId: 'gift_galaxy', quantity: 5, confirm: true });
    const top = await open(PHONE);
    await signIn(top, web.origin, cy.email);
    await top.goto(url('/wallet'));
    await top.getByTestId('gifter-level').getByText('Level 50', { exact: true }).waitFor();
    await top.getByTestId('gifter-level').getByText('You have reached the top level. Thank you for every gift!').waitFor();
    assert.equal(await top.getByTestId('gifter-level').getByRole('progressbar').count(), 0, 'no bar past the top level');
    await shoot(top, 'wallet-gifter-level-top');
  });

  it('once the week is over, Rankings starts the new week empty and shows the last one under its date', async () => {
    const expected = [
      ['1', `Theo Plays @${(await web.t.accounts.getUser(theo.id)).handle}`, diamondText(await diamondsOf(theo))],
      ['2', `Mina Sings @${minaHandle}`, diamondText(await diamondsOf(mina))],
    ];
    const lastWeek = web.t.clock.now();
    // Monday 00:00 UTC, and a minute.
    web.t.clock.advance(Date.parse(periodStart('week', lastWeek)) + 7 * DAY_MS + 60_000 - lastWeek.getTime());
    const phone = await open(PHONE);
    await phone.goto(url('/rankings?period=week'));
    const periodName = phone.getByTestId('period-name');
    await waitForText(periodName, 'This week');
    await phone.getByText('No creator has received gifts yet this week.').waitFor();

    await phone.getByRole('link', { name: 'Previous week' }).click();
    await waitForText(periodName, previousWeekLabel(web.t.clock.now()));
    assert.deepEqual(await rowsOf(phone.getByTestId('creator-ranking'), '.diamonds'), expected);
    await shoot(phone, 'rankings-previous-week');

    await phone.getByRole('navigation', { name: 'Top creators by period' }).getByRole('link', { name: 'Day', exact: true }).click();
    await waitForText(periodName, 'Today');
    await phone.getByRole('link', { name: 'Previous day' }).click();
    await waitForText(periodName, 'Sunday, ');
    await phone.getByText('No creator has received gifts that day.').waitFor();
    await phone.getByRole('navigation', { name: 'Top creators by period' }).getByRole('link', { name: 'Hour', exact: true }).click();
    await waitForText(periodName, 'This hour');
    await phone.getByRole('link', { name: 'Previous hour' }).click();
    // The last hour of Sunday, in the reader's time (UTC here).
    await waitForText(periodName, /^\w{3}\s\d{1,2},\s11:00\sPM\s–\s\w{3}\s\d{1,2},\s12:00\sAM$/);

    await phone.goto(url(`/creators/${minaHandle}`));
    await phone.getByText('No gifts to Mina Sings yet this week.').waitFor();
    await phone.getByRole('navigation', { name: 'Top gifters by period' }).getByRole('link', { name: 'All time', exact: true }).click();
    await phone.getByTestId('gifter-ranking').waitFor();
    assert.equal(await phone.getByTestId('gifter-ranking').locator(':scope > li').count(), 2, 'all time never starts over');
  });

  it('no script errors or CSP violations, and no serious accessibility problem on the pages shot', () => {
    assert.deepEqual(web.problems, []);
    assert.deepEqual(accessibility, []);
  });
});
