import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSignedInAdmin, signUpAndLogIn } from '../accounts/testing/users.js';
import { enginesUnderTest } from '../db/testing/databases.js';
import { buyCoins } from '../gifts/testing/payments.js';
import { createTestApp, type TestApp } from '../server/testing/app.js';
import { verifyWebhookSignature } from '../webhooks/signing.js';
import { startReceiver, type Receiver } from '../webhooks/testing/receiver.js';
import { deliverDispute } from './testing/disputes.js';

interface OrderEvent {
  id: string;
  type: string;
  data: { id: string; status: string; userId: string; coins: number; totalCoins: number; price: { amount: number; currency: string } };
}

for (const { engine, skip } of await enginesUnderTest()) {
  describe(`order webhooks on ${engine}`, { skip }, () => {
    let t: TestApp;
    let receiver: Receiver;
    before(async () => {
      t = await createTestApp(engine, { env: { WEBHOOKS_ALLOW_INSECURE_URLS: 'true' } });
      receiver = await startReceiver();
    });
    after(async () => {
      await receiver?.close();
      await t?.destroy();
    });

    it('a paid order, an admin refund and a chargeback each reach a subscribed endpoint once, signed, with the order in its new status', async () => {
      const admin = await createSignedInAdmin(t);
      const registered = await t.app.inject({
        method: 'POST',
        url: '/api/v1/admin/webhooks',
        headers: admin.headers,
        payload: { url: receiver.url, eventTypes: ['order.paid', 'order.refunded', 'order.disputed'] },
      });
      assert.equal(registered.statusCode, 201, registered.body);
      const { secret } = registered.json().endpoint;

      const refunded = await signUpAndLogIn(t);
      await buyCoins(t, refunded, ['pkg_web_700']);
      const [refundedOrder] = (await t.app.inject({ method: 'GET', url: '/api/v1/orders', headers: refunded.headers })).json().orders;
      // "Where are my coins?" after the webhook credited it: no second order.paid.
      await t.app.inject({ method: 'POST', url: `/api/v1/orders/${refundedOrder.id}/check`, headers: refunded.headers });
      const refund = await t.app.inject({ method: 'POST', url: `/api/v1/admin/orders/${refundedOrder.id}/refund`, headers: admin.headers, payload: { reason: 'Bought by mistake.' } });
      assert.equal(refund.statusCode, 200, refund.body);

      const disputed = await signUpAndLogIn(t);
      await buyCoins(t, disputed, ['pkg_web_350']);
      const { orderId: disputedOrder, response } = await deliverDispute(t, disputed);
      assert.equal(response.statusCode, 200, response.body);

      await t.sandbox.idle();
      await t.relay.idle();
      await t.webhooks.deliverDue();
      const events = receiver.received.map((delivery) => {
        assert.equal(verifyWebhookSignature(secret, String(delivery.headers['ovation-signature']), delivery.body, { now: t.clock.now() }).valid, true);
        return JSON.parse(delivery.body) as OrderEvent;
      });
      const summary = events.map((event) => [event.type, event.data.id, event.data.status, event.data.userId]).sort((a, b) => `${a[1]}${a[0]}`.localeCompare(`${b[1]}${b[0]}`));
      const expected = [
        ['order.paid', refundedOrder.id, 'succeeded', refunded.id],
        ['order.refunded', refundedOrder.id, 'refunded', refunded.id],
        ['order.paid', disputedOrder, 'succeeded', disputed.id],
        ['order.disputed', disputedOrder, 'disputed', disputed.id],
      ].sort((a, b) => `${a[1]}${a[0]}`.localeCompare(`${b[1]}${b[0]}`));
      assert.deepEqual(summary, expected);
      const paid = events.find((event) => event.type === 'order.paid' && event.data.id === refundedOrder.id)!;
      assert.deepEqual([paid.data.coins, paid.data.totalCoins, paid.data.price], [700, 840, { amount: 740, currency: 'USD' }]);
    });
  });
}
