import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { signUpAndLogIn, signUpCreator } from '../accounts/testing/users.js';
import { connectRoom } from '../live/testing/room-client.js';
import { browserSuite, DESKTOP, watchedPage, webAppUnderTest } from '../web/testing/web-app.js';

/** Sets a global if any browser ever runs it as markup rather than showing it as text. */
const PAYLOAD = '<img src=x onerror=window.__xss=1>';

const { skip } = await webAppUnderTest();

describe('script payloads in names, titles and chat render as text in the live room page', { skip }, () => {
  const web = browserSuite();

  it('a display name, a live title and a chat line holding markup are shown verbatim, and none of it runs', async () => {
    const creator = await signUpCreator(web.t, { displayName: PAYLOAD });
    const live = await web.t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: PAYLOAD } });
    assert.equal(live.statusCode, 201, live.body);
    const liveId = live.json().live.id as string;

    const talker = await signUpAndLogIn(web.t, { displayName: PAYLOAD });
    const ticket = await web.t.app.inject({ method: 'POST', url: `/api/v1/lives/${liveId}/tickets`, headers: talker.headers });
    assert.equal(ticket.statusCode, 201, ticket.body);
    const room = await connectRoom(`${web.origin.replace(/^http/, 'ws')}${ticket.json().url}`);
    try {
      await room.next((message) => message.type === 'welcome');
      assert.equal((await room.request({ type: 'chat', text: PAYLOAD })).type, 'ack');
    } finally {
      room.close();
    }

    const page = await watchedPage(await web.browser.newContext(DESKTOP), web.problems);
    await page.goto(`${web.origin}/live/${liveId}`);
    await page.locator('[data-connection="live"]').waitFor();
    // The newcomer's welcome carries the recent chat: the line and its author's name, as text.
    const chat = page.getByTestId('chat');
    await chat.getByText(PAYLOAD).first().waitFor();
    assert.ok((await chat.getByText(PAYLOAD).count()) >= 1);
    assert.ok((await page.getByText(PAYLOAD).count()) >= 2, 'the title or creator name is shown as text too');
    assert.equal(await page.locator('img[src="x"]').count(), 0, 'no element was made from the payload');
    assert.equal(await page.evaluate<unknown>('window.__xss'), undefined);
    assert.deepEqual(web.problems, []);
  });
});
