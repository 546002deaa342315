import { writeTransaction } from '../db/index.js';
import { LedgerError, userCoinWalletId } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { credit, orderWebhook } from './orders-credit.js';
import { priceText, type ClawbackCause, type OrderRecords, type OrderRow } from './orders-records.js';
import type { Order, OrderStatus } from './views.js';

/** Admins' refunds of orders, and who had a purchase charged back or refunded at the provider. */
export interface OrderRefunds {
  /** An admin's exceptional refund of an order's coins, while they are unspent. */
  refund(orderId: string, input: { reason: string; adminId: string }): Promise<Order>;
  /** Which of these users have had a purchase charged back or refunded at the provider: payout review counts their gifts as risky. */
  disputedBuyers(userIds: readonly string[]): Promise<Set<string>>;
}

const CLAWBACK: Record<ClawbackCause, { key: string; kind: string; status: OrderStatus; what: string; caseKind: string; event: 'order.disputed' | 'order.refunded' }> = {
  chargeback: { key: 'order_clawback', kind: 'chargeback_clawback', status: 'disputed', what: 'was charged back', caseKind: 'chargeback', event: 'order.disputed' },
  provider_refund: {
    key: 'order_provider_refund',
    kind: 'coin_refund',
    status: 'refunded',
    what: 'was refunded at the payment provider',
    caseKind: 'provider_refund',
    event: 'order.refunded',
  },
};
const PROVIDER_REFUND_REASON = 'The payment was refunded at the payment provider.';

/**
 * A chargeback, or a refund made at the provider (its Dashboard, its API): the credited coins are
 * taken back even if spent (the wallet may go below zero), the diamonds they paid creators are
 * clawed back and those creators' payouts held, the account may no longer buy or gift, and admins
 * get a case. Once per order, whichever of the two comes first and however often each arrives.
 */
export async function clawBack(records: OrderRecords, order: OrderRow, cause: ClawbackCause = 'chargeback'): Promise<OrderRow> {
  const credited = await credit(records, order);
  if (credited.clawback_transfer_id === null) await clawBackCoins(records, credited, cause);
  // Also when the coins were taken back before: a crash may have come between that and the gifts.
  if (credited.credit_transfer_id !== null) await records.deps.clawBackGifts({ id: order.id, buyerId: order.user_id, creditTransferId: credited.credit_transfer_id, cause });
  return records.row(order.id);
}

/**
 * Reverses the order's credit, forced below zero. The ledger reverses a transfer once: when a
 * chargeback, a provider's refund or an admin's refund of the same order got there first, its
 * reversal is the one that took the coins back.
 */
async function reverseCredit(records: OrderRecords, order: OrderRow, cause: ClawbackCause): Promise<{ id: string }> {
  const { ledger } = records.deps;
  try {
    return await ledger.submit({
      type: 'reversal',
      transferId: order.credit_transfer_id!,
      forceNegative: true,
      idempotencyKey: `${CLAWBACK[cause].key}:${order.id}`,
      metadata: { kind: CLAWBACK[cause].kind, orderId: order.id, userId: order.user_id },
      outbox: [orderWebhook(records, order, CLAWBACK[cause].event, CLAWBACK[cause].status)],
    });
  } catch (error) {
    if (!(error instanceof LedgerError && error.code === 'already_reversed')) throw error;
    const keys = [...Object.values(CLAWBACK).map((each) => each.key), 'order_refund'];
    for (const key of keys) {
      const earlier = await ledger.getTransferByKey(`${key}:${order.id}`);
      if (earlier) return earlier;
    }
    throw error;
  }
}

async function clawBackCoins(records: OrderRecords, order: OrderRow, cause: ClawbackCause): Promise<void> {
  const { db, ledger, accounts, now } = records.deps;
  // An admin refund that raced the dispute already took the coins back; the dispute still restricts and opens a case.
  const reversal = order.refund_transfer_id !== null ? { id: order.refund_transfer_id } : await reverseCredit(records, order, cause);
  const { status, what, caseKind } = CLAWBACK[cause];
  const wallet = await ledger.getAccount(userCoinWalletId(order.user_id));
  const spent = await records.coinsSpentAfter(order);
  const whereTheyWent =
    spent.length === 0 ? 'No coins were spent since the purchase.' : `Coins spent since the purchase (newest first): ${spent.map((each) => `${each.description} (${each.at})`).join('; ')}.`;
  // The order's state, the buyer's restrictions and the admins' case commit together: a crash
  // leaves the order undisputed, and the dispute's redelivery or reconciliation does it all again.
  await writeTransaction(db, async (trx) => {
    const updated = await trx
      .updateTable('orders')
      .set((eb) => ({
        status,
        clawback_transfer_id: reversal.id,
        // A refund at the provider is shown as the order's refund too.
        ...(cause === 'provider_refund'
          ? { refund_transfer_id: eb.fn.coalesce('refund_transfer_id', eb.val(reversal.id)), refund_reason: eb.fn.coalesce('refund_reason', eb.val(PROVIDER_REFUND_REASON)) }
          : {}),
        updated_at: now().toISOString(),
      }))
      .where('id', '=', order.id)
      .where('clawback_transfer_id', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows !== 1n) return;
    const reason = `A payment (order ${order.id}) ${what}; buying and gifting are paused while support reviews it.`;
    await accounts.addRestriction({ userId: order.user_id, kind: 'spending', reason, byUserId: null }, trx);
    await accounts.addRestriction({ userId: order.user_id, kind: 'gifting', reason, byUserId: null }, trx);
    await accounts.openCase(
      {
        userId: order.user_id,
        kind: caseKind,
        description:
          `Order ${order.id} (${order.coins + order.bonus_coins} coins for ${priceText(order)}) ${what}. ` +
          `The coins were taken back; the wallet now holds ${wallet?.posted ?? 0n} coins. ${whereTheyWent}`,
      },
      trx,
    );
  });
}

/**
 * An admin's refund: takes the order's coins back while they are unspent, then asks the provider
 * to return the payment. (A refund made at the provider is taken back as a chargeback is: clawBack.)
 */
export async function refundOrder(records: OrderRecords, order: OrderRow, reason: string): Promise<OrderRow> {
  const { db, ledger, accounts, now } = records.deps;
  const credited = await credit(records, order);
  const disputed = () => DomainError.conflict('order_disputed', 'This order was charged back; its coins were already taken back.');
  // Refunded at the provider already: nothing is left to do. A chargeback is not refunded.
  const alreadyClawedBack = (found: OrderRow): OrderRow => {
    if (found.status === 'refunded') return found;
    throw disputed();
  };
  if (credited.clawback_transfer_id !== null) return alreadyClawedBack(credited);
  if (credited.refund_transfer_id === null) {
    // A chargeback the webhook has not brought yet is settled as one, not refunded.
    const payment = await records.providerOf(order).retrievePayment(order.provider_payment_id!);
    if (payment?.status === 'disputed') {
      await clawBack(records, credited);
      throw disputed();
    }
  }
  if (credited.refund_transfer_id === null) {
    let reversal;
    try {
      reversal = await ledger.submit({
        type: 'reversal',
        transferId: credited.credit_transfer_id!,
        idempotencyKey: `order_refund:${order.id}`,
        metadata: { kind: 'coin_refund', orderId: order.id, userId: order.user_id },
        outbox: [orderWebhook(records, credited, 'order.refunded', 'refunded')],
      });
    } catch (error) {
      // A chargeback or a refund at the provider reversed the credit first.
      if (error instanceof LedgerError && error.code === 'already_reversed') return alreadyClawedBack(await records.row(order.id));
      if (!(error instanceof LedgerError && error.code === 'insufficient_funds')) throw error;
      const wallet = await ledger.getAccount(userCoinWalletId(order.user_id));
      throw DomainError.conflict(
        'coins_already_spent',
        `Only unspent coins can be refunded: the order credited ${credited.coins + credited.bonus_coins} coins and the wallet holds ${wallet?.available ?? 0n}.`,
      );
    }
    const updated = await db.kysely
      .updateTable('orders')
      .set({ refund_transfer_id: reversal.id, refund_reason: reason, updated_at: now().toISOString() })
      .where('id', '=', order.id)
      .where('refund_transfer_id', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 1n) {
      await accounts.recordActivity(order.user_id, 'coins_refunded', { orderId: order.id, coins: Number(credited.coins + credited.bonus_coins), reason });
    }
  }
  // The coins are gone first, so they cannot be spent while the money goes back; a failed provider call is retried with the same key.
  if (credited.status !== 'refunded') await records.providerOf(order).refundPayment(order.provider_payment_id!, `order_refund:${order.id}`);
  await records.setStatus(order.id, 'refunded', ['succeeded']);
  return records.row(order.id);
}

export function createOrderRefunds(records: OrderRecords): OrderRefunds {
  const { db, accounts } = records.deps;
  return {
    async refund(orderId, input) {
      const order = await records.row(orderId);
      if (order.credit_transfer_id === null) throw DomainError.conflict('order_not_paid', `This order is ${order.status.replace(/_/g, ' ')}; only a paid order can be refunded.`);
      if (!records.hasProvider(order.provider)) {
        throw DomainError.conflict('refund_through_store', 'This purchase was paid through an app store; the buyer asks the store for a refund, and the store reports it.');
      }
      const refunded = await refundOrder(records, order, input.reason);
      if (order.status !== 'refunded') await accounts.recordActivity(input.adminId, 'admin_refunded_order', { orderId, userId: order.user_id, reason: input.reason });
      return records.toOrder(refunded);
    },

    async disputedBuyers(userIds) {
      if (userIds.length === 0) return new Set();
      const rows = await db.kysely
        .selectFrom('orders')
        .select('user_id')
        .distinct()
        .where('user_id', 'in', [...userIds])
        .where('clawback_transfer_id', 'is not', null)
        .execute();
      return new Set(rows.map((each) => each.user_id));
    },
  };
}
