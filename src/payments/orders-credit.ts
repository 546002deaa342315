import { COIN, platformAccountId, userCoinWalletId, type LegInput, type OutboxMessageInput } from '../ledger/index.js';
import type { OrderRecords, OrderRow, StoredPromotion } from './orders-records.js';
import type { OrderStatus } from './views.js';

/**
 * The operators' webhook of an order's change, committed with the ledger transfer that makes it: the
 * order as its buyer sees it, in the status that transfer gives it, with the buyer's id.
 */
export function orderWebhook(records: OrderRecords, order: OrderRow, event: 'order.paid' | 'order.refunded' | 'order.disputed', status: OrderStatus): OutboxMessageInput {
  // Transfer ids and times are known only once the transfer commits; the event's id and createdAt name them.
  const { checkout: _checkout, creditTransferId: _credit, creditedAt: _creditedAt, refund: _refund, ...data } = records.toOrder(order);
  return { topic: 'webhook', payload: { event, data: { ...data, status, userId: order.user_id } } };
}

function creditLegs(order: OrderRow): LegInput[] {
  // Bought coins are issued; bonus coins come out of the promotions budget. The wallet gets both in one leg.
  const legs: LegInput[] = [{ accountId: platformAccountId('coin_issuance', COIN), asset: COIN, direction: 'debit', amount: order.coins }];
  if (order.bonus_coins > 0n) legs.push({ accountId: platformAccountId('promotions', COIN), asset: COIN, direction: 'debit', amount: order.bonus_coins });
  legs.push({ accountId: userCoinWalletId(order.user_id), asset: COIN, direction: 'credit', amount: order.coins + order.bonus_coins });
  // The money: the provider owes us the price; we keep it less the processing or app-store fee and the tax.
  legs.push({ accountId: platformAccountId('payment_clearing', order.currency), asset: order.currency, direction: 'debit', amount: order.amount_minor });
  if (order.fee_minor > 0n) {
    legs.push({ accountId: platformAccountId('store_fees', order.currency), asset: order.currency, direction: 'credit', amount: order.fee_minor });
  }
  // The tax in the price is owed to the tax authority, never the platform's: it is booked apart, and a refund's reversal returns it.
  if (order.tax_minor > 0n) {
    legs.push({ accountId: platformAccountId('tax_payable', order.currency), asset: order.currency, direction: 'credit', amount: order.tax_minor });
  }
  legs.push({ accountId: platformAccountId('revenue', order.currency), asset: order.currency, direction: 'credit', amount: order.amount_minor - order.fee_minor - order.tax_minor });
  return legs;
}

/** Takes one of the buyer's allowed uses of a promotion for this order; false when other orders took them all. */
async function claimPromotionUse(records: OrderRecords, order: OrderRow, promotion: StoredPromotion): Promise<boolean> {
  const { db, now } = records.deps;
  for (let use = 1n; use <= BigInt(promotion.usesPerUser!); use += 1n) {
    await db.kysely
      .insertInto('promotion_redemptions')
      .values({ user_id: order.user_id, promotion_id: promotion.id, use_number: use, order_id: order.id, created_at: now().toISOString() })
      .onConflict((oc) => oc.columns(['user_id', 'promotion_id', 'use_number']).doNothing())
      .execute();
    // Whoever inserted it, the use is this order's if it holds it: a concurrent credit of the same order counts too.
    const holder = await db.kysely
      .selectFrom('promotion_redemptions')
      .select('order_id')
      .where('user_id', '=', order.user_id)
      .where('promotion_id', '=', promotion.id)
      .where('use_number', '=', use)
      .executeTakeFirstOrThrow();
    if (holder.order_id === order.id) return true;
  }
  return false;
}

/**
 * Orders are priced with the promotions the buyer qualified for when ordering, so two orders
 * may both carry a once-per-buyer bonus. Whichever is credited first keeps it; the bonus is
 * taken off the others before their credit, and the order shows what was credited.
 */
async function settlePromotions(records: OrderRecords, order: OrderRow): Promise<OrderRow> {
  const { db, now } = records.deps;
  const promotions = JSON.parse(order.promotions) as StoredPromotion[];
  const kept: StoredPromotion[] = [];
  for (const promotion of promotions) {
    if (promotion.usesPerUser === null || promotion.usesPerUser === undefined || (await claimPromotionUse(records, order, promotion))) kept.push(promotion);
  }
  if (kept.length === promotions.length) return order;
  const withdrawn = promotions.filter((promotion) => !kept.includes(promotion)).reduce((sum, promotion) => sum + BigInt(promotion.bonusCoins ?? 0), 0n);
  await db.kysely
    .updateTable('orders')
    .set({ bonus_coins: order.bonus_coins - withdrawn, promotions: JSON.stringify(kept), updated_at: now().toISOString() })
    .where('id', '=', order.id)
    .where('credit_transfer_id', 'is', null)
    .where('promotions', '=', order.promotions)
    .execute();
  return records.row(order.id);
}

/**
 * Credits a paid order. Safe to call any number of times, from anywhere: coins are credited in ONE
 * ledger transfer with the fiat legs, keyed by the order id, so the ledger key makes it once.
 */
export async function credit(records: OrderRecords, unsettled: OrderRow): Promise<OrderRow> {
  const { db, ledger, accounts, now } = records.deps;
  if (unsettled.credit_transfer_id !== null) return unsettled;
  const order = await settlePromotions(records, unsettled);
  if (order.credit_transfer_id !== null) return order;
  const transfer = await ledger.submit({
    type: 'posted',
    idempotencyKey: `order_credit:${order.id}`,
    legs: creditLegs(order),
    metadata: { kind: 'coin_purchase', orderId: order.id, userId: order.user_id },
    outbox: [orderWebhook(records, order, 'order.paid', 'succeeded')],
  });
  const at = now().toISOString();
  await db.kysely
    .updateTable('orders')
    .set({ status: 'succeeded', credit_transfer_id: transfer.id, credited_at: at, updated_at: at, failure_code: null, failure_message: null })
    .where('id', '=', order.id)
    .where('credit_transfer_id', 'is', null)
    .execute();
  if (!transfer.replayed) {
    await accounts.recordActivity(order.user_id, 'coins_purchased', {
      orderId: order.id,
      coins: Number(order.coins + order.bonus_coins),
      amount: Number(order.amount_minor),
      currency: order.currency,
    });
  }
  return records.row(order.id);
}
