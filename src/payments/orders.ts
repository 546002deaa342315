import { createHash } from 'node:crypto';
import type { Accounts } from '../accounts/index.js';
import { newId } from '../db/ids.js';
import type { Kysely, Selectable } from 'kysely';
import type { OrderTable, Schema } from '../db/schema.js';
import { COIN, platformAccountId, userCoinWalletId, type Ledger, type LegInput } from '../ledger/index.js';
import { ApiError } from '../server/errors.js';
import type { Catalog, SalesChannel } from '../store/index.js';
import type { PaymentEvent, PaymentProvider, ProviderPayment } from './provider.js';

export type OrderStatus = 'created' | 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'disputed' | 'refunded';
type OrderRow = Selectable<OrderTable>;

interface Price {
  amount: number;
  currency: string;
}

/** What orders need from the catalog: prices come from the server, never from the client. */
export type OrderPricing = Pick<Catalog, 'pricePackage' | 'priceCustom' | 'promotionBonus'>;

export interface Order {
  id: string;
  status: OrderStatus;
  packageId: string | null;
  channel: SalesChannel;
  region: string;
  /** Coins bought. */
  coins: number;
  /** Coins added by the package and promotions, paid for by the platform. */
  bonusCoins: number;
  totalCoins: number;
  price: Price;
  promotions: { id: string; kind: string; bonusPercent: number }[];
  provider: string;
  failure: { code: string; message: string } | null;
  /** The ledger transfer that credited the coins, once it committed. */
  creditTransferId: string | null;
  createdAt: string;
  creditedAt: string | null;
  checkout: { provider: string; url: string } | null;
}

export interface CreateOrderInput {
  packageId?: string;
  customCoins?: number;
  region?: string;
  channel?: SalesChannel;
}

export interface ReconcileReport {
  checked: number;
  credited: string[];
  failed: string[];
  clawedBack: string[];
  /** Orders never paid within a day: nothing can credit them any more. */
  canceled: string[];
  /** Orders the provider does not know, or that could not be settled, with why. */
  unresolved: { orderId: string; reason: string }[];
}

const FAILURE_MESSAGES: Record<string, string> = {
  card_declined: 'The card was declined. Try another card or payment method.',
  insufficient_funds: 'The card has insufficient funds.',
  authentication_failed: 'The card issuer could not confirm the payment.',
};

const DISPUTE_WINDOW_MS = 120 * 86_400_000;
/** An order still unpaid this long after it was made is abandoned. */
const ABANDONED_AFTER_MS = 86_400_000;

/** Card processing fee on web orders, in tenths of a percent (2.9%), rounded up to the minor unit. */
const CARD_FEE_PER_MILLE = 29n;

export interface OrdersDependencies {
  kysely: Kysely<Schema>;
  ledger: Ledger;
  accounts: Accounts;
  pricing: OrderPricing;
  provider: PaymentProvider;
  publicUrl: string;
  now: () => Date;
}

/**
 * Coin orders. Coins are credited in ONE ledger transfer with the fiat legs,
 * keyed by the order id: a webhook, a poll of the provider, reconciliation,
 * or all of them at once in any order, credit an order exactly once.
 */
export function createOrders(deps: OrdersDependencies) {
  const { kysely, ledger, accounts, pricing, provider, now } = deps;

  function toOrder(row: OrderRow): Order {
    const open = row.status === 'created' || row.status === 'requires_action';
    return {
      id: row.id,
      status: row.status as OrderStatus,
      packageId: row.package_id,
      channel: row.channel as SalesChannel,
      region: row.region,
      coins: Number(row.coins),
      bonusCoins: Number(row.bonus_coins),
      totalCoins: Number(row.coins + row.bonus_coins),
      price: { amount: Number(row.amount_minor), currency: row.currency },
      promotions: JSON.parse(row.promotions) as Order['promotions'],
      provider: row.provider,
      failure: row.failure_code === null ? null : { code: row.failure_code, message: row.failure_message ?? row.failure_code },
      creditTransferId: row.credit_transfer_id,
      createdAt: row.created_at,
      creditedAt: row.credited_at,
      checkout: open ? { provider: row.provider, url: `${deps.publicUrl}/checkout/${row.id}` } : null,
    };
  }

  async function row(orderId: string): Promise<OrderRow> {
    const found = await kysely.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
    if (!found) throw ApiError.notFound('order_not_found', `No order has the id ${orderId}.`);
    return found;
  }

  async function ownRow(userId: string, orderId: string): Promise<OrderRow> {
    const found = await row(orderId).catch(() => undefined);
    // Someone else's order is answered like a missing one, so ids cannot be probed.
    if (!found || found.user_id !== userId) throw ApiError.notFound('order_not_found', `No order of yours has the id ${orderId}.`);
    return found;
  }

  async function setStatus(orderId: string, status: OrderStatus, from: OrderStatus[], extra: Partial<Pick<OrderRow, 'failure_code' | 'failure_message'>> = {}): Promise<void> {
    await kysely
      .updateTable('orders')
      .set({ status, updated_at: now().toISOString(), ...extra })
      .where('id', '=', orderId)
      .where('status', 'in', from)
      .execute();
  }

  function creditLegs(order: OrderRow): LegInput[] {
    // Bought coins are issued; bonus coins come out of the promotions budget. The wallet gets both in one leg.
    const legs: LegInput[] = [{ accountId: platformAccountId('coin_issuance', COIN), asset: COIN, direction: 'debit', amount: order.coins }];
    if (order.bonus_coins > 0n) legs.push({ accountId: platformAccountId('promotions', COIN), asset: COIN, direction: 'debit', amount: order.bonus_coins });
    legs.push({ accountId: userCoinWalletId(order.user_id), asset: COIN, direction: 'credit', amount: order.coins + order.bonus_coins });
    // The money: the provider owes us the price; we keep it less the processing or app-store fee.
    legs.push({ accountId: platformAccountId('payment_clearing', order.currency), asset: order.currency, direction: 'debit', amount: order.amount_minor });
    if (order.fee_minor > 0n) {
      legs.push({ accountId: platformAccountId('store_fees', order.currency), asset: order.currency, direction: 'credit', amount: order.fee_minor });
    }
    legs.push({ accountId: platformAccountId('revenue', order.currency), asset: order.currency, direction: 'credit', amount: order.amount_minor - order.fee_minor });
    return legs;
  }

  /** Credits a paid order. Safe to call any number of times, from anywhere: the ledger key makes it once. */
  async function credit(order: OrderRow): Promise<OrderRow> {
    if (order.credit_transfer_id !== null) return order;
    const transfer = await ledger.submit({
      type: 'posted',
      idempotencyKey: `order_credit:${order.id}`,
      legs: creditLegs(order),
      metadata: { orderId: order.id, userId: order.user_id },
    });
    const at = now().toISOString();
    await kysely
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
    return row(order.id);
  }

  /**
   * A chargeback: the credited coins are taken back even if spent (the
   * wallet may go below zero), the account may no longer buy or gift, and
   * admins get a case.
   */
  async function clawBack(order: OrderRow): Promise<OrderRow> {
    const credited = await credit(order);
    if (credited.clawback_transfer_id !== null) return credited;
    const reversal = await ledger.submit({
      type: 'reversal',
      transferId: credited.credit_transfer_id!,
      forceNegative: true,
      idempotencyKey: `order_clawback:${order.id}`,
      metadata: { orderId: order.id, reason: 'chargeback' },
    });
    const at = now().toISOString();
    const updated = await kysely
      .updateTable('orders')
      .set({ status: 'disputed', clawback_transfer_id: reversal.id, updated_at: at })
      .where('id', '=', order.id)
      .where('clawback_transfer_id', 'is', null)
      .executeTakeFirst();
    if (updated.numUpdatedRows === 1n) {
      const reason = `A payment (order ${order.id}) was charged back; buying and gifting are paused while support reviews it.`;
      await accounts.addRestriction({ userId: order.user_id, kind: 'spending', reason, byUserId: null });
      await accounts.addRestriction({ userId: order.user_id, kind: 'gifting', reason, byUserId: null });
      const wallet = await ledger.getAccount(userCoinWalletId(order.user_id));
      await accounts.openCase({
        userId: order.user_id,
        kind: 'chargeback',
        description:
          `Order ${order.id} (${order.coins + order.bonus_coins} coins for ${order.amount_minor} ${order.currency} minor units) was charged back. ` +
          `The coins were clawed back by transfer ${reversal.id}; the wallet now holds ${wallet?.posted ?? 0n} coins.`,
      });
    }
    return row(order.id);
  }

  /** Brings an order in line with what the provider says about its payment. */
  async function apply(order: OrderRow, payment: ProviderPayment): Promise<OrderRow> {
    switch (payment.status) {
      case 'succeeded':
        return credit(order);
      case 'disputed':
        return clawBack(order);
      case 'failed': {
        const code = payment.failureCode ?? 'payment_failed';
        await setStatus(order.id, 'failed', ['created', 'requires_action', 'processing'], { failure_code: code, failure_message: FAILURE_MESSAGES[code] ?? 'The payment failed.' });
        return row(order.id);
      }
      case 'requires_action':
        await setStatus(order.id, 'requires_action', ['created', 'processing']);
        return row(order.id);
      case 'requires_payment_method':
        return order;
    }
  }

  async function usesByPromotion(userId: string): Promise<{ isFirstPurchase: boolean; uses: Record<string, number> }> {
    const paid = await kysely.selectFrom('orders').select('promotions').where('user_id', '=', userId).where('credit_transfer_id', 'is not', null).execute();
    const uses: Record<string, number> = {};
    for (const order of paid) for (const promotion of JSON.parse(order.promotions) as { id: string }[]) uses[promotion.id] = (uses[promotion.id] ?? 0) + 1;
    return { isFirstPurchase: paid.length === 0, uses };
  }

  return {
    toOrder,

    async create(userId: string, input: CreateOrderInput, idempotencyKey: string): Promise<{ order: Order; replayed: boolean }> {
      const region = (input.region ?? (await accounts.getUser(userId)).region).toUpperCase();
      const channel = input.channel ?? 'web';
      const requestHash = createHash('sha256')
        .update(JSON.stringify([input.packageId ?? null, input.customCoins ?? null, region, channel]))
        .digest('hex');
      const existing = await kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      if (existing) {
        if (existing.request_hash !== requestHash) {
          throw new ApiError(409, 'idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used for a different order; use a new key for a new order.');
        }
        return { order: toOrder(existing), replayed: true };
      }

      await accounts.assertCapability(userId, 'buy_coins');
      if ((input.packageId === undefined) === (input.customCoins === undefined)) {
        throw ApiError.invalidRequest('package_or_custom_required', 'Send either packageId or customCoins.');
      }
      if (channel === 'app') {
        throw ApiError.invalidField('channel', 'app_purchase_requires_receipt', 'App-store purchases are made in the app and credited from the store receipt; web orders use channel "web".');
      }
      const priced =
        input.packageId !== undefined
          ? await pricing.pricePackage(input.packageId, region, channel)
          : { id: null, bonusCoins: 0, ...pricing.priceCustom(input.customCoins!, region) };
      const history = await usesByPromotion(userId);
      const promotion = await pricing.promotionBonus({ region, coins: priced.coins, isFirstPurchase: history.isFirstPurchase, usesByPromotion: history.uses });
      const amountMinor = BigInt(priced.price.amount);
      const feeMinor = (amountMinor * CARD_FEE_PER_MILLE + 999n) / 1000n;
      const at = now().toISOString();
      const orderRow: OrderRow = {
        id: newId('ord'),
        user_id: userId,
        idempotency_key: idempotencyKey,
        request_hash: requestHash,
        package_id: priced.id,
        channel,
        region,
        coins: BigInt(priced.coins),
        bonus_coins: BigInt(priced.bonusCoins) + promotion.bonusCoins,
        promotions: JSON.stringify(promotion.promotions.map(({ id, kind, bonusPercent }) => ({ id, kind, bonusPercent }))),
        currency: priced.price.currency,
        amount_minor: amountMinor,
        fee_minor: feeMinor,
        status: 'created',
        provider: provider.name,
        provider_payment_id: null,
        failure_code: null,
        failure_message: null,
        credit_transfer_id: null,
        clawback_transfer_id: null,
        created_at: at,
        updated_at: at,
        credited_at: null,
      };
      try {
        await kysely.insertInto('orders').values(orderRow).execute();
      } catch (error) {
        // The same key sent twice at once: the unique index lets one in; the other answers with it.
        const raced = await kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
        if (!raced) throw error;
        if (raced.request_hash !== requestHash) throw new ApiError(409, 'idempotency_error', 'idempotency_key_reused', 'This Idempotency-Key was used for a different order.');
        return { order: toOrder(raced), replayed: true };
      }
      const payment = await provider.createPayment({ orderId: orderRow.id, amountMinor, currency: orderRow.currency });
      await kysely.updateTable('orders').set({ provider_payment_id: payment.id }).where('id', '=', orderRow.id).execute();
      return { order: toOrder(await row(orderRow.id)), replayed: false };
    },

    async get(userId: string, orderId: string): Promise<Order> {
      return toOrder(await ownRow(userId, orderId));
    },

    /** The buyer's own order, when it can still be paid: not canceled, paid or settled already. */
    async payable(userId: string, orderId: string): Promise<Order> {
      const order = await ownRow(userId, orderId);
      if (order.status !== 'created' && order.status !== 'requires_action') {
        throw ApiError.conflict('order_not_payable', `This order is ${order.status.replace(/_/g, ' ')} and cannot be paid; place a new order.`);
      }
      return toOrder(order);
    },

    async listForUser(userId: string, limit: number): Promise<Order[]> {
      const rows = await kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute();
      return rows.map(toOrder);
    },

    /** The caller's side of a checkout: the order moves to processing (or requires_action, or failed). */
    async afterCheckout(orderId: string, payment: ProviderPayment): Promise<Order> {
      const order = await row(orderId);
      if (payment.status === 'succeeded') await setStatus(orderId, 'processing', ['created', 'requires_action']);
      // Success is credited from the webhook or a poll; failures and challenges are shown at once.
      return toOrder(payment.status === 'succeeded' ? await row(orderId) : await apply(order, payment));
    },

    /** A verified webhook event. Idempotent: the event id is recorded after the work, so a crash in between redoes it. */
    async handleEvent(event: PaymentEvent): Promise<'processed' | 'duplicate' | 'unknown_order'> {
      const seen = await kysely.selectFrom('payment_events').select('event_id').where('provider', '=', provider.name).where('event_id', '=', event.id).executeTakeFirst();
      if (seen) return 'duplicate';
      const order = await kysely.selectFrom('orders').selectAll().where('id', '=', event.orderId).executeTakeFirst();
      if (!order || order.provider_payment_id !== event.paymentId) return 'unknown_order';
      // Events may arrive late or out of order: act on the payment's current state at the provider.
      const payment = await provider.retrievePayment(event.paymentId);
      if (payment) await apply(order, payment);
      await kysely
        .insertInto('payment_events')
        .values({ provider: provider.name, event_id: event.id, type: event.type, order_id: order.id, received_at: now().toISOString() })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .execute();
      return 'processed';
    },

    /** "Where are my coins?": asks the provider now and settles the order if it was paid. */
    async check(userId: string, orderId: string): Promise<Order> {
      const order = await ownRow(userId, orderId);
      if (order.provider_payment_id === null) return toOrder(order);
      const payment = await provider.retrievePayment(order.provider_payment_id);
      return toOrder(payment ? await apply(order, payment) : order);
    },

    /**
     * Compares unsettled and recently paid orders with the provider and settles
     * them: paid but not credited are credited, failed are marked, disputed are
     * clawed back. Reports what it could not settle.
     */
    async reconcile(options: { onProgress?: (done: number, total: number) => void } = {}): Promise<ReconcileReport> {
      const report: ReconcileReport = { checked: 0, credited: [], failed: [], clawedBack: [], canceled: [], unresolved: [] };
      const abandonedBefore = new Date(now().getTime() - ABANDONED_AFTER_MS).toISOString();
      const cancelIfAbandoned = async (order: OrderRow): Promise<boolean> => {
        if (order.status !== 'created' && order.status !== 'requires_action') return false;
        if (order.created_at > abandonedBefore) return false;
        await setStatus(order.id, 'canceled', ['created', 'requires_action'], { failure_code: 'abandoned', failure_message: 'The order was not paid within a day.' });
        report.canceled.push(order.id);
        return true;
      };
      // Paid orders can still be disputed for months; older ones are left to the provider's dispute webhooks.
      const disputeWindowStart = new Date(now().getTime() - DISPUTE_WINDOW_MS).toISOString();
      const open = await kysely
        .selectFrom('orders')
        .selectAll()
        .where((eb) =>
          eb.or([
            eb('status', 'in', ['created', 'requires_action', 'processing']),
            eb.and([eb('status', '=', 'succeeded'), eb('clawback_transfer_id', 'is', null), eb('created_at', '>', disputeWindowStart)]),
          ]),
        )
        .orderBy('created_at')
        .execute();
      for (const [index, order] of open.entries()) {
        report.checked += 1;
        options.onProgress?.(index + 1, open.length);
        if (order.provider_payment_id === null) {
          if (!(await cancelIfAbandoned(order))) report.unresolved.push({ orderId: order.id, reason: 'no payment was created at the provider yet' });
          continue;
        }
        try {
          const payment = await provider.retrievePayment(order.provider_payment_id);
          if (!payment) {
            report.unresolved.push({ orderId: order.id, reason: `the provider does not know payment ${order.provider_payment_id}` });
            continue;
          }
          if ((payment.status === 'requires_payment_method' || payment.status === 'requires_action') && (await cancelIfAbandoned(order))) continue;
          const settled = await apply(order, payment);
          if (order.credit_transfer_id === null && settled.credit_transfer_id !== null) report.credited.push(order.id);
          if (order.status !== 'failed' && settled.status === 'failed') report.failed.push(order.id);
          if (order.clawback_transfer_id === null && settled.clawback_transfer_id !== null) report.clawedBack.push(order.id);
        } catch (error) {
          report.unresolved.push({ orderId: order.id, reason: (error as Error).message });
        }
      }
      return report;
    },
  };
}

export type Orders = ReturnType<typeof createOrders>;
