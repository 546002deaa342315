import { createHash } from 'node:crypto';
import type { Accounts } from '../accounts/index.js';
import { newId, writeTransaction, type Database } from '../db/index.js';
import type { OrderTable } from './schema.js';
import type { Selectable } from 'kysely';
import { COIN, formatMoney, LedgerError, platformAccountId, userCoinWalletId, type Ledger, type LegInput } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import type { Catalog, SalesChannel } from '../store/index.js';
import type { ReceiptVerifier } from './app-store.js';
import type { PaymentEvent, PaymentProvider, ProviderPayment } from './provider.js';
import type { SpendingControls } from './spending.js';
import type { TransactionFilter, TransactionPage, WalletTransaction } from '../wallet/index.js';

export type OrderStatus = 'created' | 'requires_action' | 'processing' | 'succeeded' | 'failed' | 'canceled' | 'disputed' | 'refunded';
type OrderRow = Selectable<OrderTable>;
/** A promotion as the order keeps it (JSON): enough to show it and to claim its use at credit. */
type StoredPromotion = { id: string; kind: string; bonusPercent: number; bonusCoins?: number; usesPerUser?: number | null };

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
  /** An admin's exceptional refund of the order's unspent coins. */
  refund: { transferId: string; reason: string } | null;
  createdAt: string;
  creditedAt: string | null;
  /** Where the buyer pays; `clientSecret` (Stripe.js) is given when the order is placed and when it is checked. */
  checkout: { provider: string; url: string; clientSecret?: string } | null;
}

export interface Receipt {
  /** The order id. */
  number: string;
  issuedAt: string;
  description: string;
  coins: number;
  bonusCoins: number;
  total: Price & { formatted: string };
  channel: SalesChannel;
  paidWith: string;
  paymentReference: string | null;
  status: 'paid' | 'refunded' | 'charged_back';
  note: string;
}

export interface CreateOrderInput {
  packageId?: string;
  customCoins?: number;
  /** Optional, and must be the account's own region: orders are always priced in it. */
  region?: string;
  channel?: SalesChannel;
  /** Needed for orders of the configured large-purchase size and above. */
  confirm?: boolean;
}

export interface ReconcileReport {
  checked: number;
  credited: string[];
  failed: string[];
  /** Charged back, or refunded at the provider: coins and the diamonds they paid taken back. */
  clawedBack: string[];
  /** Admin refunds whose money the provider returned only now. */
  refunded: string[];
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

const priceText = (order: Pick<OrderRow, 'amount_minor' | 'currency'>): string => formatMoney(order.amount_minor, order.currency);

const DISPUTE_WINDOW_MS = 120 * 86_400_000;
/** An order still unpaid this long after it was made is abandoned. */
const ABANDONED_AFTER_MS = 86_400_000;

/** Why an order's coins are taken back whatever the wallet holds: a chargeback, or a refund made at the provider. */
export type ClawbackCause = 'chargeback' | 'provider_refund';
const CLAWBACK: Record<ClawbackCause, { key: string; kind: string; status: OrderStatus; what: string; caseKind: string }> = {
  chargeback: { key: 'order_clawback', kind: 'chargeback_clawback', status: 'disputed', what: 'was charged back', caseKind: 'chargeback' },
  provider_refund: { key: 'order_provider_refund', kind: 'coin_refund', status: 'refunded', what: 'was refunded at the payment provider', caseKind: 'provider_refund' },
};
const PROVIDER_REFUND_REASON = 'The payment was refunded at the payment provider.';

/** Card processing fee on web orders, in tenths of a percent (2.9%), rounded up to the minor unit. */
const CARD_FEE_PER_MILLE = 29n;

export interface OrdersDependencies {
  db: Database;
  ledger: Ledger;
  accounts: Accounts;
  pricing: OrderPricing;
  spending: SpendingControls;
  /** Takes new web orders. */
  provider: PaymentProvider;
  /** Providers earlier orders may have been paid through, so they can still be settled. */
  formerProviders?: readonly PaymentProvider[];
  /** Verifies app-channel purchases, which the app store charged. */
  appStore: ReceiptVerifier;
  /** Share of an app sale the app store keeps, in percent. */
  appFeePercent: number;
  /** The buyer's wallet history, to show admins where a disputed purchase's coins went. */
  walletHistory: (userId: string, filter: TransactionFilter, limit: number) => Promise<TransactionPage>;
  /** Takes back from creators the diamonds a charged-back (or provider-refunded) order's coins earned them; called again for the same order, it does nothing. */
  clawBackGifts: (order: { id: string; buyerId: string; creditTransferId: string; cause: ClawbackCause }) => Promise<unknown>;
  publicUrl: string;
  now: () => Date;
}

/**
 * Coin orders. Coins are credited in ONE ledger transfer with the fiat legs,
 * keyed by the order id: a webhook, a poll of the provider, reconciliation,
 * or all of them at once in any order, credit an order exactly once.
 */
export function createOrders(deps: OrdersDependencies) {
  const { db, ledger, accounts, pricing, spending, provider, appStore, now } = deps;
  const kysely = db.kysely;
  const providers = new Map([provider, ...(deps.formerProviders ?? [])].map((p) => [p.name, p]));

  function providerOf(order: Pick<OrderRow, 'id' | 'provider'>): PaymentProvider {
    const found = providers.get(order.provider);
    if (!found) throw new Error(`order ${order.id} was paid through ${order.provider}, which is not configured`);
    return found;
  }

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
      promotions: (JSON.parse(row.promotions) as StoredPromotion[]).map(({ id, kind, bonusPercent }) => ({ id, kind, bonusPercent })),
      provider: row.provider,
      failure: row.failure_code === null ? null : { code: row.failure_code, message: row.failure_message ?? row.failure_code },
      creditTransferId: row.credit_transfer_id,
      refund: row.refund_transfer_id === null ? null : { transferId: row.refund_transfer_id, reason: row.refund_reason ?? '' },
      createdAt: row.created_at,
      creditedAt: row.credited_at,
      checkout: open ? { provider: row.provider, url: `${deps.publicUrl}/checkout/${row.id}` } : null,
    };
  }

  function withClientSecret(order: Order, payment: ProviderPayment): Order {
    return order.checkout && payment.clientSecret ? { ...order, checkout: { ...order.checkout, clientSecret: payment.clientSecret } } : order;
  }

  async function row(orderId: string): Promise<OrderRow> {
    const found = await kysely.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
    if (!found) throw DomainError.notFound('order_not_found', `No order has the id ${orderId}.`);
    return found;
  }

  async function ownRow(userId: string, orderId: string): Promise<OrderRow> {
    const found = await row(orderId).catch(() => undefined);
    // Someone else's order is answered like a missing one, so ids cannot be probed.
    if (!found || found.user_id !== userId) throw DomainError.notFound('order_not_found', `No order of yours has the id ${orderId}.`);
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

  /** Takes one of the buyer's allowed uses of a promotion for this order; false when other orders took them all. */
  async function claimPromotionUse(order: OrderRow, promotion: StoredPromotion): Promise<boolean> {
    for (let use = 1n; use <= BigInt(promotion.usesPerUser!); use += 1n) {
      await kysely
        .insertInto('promotion_redemptions')
        .values({ user_id: order.user_id, promotion_id: promotion.id, use_number: use, order_id: order.id, created_at: now().toISOString() })
        .onConflict((oc) => oc.columns(['user_id', 'promotion_id', 'use_number']).doNothing())
        .execute();
      // Whoever inserted it, the use is this order's if it holds it: a concurrent credit of the same order counts too.
      const holder = await kysely
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
  async function settlePromotions(order: OrderRow): Promise<OrderRow> {
    const promotions = JSON.parse(order.promotions) as StoredPromotion[];
    const kept: StoredPromotion[] = [];
    for (const promotion of promotions) {
      if (promotion.usesPerUser === null || promotion.usesPerUser === undefined || (await claimPromotionUse(order, promotion))) kept.push(promotion);
    }
    if (kept.length === promotions.length) return order;
    const withdrawn = promotions.filter((promotion) => !kept.includes(promotion)).reduce((sum, promotion) => sum + BigInt(promotion.bonusCoins ?? 0), 0n);
    await kysely
      .updateTable('orders')
      .set({ bonus_coins: order.bonus_coins - withdrawn, promotions: JSON.stringify(kept), updated_at: now().toISOString() })
      .where('id', '=', order.id)
      .where('credit_transfer_id', 'is', null)
      .where('promotions', '=', order.promotions)
      .execute();
    return row(order.id);
  }

  /** Credits a paid order. Safe to call any number of times, from anywhere: the ledger key makes it once. */
  async function credit(unsettled: OrderRow): Promise<OrderRow> {
    if (unsettled.credit_transfer_id !== null) return unsettled;
    const order = await settlePromotions(unsettled);
    if (order.credit_transfer_id !== null) return order;
    const transfer = await ledger.submit({
      type: 'posted',
      idempotencyKey: `order_credit:${order.id}`,
      legs: creditLegs(order),
      metadata: { kind: 'coin_purchase', orderId: order.id, userId: order.user_id },
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

  /** Where a purchase's coins may have gone: what the buyer's wallet spent after the credit (up to 50 entries). */
  async function coinsSpentAfter(order: OrderRow): Promise<WalletTransaction[]> {
    if (order.credit_transfer_id === null) return [];
    const page = await deps.walletHistory(order.user_id, { asset: 'coins', afterTransferId: order.credit_transfer_id }, 50);
    return page.transactions.filter((each) => each.direction === 'debit' && each.reference.orderId === undefined);
  }

  /**
   * A chargeback, or a refund made at the provider (its Dashboard, its API): the credited coins are
   * taken back even if spent (the wallet may go below zero), the diamonds they paid creators are
   * clawed back and those creators' payouts held, the account may no longer buy or gift, and admins
   * get a case. Once per order, whichever of the two comes first and however often each arrives.
   */
  async function clawBack(order: OrderRow, cause: ClawbackCause = 'chargeback'): Promise<OrderRow> {
    const credited = await credit(order);
    if (credited.clawback_transfer_id === null) await clawBackCoins(credited, cause);
    // Also when the coins were taken back before: a crash may have come between that and the gifts.
    if (credited.credit_transfer_id !== null) await deps.clawBackGifts({ id: order.id, buyerId: order.user_id, creditTransferId: credited.credit_transfer_id, cause });
    return row(order.id);
  }

  /**
   * Reverses the order's credit, forced below zero. The ledger reverses a transfer once: when a
   * chargeback, a provider's refund or an admin's refund of the same order got there first, its
   * reversal is the one that took the coins back.
   */
  async function reverseCredit(order: OrderRow, cause: ClawbackCause): Promise<{ id: string }> {
    try {
      return await ledger.submit({
        type: 'reversal',
        transferId: order.credit_transfer_id!,
        forceNegative: true,
        idempotencyKey: `${CLAWBACK[cause].key}:${order.id}`,
        metadata: { kind: CLAWBACK[cause].kind, orderId: order.id, userId: order.user_id },
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

  async function clawBackCoins(order: OrderRow, cause: ClawbackCause): Promise<void> {
    // An admin refund that raced the dispute already took the coins back; the dispute still restricts and opens a case.
    const reversal = order.refund_transfer_id !== null ? { id: order.refund_transfer_id } : await reverseCredit(order, cause);
    const { status, what, caseKind } = CLAWBACK[cause];
    const wallet = await ledger.getAccount(userCoinWalletId(order.user_id));
    const spent = await coinsSpentAfter(order);
    const whereTheyWent =
      spent.length === 0
        ? 'No coins were spent since the purchase.'
        : `Coins spent since the purchase (newest first): ${spent.map((each) => `${each.description} [${each.id}, ${each.at}]`).join('; ')}.`;
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
            `The coins were clawed back by transfer ${reversal.id}; the wallet now holds ${wallet?.posted ?? 0n} coins. ${whereTheyWent}`,
        },
        trx,
      );
    });
  }

  /**
   * An admin's refund: takes the order's coins back while they are unspent, then asks the provider
   * to return the payment. (A refund made at the provider is taken back as a chargeback is: clawBack.)
   */
  async function refund(order: OrderRow, reason: string): Promise<OrderRow> {
    const credited = await credit(order);
    const disputed = () => DomainError.conflict('order_disputed', 'This order was charged back; its coins were already taken back.');
    // Refunded at the provider already: nothing is left to do. A chargeback is not refunded.
    const alreadyClawedBack = (found: OrderRow): OrderRow => {
      if (found.status === 'refunded') return found;
      throw disputed();
    };
    if (credited.clawback_transfer_id !== null) return alreadyClawedBack(credited);
    if (credited.refund_transfer_id === null) {
      // A chargeback the webhook has not brought yet is settled as one, not refunded.
      const payment = await providerOf(order).retrievePayment(order.provider_payment_id!);
      if (payment?.status === 'disputed') {
        await clawBack(credited);
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
        });
      } catch (error) {
        // A chargeback or a refund at the provider reversed the credit first.
        if (error instanceof LedgerError && error.code === 'already_reversed') return alreadyClawedBack(await row(order.id));
        if (!(error instanceof LedgerError && error.code === 'insufficient_funds')) throw error;
        const wallet = await ledger.getAccount(userCoinWalletId(order.user_id));
        throw DomainError.conflict(
          'coins_already_spent',
          `Only unspent coins can be refunded: the order credited ${credited.coins + credited.bonus_coins} coins and the wallet holds ${wallet?.available ?? 0n}.`,
        );
      }
      const updated = await kysely
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
    if (credited.status !== 'refunded') await providerOf(order).refundPayment(order.provider_payment_id!, `order_refund:${order.id}`);
    await setStatus(order.id, 'refunded', ['succeeded']);
    return row(order.id);
  }

  /** Creates the order's payment at the provider and records it; providers answer the same payment for the same order, so this may be repeated. */
  async function openPayment(order: Pick<OrderRow, 'id' | 'amount_minor' | 'currency'>): Promise<ProviderPayment> {
    const payment = await provider.createPayment({ orderId: order.id, amountMinor: order.amount_minor, currency: order.currency });
    await recordPayment(order.id, payment.id);
    return payment;
  }

  /** Records the order's payment id once: webhooks, checks and reconciliation find the payment by it. */
  async function recordPayment(orderId: string, paymentId: string): Promise<void> {
    await kysely.updateTable('orders').set({ provider_payment_id: paymentId }).where('id', '=', orderId).where('provider_payment_id', 'is', null).execute();
  }

  /**
   * The order with its payment id, asked of the provider when a crash stopped its recording (at the
   * order's creation, then again at its checkout): providers answer the same payment for the same
   * order, so a payment made without the id on the order is still found and credited.
   */
  async function withPaymentRecorded(order: OrderRow): Promise<OrderRow> {
    if (order.provider_payment_id !== null || order.provider !== provider.name || !['created', 'requires_action', 'processing'].includes(order.status)) return order;
    await openPayment(order);
    return row(order.id);
  }

  /** Brings an order in line with what the provider says about its payment. */
  async function apply(order: OrderRow, payment: ProviderPayment): Promise<OrderRow> {
    switch (payment.status) {
      case 'succeeded':
        return credit(order);
      case 'disputed':
        return clawBack(order);
      case 'refunded':
        // An admin's refund took the coins back before asking the provider: this is that refund, arriving.
        if (order.refund_transfer_id !== null && order.clawback_transfer_id === null) {
          await setStatus(order.id, 'refunded', ['succeeded']);
          return row(order.id);
        }
        return clawBack(order, 'provider_refund');
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

  /** A new order's row: the catalog's price and the promotions the buyer qualifies for now. */
  async function priceOrder(input: {
    userId: string;
    idempotencyKey: string;
    requestHash: string;
    priced: { id: string | null; coins: number; bonusCoins: number; price: Price };
    region: string;
    channel: SalesChannel;
    feeMinor: (amountMinor: bigint) => bigint;
    provider: string;
    providerPaymentId: string | null;
    status: OrderStatus;
  }): Promise<OrderRow> {
    const { priced } = input;
    const history = await usesByPromotion(input.userId);
    const promotion = await pricing.promotionBonus({ region: input.region, coins: priced.coins, isFirstPurchase: history.isFirstPurchase, usesByPromotion: history.uses });
    const amountMinor = BigInt(priced.price.amount);
    const at = now().toISOString();
    return {
      id: newId('ord'),
      user_id: input.userId,
      idempotency_key: input.idempotencyKey,
      request_hash: input.requestHash,
      package_id: priced.id,
      channel: input.channel,
      region: input.region,
      coins: BigInt(priced.coins),
      bonus_coins: BigInt(priced.bonusCoins) + promotion.bonusCoins,
      promotions: JSON.stringify(
        promotion.promotions.map(({ id, kind, bonusPercent, bonusCoins, usesPerUser }): StoredPromotion => ({ id, kind, bonusPercent, bonusCoins: Number(bonusCoins), usesPerUser })),
      ),
      currency: priced.price.currency,
      amount_minor: amountMinor,
      fee_minor: input.feeMinor(amountMinor),
      status: input.status,
      provider: input.provider,
      provider_payment_id: input.providerPaymentId,
      failure_code: null,
      failure_message: null,
      credit_transfer_id: null,
      clawback_transfer_id: null,
      refund_transfer_id: null,
      refund_reason: null,
      created_at: at,
      updated_at: at,
      credited_at: null,
      checkout_claim: null,
    };
  }

  /** Inserts an order; when the unique index says another request made it first, answers with that one. */
  async function insertOrder(order: OrderRow, alreadyMade: () => Promise<OrderRow | undefined>): Promise<{ row: OrderRow; inserted: boolean }> {
    try {
      await kysely.insertInto('orders').values(order).execute();
      return { row: order, inserted: true };
    } catch (error) {
      const raced = await alreadyMade();
      if (!raced) throw error;
      return { row: raced, inserted: false };
    }
  }

  const keyReused = () => new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different order; use a new key for a new order.');

  return {
    toOrder,

    /** Which of these users have had a purchase charged back or refunded at the provider: payout review counts their gifts as risky. */
    async disputedBuyers(userIds: readonly string[]): Promise<Set<string>> {
      if (userIds.length === 0) return new Set();
      const rows = await kysely.selectFrom('orders').select('user_id').distinct().where('user_id', 'in', [...userIds]).where('clawback_transfer_id', 'is not', null).execute();
      return new Set(rows.map((each) => each.user_id));
    },

    async create(userId: string, input: CreateOrderInput, idempotencyKey: string): Promise<{ order: Order; replayed: boolean }> {
      // Prices and promotions follow the account's region, never one the request names.
      const region = (await accounts.getUser(userId)).region.toUpperCase();
      if (input.region !== undefined && input.region.toUpperCase() !== region) {
        throw DomainError.invalidField(
          'region',
          'region_mismatch',
          `Orders are priced in your account's region, ${region}; leave out region or send "${region}". The region is set when the account is made.`,
        );
      }
      const channel = input.channel ?? 'web';
      // `confirm` is left out: a retry that adds it after a confirmation_required refusal is the same order.
      const requestHash = createHash('sha256')
        .update(JSON.stringify([input.packageId ?? null, input.customCoins ?? null, region, channel]))
        .digest('hex');
      const byKey = () => kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).where('idempotency_key', '=', idempotencyKey).executeTakeFirst();
      const existing = await byKey();
      if (existing) {
        if (existing.request_hash !== requestHash) throw keyReused();
        return { order: toOrder(existing), replayed: true };
      }

      await accounts.assertCapability(userId, 'buy_coins');
      if ((input.packageId === undefined) === (input.customCoins === undefined)) {
        throw DomainError.invalidRequest('package_or_custom_required', 'Send either packageId or customCoins.');
      }
      if (channel === 'app') {
        throw DomainError.invalidField(
          'channel',
          'app_purchase_requires_receipt',
          'App-store purchases are paid in the app and credited from the store receipt (POST /api/v1/orders/app-receipts); web orders use channel "web".',
        );
      }
      const priced =
        input.packageId !== undefined
          ? await pricing.pricePackage(input.packageId, region, channel)
          : { id: null, bonusCoins: 0, ...pricing.priceCustom(input.customCoins!, region) };
      const orderRow = await priceOrder({
        userId,
        idempotencyKey,
        requestHash,
        priced,
        region,
        channel,
        feeMinor: (amountMinor) => (amountMinor * CARD_FEE_PER_MILLE + 999n) / 1000n,
        provider: provider.name,
        providerPaymentId: null,
        status: 'created',
      });
      await spending.assertPurchaseAllowed(userId, { coins: priced.coins, confirm: input.confirm === true, priceText: priceText(orderRow) });
      // The same key sent twice at once: the unique index lets one in; the other answers with it.
      const inserted = await insertOrder(orderRow, byKey);
      if (!inserted.inserted) {
        if (inserted.row.request_hash !== requestHash) throw keyReused();
        // A crash between the insert and the payment's creation left the order without one: the retry completes it.
        if (inserted.row.provider_payment_id !== null || inserted.row.provider !== provider.name) return { order: toOrder(inserted.row), replayed: true };
        const payment = await openPayment(inserted.row);
        return { order: withClientSecret(toOrder(await row(inserted.row.id)), payment), replayed: true };
      }
      const payment = await openPayment(orderRow);
      return { order: withClientSecret(toOrder(await row(orderRow.id)), payment), replayed: false };
    },

    /**
     * An app-store purchase: the store already charged the buyer, so a genuine
     * receipt is credited at once, and a receipt is credited at most once,
     * whoever sends it and however often.
     */
    async creditAppReceipt(userId: string, receipt: string): Promise<{ order: Order; replayed: boolean }> {
      await accounts.assertCapability(userId, 'buy_coins');
      const transaction = await appStore.verify(receipt);
      const byTransaction = () =>
        kysely.selectFrom('orders').selectAll().where('provider', '=', appStore.name).where('provider_payment_id', '=', transaction.transactionId).executeTakeFirst();
      let order = await byTransaction();
      let replayed = true;
      if (!order) {
        const priced = await pricing.pricePackage(transaction.productId, transaction.storefront, 'app');
        const orderRow = await priceOrder({
          userId,
          idempotencyKey: `app_receipt:${transaction.transactionId}`,
          requestHash: createHash('sha256').update(transaction.transactionId).digest('hex'),
          priced,
          region: transaction.storefront,
          channel: 'app',
          feeMinor: (amountMinor) => (amountMinor * BigInt(deps.appFeePercent) + 99n) / 100n,
          provider: appStore.name,
          providerPaymentId: transaction.transactionId,
          status: 'processing',
        });
        const inserted = await insertOrder(orderRow, byTransaction);
        order = inserted.row;
        replayed = !inserted.inserted;
      }
      if (order.user_id !== userId) throw DomainError.conflict('receipt_already_used', 'This receipt was already credited to another account.');
      // A crash between the insert and the credit is healed by sending the receipt again.
      return { order: toOrder(await credit(order)), replayed };
    },

    async get(userId: string, orderId: string): Promise<Order> {
      return toOrder(await ownRow(userId, orderId));
    },

    /** The buyer's receipt for a paid order: what was bought, for how much, how it was paid, and any refund. */
    async receipt(userId: string, orderId: string): Promise<Receipt> {
      const order = await ownRow(userId, orderId);
      if (order.credit_transfer_id === null || order.credited_at === null) {
        throw DomainError.conflict('receipt_unavailable', `This order is ${order.status.replace(/_/g, ' ')}; a receipt is issued once it is paid.`);
      }
      const bonus = order.bonus_coins > 0n ? ` + ${order.bonus_coins.toLocaleString('en-US')} bonus` : '';
      return {
        number: order.id,
        issuedAt: order.credited_at,
        description: `${order.coins.toLocaleString('en-US')} coins${bonus}${order.package_id ? ` (package ${order.package_id})` : ' (custom amount)'}`,
        coins: Number(order.coins),
        bonusCoins: Number(order.bonus_coins),
        total: { amount: Number(order.amount_minor), currency: order.currency, formatted: priceText(order) },
        channel: order.channel as SalesChannel,
        paidWith: order.provider,
        paymentReference: order.provider_payment_id,
        status: order.status === 'refunded' ? 'refunded' : order.status === 'disputed' ? 'charged_back' : 'paid',
        note: 'Coins are a licence to use virtual items; they are not refundable and cannot be exchanged for money.',
      };
    },

    /**
     * The buyer's own order, when it can still be paid: not canceled, paid or
     * settled already, and still within their budget and the platform's limits.
     */
    async payable(userId: string, orderId: string): Promise<{ order: Order; claim: string | null }> {
      const order = await ownRow(userId, orderId);
      const notPayable = (status: string) => DomainError.conflict('order_not_payable', `This order is ${status.replace(/_/g, ' ')} and cannot be paid; place a new order.`);
      if (order.status !== 'created' && order.status !== 'requires_action') throw notPayable(order.status);
      // The limits are checked, and the order made to count against them, in one serialized write per buyer.
      const claim = newId('chk');
      const claimed = await spending.claimPurchase(userId, { coins: Number(order.coins), priceText: priceText(order), excludingOrderId: order.id }, async (trx) => {
        const current = await trx.selectFrom('orders').select(['status', 'checkout_claim']).where('id', '=', orderId).executeTakeFirstOrThrow();
        if (current.status !== 'created' && current.status !== 'requires_action') throw notPayable(current.status);
        if (current.checkout_claim !== null) return false;
        await trx.updateTable('orders').set({ checkout_claim: claim, updated_at: now().toISOString() }).where('id', '=', orderId).execute();
        return true;
      });
      return { order: toOrder(order), claim: claimed ? claim : null };
    },

    /** A checkout refused before the payment was attempted (such as an unknown card) gives back its claim, so the order stops counting. */
    async releaseCheckout(orderId: string, claim: string | null): Promise<void> {
      if (claim === null) return;
      await kysely.updateTable('orders').set({ checkout_claim: null }).where('id', '=', orderId).where('checkout_claim', '=', claim).where('status', '=', 'created').execute();
    },

    /** A buyer's orders, newest first: the latest `limit`, or all of them. */
    async listForUser(userId: string, limit?: number): Promise<Order[]> {
      const newestFirst = kysely.selectFrom('orders').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc');
      const rows = await (limit === undefined ? newestFirst : newestFirst.limit(limit)).execute();
      return rows.map(toOrder);
    },

    /** The caller's side of a checkout: the order moves to processing (or requires_action, or failed). */
    async afterCheckout(orderId: string, payment: ProviderPayment): Promise<Order> {
      // The order may have lost its payment id to a crash when it was created; without it the payment would never be credited.
      await recordPayment(orderId, payment.id);
      const order = await row(orderId);
      if (payment.status === 'succeeded') await setStatus(orderId, 'processing', ['created', 'requires_action']);
      // Success is credited from the webhook or a poll; failures and challenges are shown at once.
      return toOrder(payment.status === 'succeeded' ? await row(orderId) : await apply(order, payment));
    },

    /**
     * A verified webhook event from one of the providers. Idempotent: the event
     * id is recorded after the work, so a crash in between redoes it.
     */
    async handleEvent(from: PaymentProvider, event: PaymentEvent): Promise<'processed' | 'duplicate' | 'unknown_order'> {
      const seen = await kysely.selectFrom('payment_events').select('event_id').where('provider', '=', from.name).where('event_id', '=', event.id).executeTakeFirst();
      if (seen) return 'duplicate';
      // Some events (a dispute) name only the payment, not the order.
      const order = await kysely
        .selectFrom('orders')
        .selectAll()
        .where('provider', '=', from.name)
        .where('provider_payment_id', '=', event.paymentId)
        .executeTakeFirst();
      if (!order || (event.orderId !== '' && order.id !== event.orderId)) return 'unknown_order';
      // Events may arrive late or out of order: act on the payment's current state at the provider.
      const payment = await from.retrievePayment(event.paymentId);
      if (payment) await apply(order, payment);
      await kysely
        .insertInto('payment_events')
        .values({ provider: from.name, event_id: event.id, type: event.type, order_id: order.id, received_at: now().toISOString() })
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .execute();
      return 'processed';
    },

    /** "Where are my coins?": asks the provider now and settles the order if it was paid. */
    async check(userId: string, orderId: string): Promise<Order> {
      const order = await withPaymentRecorded(await ownRow(userId, orderId));
      if (order.provider_payment_id === null || !providers.has(order.provider)) return toOrder(order);
      const payment = await providerOf(order).retrievePayment(order.provider_payment_id);
      return payment ? withClientSecret(toOrder(await apply(order, payment)), payment) : toOrder(order);
    },

    /** An admin's exceptional refund of an order's coins, while they are unspent. */
    async refund(orderId: string, input: { reason: string; adminId: string }): Promise<Order> {
      const order = await row(orderId);
      if (order.credit_transfer_id === null) throw DomainError.conflict('order_not_paid', `This order is ${order.status.replace(/_/g, ' ')}; only a paid order can be refunded.`);
      if (!providers.has(order.provider)) {
        throw DomainError.conflict('refund_through_store', 'This purchase was paid through an app store; the buyer asks the store for a refund, and the store reports it.');
      }
      const refunded = await refund(order, input.reason);
      if (order.status !== 'refunded') await accounts.recordActivity(input.adminId, 'admin_refunded_order', { orderId, userId: order.user_id, reason: input.reason });
      return toOrder(refunded);
    },

    /** Any order, for admins, with what the buyer spent after it was credited. */
    async getForAdmin(orderId: string) {
      const found = await row(orderId);
      const spentAfter = (await coinsSpentAfter(found)).map(({ id, at, kind, amount, description }) => ({ transferId: id, at, kind, coins: Number(amount), description }));
      return { ...toOrder(found), userId: found.user_id, providerPaymentId: found.provider_payment_id, spentAfter };
    },

    /** Orders for admins, newest first, by status and buyer; `after` is the last order id of the previous page. */
    async listForAdmin(filter: { status?: OrderStatus; userId?: string; limit: number; after?: string }) {
      let query = kysely.selectFrom('orders').selectAll();
      if (filter.status !== undefined) query = query.where('status', '=', filter.status);
      if (filter.userId !== undefined) query = query.where('user_id', '=', filter.userId);
      if (filter.after !== undefined) {
        const last = await kysely.selectFrom('orders').select(['created_at', 'id']).where('id', '=', filter.after).executeTakeFirst();
        if (!last) throw DomainError.invalidField('after', 'invalid_cursor', 'after must be the nextCursor of a previous page.');
        query = query.where((eb) => eb.or([eb('created_at', '<', last.created_at), eb.and([eb('created_at', '=', last.created_at), eb('id', '<', last.id)])]));
      }
      const rows = await query.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(filter.limit + 1).execute();
      const shown = rows.slice(0, filter.limit);
      return {
        orders: shown.map((found) => ({ ...toOrder(found), userId: found.user_id, providerPaymentId: found.provider_payment_id })),
        nextCursor: rows.length > filter.limit ? shown[shown.length - 1]!.id : null,
      };
    },

    /**
     * Compares unsettled and recently paid orders with the provider and settles
     * them: paid but not credited are credited, failed are marked, disputed and
     * refunded at the provider are clawed back. Reports what it could not settle.
     * An aborted `signal` ends it between orders, leaving the rest unchecked.
     */
    async reconcile(options: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal } = {}): Promise<ReconcileReport> {
      const report: ReconcileReport = { checked: 0, credited: [], failed: [], clawedBack: [], refunded: [], canceled: [], unresolved: [] };
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
        // App-store sales are settled by their receipts; only one stopped between its receipt and its credit is picked up.
        .where((eb) => eb.or([eb('provider', '!=', appStore.name), eb('credit_transfer_id', 'is', null)]))
        .orderBy('created_at')
        .execute();
      for (const [index, found] of open.entries()) {
        if (options.signal?.aborted) break;
        report.checked += 1;
        options.onProgress?.(index + 1, open.length);
        // Past a day the provider may no longer match a new request to the first payment: such an order is abandoned.
        let order = found;
        try {
          if (found.created_at > abandonedBefore) order = await withPaymentRecorded(found);
        } catch (error) {
          report.unresolved.push({ orderId: found.id, reason: (error as Error).message });
          continue;
        }
        if (order.provider_payment_id === null) {
          if (!(await cancelIfAbandoned(order))) report.unresolved.push({ orderId: order.id, reason: 'no payment was created at the provider yet' });
          continue;
        }
        try {
          if (order.provider === appStore.name) {
            await credit(order);
            report.credited.push(order.id);
            continue;
          }
          if (order.refund_transfer_id !== null) {
            // An admin's refund whose coins were taken back but whose money was not yet returned.
            await refund(order, order.refund_reason ?? '');
            report.refunded.push(order.id);
            continue;
          }
          const payment = await providerOf(order).retrievePayment(order.provider_payment_id);
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
