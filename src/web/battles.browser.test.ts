import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signUpAndLogIn, signUpCreator, type SignedInUser } from '../accounts/testing/users.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { apiWordingOn, browserSuite, DESKTOP, signIn, waitForText, webAppUnderTest } from './testing/web-app.js';

const { skip } = await webAppUnderTest();

describe('the web app in Chromium: guests on stage and a battle between two lives', { skip }, () => {
  const web = browserSuite({ env: { LIVE_CREATOR_TIMEOUT_MS: '3600000' } });

  async function startLive(creator: SignedInUser, title: string): Promise<string> {
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title } });
    assert.equal(live.statusCode, 201, live.body);
    return live.json().live.id;
  }

  async function room(liveId: string): Promise<Page> {
    const page = await web.open(DESKTOP);
    await page.goto(`${web.origin}/live/${liveId}`);
    await page.locator('[data-connection="live"]').waitFor();
    return page;
  }

  it('shows a viewer the guests on stage as tiles, and a gift sent with a guest chosen pays the guest', { timeout: 60_000 }, async () => {
    const nora = await signUpCreator(web.t, { displayName: 'Nora Hosts' });
    const lea = await signUpCreator(web.t, { displayName: 'Lea Guest' });
    const noraLive = await startLive(nora, 'Duets');
    const viewer = await signUpAndLogIn(web.t, { displayName: 'Vic Viewer' });
    await buyCoins(web.t, viewer, ['pkg_web_700']);
    const page = await web.open(DESKTOP);
    await signIn(page, web.origin, viewer.email);
    await page.goto(`${web.origin}/live/${noraLive}`);
    await page.locator('[data-connection="live"]').waitFor();

    assert.equal((await web.t.app.inject({ method: 'POST', url: `/api/v1/lives/${noraLive}/guests`, headers: nora.headers, payload: { userId: lea.id } })).statusCode, 201);
    assert.equal((await web.t.app.inject({ method: 'POST', url: `/api/v1/lives/${noraLive}/guests/accept`, headers: lea.headers })).statusCode, 200);
    // The room hears the stage changed, and shows the guest's tile.
    await page.getByRole('button', { name: 'Lea Guest' }).click();
    await waitForText(page.locator('#gifts-title'), 'Send a gift to Lea Guest');
    const diamondsOf = async (creator: SignedInUser): Promise<number> => (await web.t.app.inject({ method: 'GET', url: '/api/v1/wallet', headers: creator.headers })).json().diamonds;
    await page.locator('[data-gift-id="gift_perfume"]').click();
    await page.getByTestId('send-gift').click();
    await waitForText(page.locator('.gifts .success'), 'Sent Perfume');
    assert.ok((await diamondsOf(lea)) > 0, 'the guest was paid');
    assert.equal(await diamondsOf(nora), 0, 'the host was not');
    assert.deepEqual(await apiWordingOn(page), []);
  });

  it('shows both rooms the battle bar moving as a viewer gifts each side, then the result', { timeout: 60_000 }, async () => {
    const mina = await signUpCreator(web.t, { displayName: 'Mina Sings' });
    const theo = await signUpCreator(web.t, { displayName: 'Theo Plays' });
    const [minaLive, theoLive] = await Promise.all([startLive(mina, 'Songs'), startLive(theo, 'Speedruns')]);
    const ada = await signUpAndLogIn(web.t, { displayName: 'Ada Giver' });
    await buyCoins(web.t, ada, ['pkg_web_700']);
    const [minaRoom, theoRoom] = await Promise.all([room(minaLive), room(theoLive)]);

    const proposed = await web.t.app.inject({ method: 'POST', url: '/api/v1/battles', headers: mina.headers, payload: { liveId: minaLive, opponentLiveId: theoLive, durationSeconds: 60 } });
    assert.equal(proposed.statusCode, 201, proposed.body);
    const accepted = await web.t.app.inject({ method: 'POST', url: `/api/v1/battles/${proposed.json().battle.id}/accept`, headers: theo.headers });
    assert.equal(accepted.statusCode, 200, accepted.body);
    const battle = accepted.json().battle;
    for (const page of [minaRoom, theoRoom]) await page.getByTestId('battle-bar').waitFor();
    web.t.clock.advance(Date.parse(battle.startsAt) - web.t.clock.now().getTime() + 10);

    let key = 0;
    const gift = async (liveId: string, giftId: string) => {
      const sent = await web.t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/gifts`, headers: { ...ada.headers, 'idempotency-key': `battle-${++key}` }, payload: { giftId } });
      assert.equal(sent.statusCode, 201, sent.body);
    };
    await gift(minaLive, 'gift_doughnut');
    await gift(theoLive, 'gift_perfume');
    // Each room sees its own side's score and the other's.
    await waitForText(minaRoom.getByTestId('battle-score-here'), '30');
    await waitForText(minaRoom.getByTestId('battle-score-other'), '20');
    await waitForText(theoRoom.getByTestId('battle-score-here'), '20');
    await waitForText(theoRoom.getByTestId('battle-score-other'), '30');
    await gift(theoLive, 'gift_perfume');
    await waitForText(minaRoom.getByTestId('battle-score-other'), '40');

    web.t.clock.advance(Date.parse(battle.endsAt) - web.t.clock.now().getTime());
    assert.equal((await web.t.services.battles.endDue()).length, 1);
    await waitForText(minaRoom.getByTestId('battle-result'), 'The other live won');
    await waitForText(theoRoom.getByTestId('battle-result'), 'This live won!');
    await waitForText(theoRoom.getByTestId('battle-bar'), 'Ada Giver');
    for (const page of [minaRoom, theoRoom]) assert.deepEqual(await apiWordingOn(page), []);
    assert.deepEqual(web.problems, []);
  });
});
