import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpCreator } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { viewerWithCoins } from '../gifts/testing/payments.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { verifyWebhookSignature } from './signing.js';
import { startReceiver, type Receiver } from './testing/receiver.js';

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`webhooks from what happens in lives, on ${engine}`, { skip }, () => {
    let t: TestApp;
    let receiver: Receiver;
    before(async () => {
      t = await createTestApp(engine, { env: { WEBHOOKS_ALLOW_INSECURE_URLS: 'true', STORE_NEW_ACCOUNT_DAILY_PURCHASES: '50' } });
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await t?.destroy();
    });

    it('going live, a gift and the end reach a subscribed endpoint once each, signed, from the outbox', async () => {
      const admin = await createSignedInAdmin(t);
      const registered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/webhooks',
        headers: admin.headers,
        payload: { url: receiver.url, eventTypes: ['live.started', 'gift.sent', 'live.ended'] },
      });
      assert.equal(registered.statusCode, 201, registered.body);
      const { secret } = registered.json().endpoint;

      const creator = await signUpCreator(t);
      const viewer = await viewerWithCoins(t);
      const live = (await t.app.inject({ method: 'POST', url: '/api/v1/lives', headers: creator.headers, payload: { title: 'Hooked' } })).json().live;
      const gift = await t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${live.id}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': 'hooked-gift' },
        payload: { giftId: 'gift_doughnut', quantity: 2 },
      });
      assert.equal(gift.statusCode, 201, gift.body);
      // The same gift again (a client retry) is no new event.
      await t.app.inject({
        method: 'POST',
        url: `/api/v1/lives/${live.id}/gifts`,
        headers: { ...viewer.headers, 'idempotency-key': 'hooked-gift' },
        payload: { giftId: 'gift_doughnut', quantity: 2 },
      });
      await t.app.inject({ method: 'POST', url: `/api/v1/lives/${live.id}/end`, headers: creator.headers });
      await t.relay.idle();
      await t.webhooks.deliverDue();

      const events = receiver.received.map((delivery) => {
        const verified = verifyWebhookSignature(secret, String(delivery.headers['ovation-signature']), delivery.body, { now: t.clock.now() });
        assert.equal(verified.valid, true, JSON.stringify(verified));
        return JSON.parse(delivery.body) as { id: string; type: string; data: Record<string, unknown> };
      });
      assert.deepEqual(events.map((event) => event.type).sort(), ['gift.sent', 'live.ended', 'live.started']);
      const sent = events.find((event) => event.type === 'gift.sent')!;
      assert.equal(sent.data.coins, 60);
      assert.equal(sent.data.senderId, viewer.id);
      assert.equal(sent.id, `evt_${gift.json().gift.transferId.slice(3)}_1`, 'the id is the outbox message’s, stable across relays');
      assert.equal(events.find((event) => event.type === 'live.ended')!.data.endReason, 'creator');

      // Relayed again (as after a crash), nothing is delivered twice.
      await t.db.kysely.updateTable('outbox').set({ published_at: null }).execute();
      t.clock.advance(60_000);
      await t.relay.sweep();
      await t.webhooks.deliverDue();
      assert.equal(receiver.received.length, 3);
    });
  });
}
