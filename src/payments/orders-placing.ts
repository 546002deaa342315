import { createHash } from 'node:crypto';
import { newId } from '../db/index.js';
import { DomainError } from '../shared/errors.js';
import { saleTax, type SalesChannel } from '../store/index.js';
import { appAccountTokenOf, invalidReceipt } from './app-store.js';
import { revokedBeforeCredit } from './orders-app-store.js';
import { credit } from './orders-credit.js';
import { priceText, withClientSecret, type OrderRecords, type OrderRow, type StoredPromotion } from './orders-records.js';
import type { Order, OrderStatus, Price } from './views.js';
import { applyPayment } from './orders-settlement.js';
import type { ProviderPayment } from './provider.js';

export interface CreateOrderInput {
  packageId?: string;
  customCoins?: number;
  /** Optional, and must be the account's own region: orders are always priced in it. */
  region?: string;
  channel?: SalesChannel;
  /** Needed for orders of the configured large-purchase size and above. */
  confirm?: boolean;
}

/** Placing orders, on the web or from app-store receipts, and their checkout. */
export interface OrderPlacing {
  /** Places a web order priced by the catalog; the same Idempotency-Key answers the order first placed with it. */
  create(userId: string, input: CreateOrderInput, idempotencyKey: string): Promise<{ order: Order; replayed: boolean }>;
  /** Credits an app-store purchase from its receipt, at most once whoever sends it and however often. */
  creditAppReceipt(userId: string, receipt: string): Promise<{ order: Order; replayed: boolean }>;
  /** The buyer's own order when it can still be paid, claimed against their limits for a checkout. */
  payable(userId: string, orderId: string): Promise<{ order: Order; claim: string | null }>;
  /** Gives back a checkout's claim when the payment was refused before it was attempted. */
  releaseCheckout(orderId: string, claim: string | null): Promise<void>;
  /** The caller's side of a checkout: the order moves to processing (or requires_action, or failed). */
  afterCheckout(orderId: string, payment: ProviderPayment): Promise<Order>;
}

/** Card processing fee on web orders, in tenths of a percent (2.9%) of what is charged, rounded up to the minor unit. */
const CARD_FEE_PER_MILLE = 29n;
export const cardFeeMinor = (charged: { totalMinor: bigint }): bigint => (charged.totalMinor * CARD_FEE_PER_MILLE + 999n) / 1000n;

const keyReused = () => new DomainError('idempotency_conflict', 'idempotency_key_reused', 'This Idempotency-Key was used for a different order; use a new key for a new order.');

async function usesByPromotion(records: OrderRecords, userId: string): Promise<{ isFirstPurchase: boolean; uses: Record<string, number> }> {
  const paid = await records.deps.db.kysely.selectFrom('orders').select('promotions').where('user_id', '=', userId).where('credit_transfer_id', 'is not', null).execute();
  const uses: Record<string, number> = {};
  for (const order of paid) for (const promotion of JSON.parse(order.promotions) as { id: string }[]) uses[promotion.id] = (uses[promotion.id] ?? 0) + 1;
  return { isFirstPurchase: paid.length === 0, uses };
}

export interface OrderPricingInput {
  userId: string;
  idempotencyKey: string;
  requestHash: string;
  priced: { id: string | null; coins: number; bonusCoins: number; price: Price };
  region: string;
  channel: SalesChannel;
  /** The provider's or store's fee, from what the buyer pays and the tax in it. */
  feeMinor: (charged: { totalMinor: bigint; taxMinor: bigint }) => bigint;
  provider: string;
  providerPaymentId: string | null;
  status: OrderStatus;
  /** The saved card an off-session purchase is charged to. */
  savedCardId?: string;
}

/** A new order's row: the catalog's price and the promotions the buyer qualifies for now. */
export async function priceOrderRow(records: OrderRecords, input: OrderPricingInput): Promise<OrderRow> {
  const { pricing, memberBonusPercent, now } = records.deps;
  const { priced } = input;
  const history = await usesByPromotion(records, input.userId);
  const promotion = await pricing.promotionBonus({ region: input.region, coins: priced.coins, isFirstPurchase: history.isFirstPurchase, usesByPromotion: history.uses });
  // Premium members get their plan's bonus on top, rounded down as promotions are; it shows among the order's promotions.
  const memberPercent = await memberBonusPercent(input.userId);
  const memberCoins = (BigInt(priced.coins) * BigInt(memberPercent)) / 100n;
  const stored: StoredPromotion[] = [
    ...promotion.promotions.map(({ id, kind, bonusPercent, bonusCoins, usesPerUser }): StoredPromotion => ({ id, kind, bonusPercent, bonusCoins: Number(bonusCoins), usesPerUser })),
    ...(memberCoins > 0n ? [{ id: 'premium', kind: 'premium', bonusPercent: memberPercent, bonusCoins: Number(memberCoins), usesPerUser: null }] : []),
  ];
  const at = now().toISOString();
  // The rate in force when the order is priced stays the order's, whatever the region's later rates.
  const tax = saleTax(BigInt(priced.price.amount), await records.deps.taxRates.inForce(input.region, at));
  return {
    id: newId('ord'),
    user_id: input.userId,
    idempotency_key: input.idempotencyKey,
    request_hash: input.requestHash,
    package_id: priced.id,
    channel: input.channel,
    region: input.region,
    coins: BigInt(priced.coins),
    bonus_coins: BigInt(priced.bonusCoins) + promotion.bonusCoins + memberCoins,
    promotions: JSON.stringify(stored),
    currency: priced.price.currency,
    amount_minor: tax.totalMinor,
    fee_minor: input.feeMinor(tax),
    tax_minor: tax.taxMinor,
    tax_rate_ppm: tax.ratePpm,
    tax_pricing: tax.pricing,
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
    saved_card_id: input.savedCardId ?? null,
  };
}

export function createOrderPlacing(records: OrderRecords): OrderPlacing {
  const { db, accounts, pricing, spending, provider, appStore, now } = records.deps;
  const kysely = db.kysely;
  const priceOrder = (input: OrderPricingInput) => priceOrderRow(records, input);

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

  return {
    async create(userId, input, idempotencyKey) {
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
        return { order: records.toOrder(existing), replayed: true };
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
      const priced = input.packageId !== undefined ? await pricing.pricePackage(input.packageId, region, channel) : { id: null, bonusCoins: 0, ...pricing.priceCustom(input.customCoins!, region) };
      const orderRow = await priceOrder({
        userId,
        idempotencyKey,
        requestHash,
        priced,
        region,
        channel,
        feeMinor: cardFeeMinor,
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
        if (inserted.row.provider_payment_id !== null || inserted.row.provider !== provider.name) return { order: records.toOrder(inserted.row), replayed: true };
        const payment = await records.openPayment(inserted.row);
        return { order: withClientSecret(records.toOrder(await records.row(inserted.row.id)), payment), replayed: true };
      }
      const payment = await records.openPayment(orderRow);
      return { order: withClientSecret(records.toOrder(await records.row(orderRow.id)), payment), replayed: false };
    },

    /** The store already charged the buyer, so a genuine receipt is credited at once. */
    async creditAppReceipt(userId, receipt) {
      await accounts.assertCapability(userId, 'buy_coins');
      const transaction = await appStore.verify(receipt);
      // A receipt signed before the store refunded it still verifies; the refund's notification said so.
      if (await revokedBeforeCredit(records, appStore.name, transaction.transactionId)) throw invalidReceipt('the store refunded or revoked it');
      // A purchase the app made for another account (its appAccountToken) is that account's, whoever sends the receipt first.
      if (transaction.appAccountToken !== undefined && transaction.appAccountToken !== appAccountTokenOf(userId)) {
        throw DomainError.conflict('receipt_of_another_account', 'This purchase was made in the app for another account; sign in to that account to receive its coins.');
      }
      const byTransaction = () => kysely.selectFrom('orders').selectAll().where('provider', '=', appStore.name).where('provider_payment_id', '=', transaction.transactionId).executeTakeFirst();
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
          // App stores take their commission on the price net of the tax they collect.
          feeMinor: ({ totalMinor, taxMinor }) => ((totalMinor - taxMinor) * BigInt(records.deps.appFeePercent) + 99n) / 100n,
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
      const credited = await credit(records, order);
      // A store that waits to hear of the delivery (Google Play) refunds the purchase without it; when it cannot be told, the receipt sent again (or reconciliation) tells it.
      if (transaction.completed === false && appStore.complete) await appStore.complete({ transactionId: transaction.transactionId, packageId: transaction.productId });
      return { order: records.toOrder(credited), replayed };
    },

    /** Payable: not canceled, paid or settled already, and still within the buyer's budget and the platform's limits. */
    async payable(userId, orderId) {
      const order = await records.ownRow(userId, orderId);
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
      return { order: records.toOrder(order), claim: claimed ? claim : null };
    },

    /** A checkout refused before the payment was attempted (such as an unknown card) gives back its claim, so the order stops counting. */
    async releaseCheckout(orderId, claim) {
      if (claim === null) return;
      await kysely.updateTable('orders').set({ checkout_claim: null }).where('id', '=', orderId).where('checkout_claim', '=', claim).where('status', '=', 'created').execute();
    },

    async afterCheckout(orderId, payment) {
      // The order may have lost its payment id to a crash when it was created; without it the payment would never be credited.
      await records.recordPayment(orderId, payment.id);
      const order = await records.row(orderId);
      if (payment.status === 'succeeded') await records.setStatus(orderId, 'processing', ['created', 'requires_action']);
      // Success is credited from the webhook or a poll; failures and challenges are shown at once.
      return records.toOrder(payment.status === 'succeeded' ? await records.row(orderId) : await applyPayment(records, order, payment));
    },
  };
}
