import { newestFirstPage } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import type { SalesChannel } from '../store/index.js';
import { formatMoney } from '../ledger/index.js';
import { orderTax, priceText, type OrderRecords, type OrderRow } from './orders-records.js';
import type { AdminOrder, Order, OrderStatus, Receipt, SpentAfter } from './views.js';

/** Orders as buyers and admins read them. */
export interface OrderReading {
  /** The buyer's own order. */
  get(userId: string, orderId: string): Promise<Order>;
  /** The buyer's receipt for a paid order: what was bought, for how much, how it was paid, and any refund. */
  receipt(userId: string, orderId: string): Promise<Receipt>;
  /** A buyer's orders, newest first: the latest `limit`, or all of them. */
  listForUser(userId: string, limit?: number): Promise<Order[]>;
  /** Any order, for admins, with what the buyer spent after it was credited. */
  getForAdmin(orderId: string): Promise<AdminOrder & { spentAfter: SpentAfter[] }>;
  /** Orders for admins, newest first, by status and buyer; `after` is the last order id of the previous page. */
  listForAdmin(filter: { status?: OrderStatus; userId?: string; limit: number; after?: string }): Promise<{ orders: AdminOrder[]; nextCursor: string | null }>;
}

/** The receipt's tax line: VAT and GST regions price it in, others add it. */
function receiptTax(order: OrderRow): Receipt['tax'] {
  const tax = orderTax(order);
  if (tax === null) return null;
  const label = tax.pricing === 'inclusive' ? `VAT ${tax.ratePercent}% included` : `Tax ${tax.ratePercent}%`;
  return { ...tax, formatted: formatMoney(order.tax_minor, order.currency), label };
}

export function createOrderReading(records: OrderRecords): OrderReading {
  const kysely = records.deps.db.kysely;
  const { toOrder } = records;
  return {
    async get(userId, orderId) {
      return toOrder(await records.ownRow(userId, orderId));
    },

    async receipt(userId, orderId) {
      const order = await records.ownRow(userId, orderId);
      if (order.credit_transfer_id === null || order.credited_at === null) {
        throw DomainError.conflict('receipt_unavailable', `This order is ${order.status.replace(/_/g, ' ')}; a receipt is issued once it is paid.`);
      }
      const bonus = order.bonus_coins > 0n ? ` + ${order.bonus_coins.toLocaleString('en-US')} bonus` : '';
      return {
        number: order.id,
        issuedAt: order.credited_at,
        description: `${order.coins.toLocaleString('en-US')} coins${bonus}${order.package_id ? ' (coin package)' : ' (custom amount)'}`,
        coins: Number(order.coins),
        bonusCoins: Number(order.bonus_coins),
        total: { amount: Number(order.amount_minor), currency: order.currency, formatted: priceText(order) },
        tax: receiptTax(order),
        subtotal: { amount: Number(order.amount_minor - order.tax_minor), currency: order.currency, formatted: formatMoney(order.amount_minor - order.tax_minor, order.currency) },
        channel: order.channel as SalesChannel,
        paidWith: order.provider,
        paymentReference: order.provider_payment_id,
        status: order.status === 'refunded' ? 'refunded' : order.status === 'disputed' ? 'charged_back' : 'paid',
        note: 'Coins are a licence to use virtual items; they are not refundable and cannot be exchanged for money.',
      };
    },

    async listForUser(userId, limit) {
      const newestFirst = kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc');
      const rows = await (limit === undefined ? newestFirst : newestFirst.limit(limit)).execute();
      return rows.map(toOrder);
    },

    async getForAdmin(orderId) {
      const found = await records.row(orderId);
      const spentAfter = (await records.coinsSpentAfter(found)).map(({ id, at, kind, amount, description }) => ({ transferId: id, at, kind, coins: Number(amount), description }));
      return { ...toOrder(found), userId: found.user_id, providerPaymentId: found.provider_payment_id, spentAfter };
    },

    async listForAdmin(filter) {
      let query = kysely.selectFrom('orders').selectAll();
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      let cursor: { time: string; id: string } | undefined;
      if (filter.after !== undefined) {
        const last = await kysely.selectFrom('orders').select(['created_at', 'id']).where('id', '=', filter.after).executeTakeFirst();
        if (!last) throw DomainError.invalidField('after', 'invalid_cursor', 'after must be the nextCursor of a previous page.');
        cursor = { time: last.created_at, id: last.id };
      }
      const { rows: shown, more } = await newestFirstPage(query, 'created_at', cursor, filter.limit);
      return {
        orders: shown.map((found) => ({ ...toOrder(found), userId: found.user_id, providerPaymentId: found.provider_payment_id })),
        nextCursor: more ? shown[shown.length - 1]!.id : null,
      };
    },
  };
}
