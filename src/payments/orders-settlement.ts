import { credit } from './orders-credit.js';
import { withClientSecret, type OrderRecords, type OrderRow } from './orders-records.js';
import type { Order } from './views.js';
import { clawBack } from './orders-refunds.js';
import type { PaymentEvent, PaymentProvider, ProviderPayment } from './provider.js';

/** Settling orders from what the providers say of their payments: webhooks, and a buyer's "where are my coins?". */
export interface OrderSettlement {
  /** A verified webhook event from one of the providers; the event id makes it once. */
  handleEvent(from: PaymentProvider, event: PaymentEvent): Promise<'processed' | 'duplicate' | 'unknown_order'>;
  /** "Where are my coins?": asks the provider now and settles the order if it was paid. */
  check(userId: string, orderId: string): Promise<Order>;
}

const FAILURE_MESSAGES: Record<string, string> = {
  card_declined: 'The card was declined. Try another card or payment method.',
  insufficient_funds: 'The card has insufficient funds.',
  authentication_failed: 'The card issuer could not confirm the payment.',
};

/** Brings an order in line with what the provider says about its payment. */
export async function applyPayment(records: OrderRecords, order: OrderRow, payment: ProviderPayment): Promise<OrderRow> {
  switch (payment.status) {
    case 'succeeded':
      return credit(records, order);
    case 'disputed':
      return clawBack(records, order);
    case 'refunded':
      // An admin's refund took the coins back before asking the provider: this is that refund, arriving.
      if (order.refund_transfer_id !== null && order.clawback_transfer_id === null) {
        await records.setStatus(order.id, 'refunded', ['succeeded']);
        return records.row(order.id);
      }
      return clawBack(records, order, 'provider_refund');
    case 'failed': {
      const code = payment.failureCode ?? 'payment_failed';
      const changed = await records.setStatus(order.id, 'failed', ['created', 'requires_action', 'processing'], {
        failure_code: code,
        failure_message: FAILURE_MESSAGES[code] ?? 'The payment failed.',
      });
      if (changed) records.deps.paymentFailed?.();
      return records.row(order.id);
    }
    case 'requires_action':
      await records.setStatus(order.id, 'requires_action', ['created', 'processing']);
      return records.row(order.id);
    case 'requires_payment_method':
      return order;
  }
}

export function createOrderSettlement(records: OrderRecords): OrderSettlement {
  const { db, now } = records.deps;
  const kysely = db.kysely;
  return {
    /** Idempotent: the event id is recorded after the work, so a crash in between redoes it. */
    async handleEvent(from, event) {
      const seen = await kysely.selectFrom('payment_events').select('event_id').where('provider', '=', from.name).where('event_id', '=', event.id).executeTakeFirst();
      if (seen) return 'duplicate';
      // Some events (a dispute) name only the payment, not the order.
      let order = await kysely.selectFrom('orders').selectAll().where('provider', '=', from.name).where('provider_payment_id', '=', event.paymentId).executeTakeFirst();
      if (!order && event.orderId !== '') {
        // A crash after the payment was made and before the order recorded it: the signed event names the order, which takes the payment now.
        await kysely
          .updateTable('orders')
          .set({ provider_payment_id: event.paymentId })
          .where('id', '=', event.orderId)
          .where('provider', '=', from.name)
          .where('provider_payment_id', 'is', null)
          .execute();
        order = await kysely.selectFrom('orders').selectAll().where('provider', '=', from.name).where('provider_payment_id', '=', event.paymentId).executeTakeFirst();
      }
      if (!order || (event.orderId !== '' && order.id !== event.orderId)) return 'unknown_order';
      // Events may arrive late or out of order: act on the payment's current state at the provider.
      const payment = await from.retrievePayment(event.paymentId);
      if (payment) await applyPayment(records, order, payment);
      await kysely
        .insertInto('payment_events')
        .values({ provider: from.name, event_id: event.id, type: event.type, order_id: order.id, received_at: now().toISOString() })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .execute();
      return 'processed';
    },

    async check(userId, orderId) {
      const order = await records.withPaymentRecorded(await records.ownRow(userId, orderId));
      if (order.provider_payment_id === null || !records.hasProvider(order.provider)) return records.toOrder(order);
      const payment = await records.providerOf(order).retrievePayment(order.provider_payment_id);
      return payment ? withClientSecret(records.toOrder(await applyPayment(records, order, payment)), payment) : records.toOrder(order);
    },
  };
}
