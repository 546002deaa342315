import type { SignedInUser } from '../../accounts/testing/users.js';
import type { TestApp } from '../../server/testing/app.js';
import { SANDBOX_SIGNATURE_HEADER } from '../sandbox.js';

/** The card's issuer disputes the buyer's first purchase: the sandbox records it as the card network reports it, then its signed webhook arrives. */
export async function deliverDispute(t: TestApp, buyer: SignedInUser) {
  const order = await t.db.kysely.selectFrom('orders').select('id').where('user_id', '=', buyer.id).orderBy('created_at').executeTakeFirstOrThrow();
  await t.db.kysely.updateTable('sandbox_payments').set({ status: 'disputed' }).where('order_id', '=', order.id).execute();
  const payment = await t.sandbox.paymentForOrder(order.id);
  const body = JSON.stringify({ id: `evt_dispute_${order.id}`, type: 'payment.disputed', data: { paymentId: payment!.id, orderId: order.id, failureCode: null } });
  const response = await t.app.inject({
    method: 'POST',
    url: '/api/v1/webhooks/sandbox',
    headers: { 'content-type': 'application/json', [SANDBOX_SIGNATURE_HEADER]: t.sandbox.sign(body) },
    payload: body,
  });
  return { orderId: order.id, response };
}
