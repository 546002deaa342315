import type { Selectable } from 'kysely';
import type { Accounts } from '../accounts/index.js';
import type { Database } from '../db/index.js';
import { formatMoney, type Ledger } from '../ledger/index.js';
import { DomainError } from '../shared/errors.js';
import { ratePercentText, type Catalog, type SalesChannel, type TaxRates } from '../store/index.js';
import type { TransactionFilter, TransactionPage, WalletTransaction } from '../wallet/index.js';
import type { AppStoreServer, ReceiptVerifier } from './app-store.js';
import type { PaymentProvider, ProviderPayment } from './provider.js';
import type { OrderTable } from './schema.js';
import type { SpendingControls } from './spending.js';
import type { Order, OrderStatus, OrderTax } from './views.js';

export type OrderRow = Selectable<OrderTable>;
/** A promotion as the order keeps it (JSON): enough to show it and to claim its use at credit. */
export type StoredPromotion = { id: string; kind: string; bonusPercent: number; bonusCoins?: number; usesPerUser?: number | null };

/** What orders need from the catalog: prices come from the server, never from the client. */
export type OrderPricing = Pick<Catalog, 'pricePackage' | 'priceCustom' | 'customPricing' | 'promotionBonus'>;

/** Why an order's coins are taken back whatever the wallet holds: a chargeback, or a refund made at the provider. */
export type ClawbackCause = 'chargeback' | 'provider_refund';

export interface OrdersDependencies {
  db: Database;
  ledger: Ledger;
  accounts: Accounts;
  pricing: OrderPricing;
  /** The region's tax rate in force when an order is priced. */
  taxRates: Pick<TaxRates, 'inForce'>;
  spending: SpendingControls;
  /** Takes new web orders. */
  provider: PaymentProvider;
  /** Providers earlier orders may have been paid through, so they can still be settled. */
  formerProviders?: readonly PaymentProvider[];
  /** Verifies app-channel purchases, which the app store charged. */
  appStore: ReceiptVerifier;
  /** The same app store when it has a server of its own (Apple): its notifications and its transaction history. */
  appStoreServer?: AppStoreServer;
  /** Share of an app sale the app store keeps, in percent. */
  appFeePercent: number;
  /** The buyer's wallet history, to show admins where a disputed purchase's coins went. */
  walletHistory: (userId: string, filter: TransactionFilter, limit: number) => Promise<TransactionPage>;
  /** Takes back from creators the diamonds a charged-back (or provider-refunded) order's coins earned them; called again for the same order, it does nothing. */
  clawBackGifts: (order: { id: string; buyerId: string; creditTransferId: string; cause: ClawbackCause }) => Promise<unknown>;
  /** The bonus, in percent of the coins bought, the buyer's premium membership gives on every purchase; 0 for others. */
  memberBonusPercent: (userId: string) => Promise<number>;
  publicUrl: string;
  now: () => Date;
  /**
   * Told when an order's payment fails, once per order, for metrics. (Credits, refunds and chargebacks
   * are ledger transfers whose webhook events metrics count as they commit.)
   */
  paymentFailed?: () => void;
}

export const priceText = (order: Pick<OrderRow, 'amount_minor' | 'currency'>): string => formatMoney(order.amount_minor, order.currency);

/** The order's tax as buyers see it; null when the region had no tax when it was priced. */
export function orderTax(row: Pick<OrderRow, 'tax_minor' | 'tax_rate_ppm' | 'tax_pricing' | 'currency'>): OrderTax | null {
  if (row.tax_rate_ppm === 0n) return null;
  return { amount: Number(row.tax_minor), currency: row.currency, ratePercent: ratePercentText(row.tax_rate_ppm), pricing: row.tax_pricing as OrderTax['pricing'] };
}

export function withClientSecret(order: Order, payment: ProviderPayment): Order {
  return order.checkout && payment.clientSecret ? { ...order, checkout: { ...order.checkout, clientSecret: payment.clientSecret } } : order;
}

/** The order rows and their payments at the providers, as every part of orders reads and writes them. */
export interface OrderRecords {
  deps: OrdersDependencies;
  /** Whether orders paid through this provider can be settled: it takes new orders, or took earlier ones. */
  hasProvider(name: string): boolean;
  /** The provider the order was paid through; throws when it is no longer configured. */
  providerOf(order: Pick<OrderRow, 'id' | 'provider'>): PaymentProvider;
  /** The order as its buyer and the API see it. */
  toOrder(row: OrderRow): Order;
  /** Any order's row; not found when there is none. */
  row(orderId: string): Promise<OrderRow>;
  /** The user's own order's row; someone else's is not found. */
  ownRow(userId: string, orderId: string): Promise<OrderRow>;
  /** Moves the order to `status` when it is in one of `from`. */
  /** Answers whether the order was in one of `from` and so changed. */
  setStatus(orderId: string, status: OrderStatus, from: OrderStatus[], extra?: Partial<Pick<OrderRow, 'failure_code' | 'failure_message'>>): Promise<boolean>;
  /** Creates the order's payment at the provider and records it; providers answer the same payment for the same order, so this may be repeated. */
  openPayment(order: Pick<OrderRow, 'id' | 'amount_minor' | 'currency'>): Promise<ProviderPayment>;
  /** Records the order's payment id once: webhooks, checks and reconciliation find the payment by it. */
  recordPayment(orderId: string, paymentId: string): Promise<void>;
  /**
   * The order with its payment id, asked of the provider when a crash stopped its recording (at the
   * order's creation, then again at its checkout): providers answer the same payment for the same
   * order, so a payment made without the id on the order is still found and credited.
   */
  withPaymentRecorded(order: OrderRow): Promise<OrderRow>;
  /** Where a purchase's coins may have gone: what the buyer's wallet spent after the credit (up to 50 entries). */
  coinsSpentAfter(order: OrderRow): Promise<WalletTransaction[]>;
}

export function createOrderRecords(deps: OrdersDependencies): OrderRecords {
  const { db, provider, now } = deps;
  const kysely = db.kysely;
  const providers = new Map([provider, ...(deps.formerProviders ?? [])].map((p) => [p.name, p]));

  function providerOf(order: Pick<OrderRow, 'id' | 'provider'>): PaymentProvider {
    const found = providers.get(order.provider);
    if (!found) throw new Error(`order ${order.id} was paid through ${order.provider}, which is not configured`);
    return found;
  }

  function toOrder(row: OrderRow): Order {
    // An order charged to a saved card has no checkout: nobody pays it by hand.
    const open = (row.status === 'created' || row.status === 'requires_action') && row.saved_card_id === null;
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
      tax: orderTax(row),
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

  async function setStatus(orderId: string, status: OrderStatus, from: OrderStatus[], extra: Partial<Pick<OrderRow, 'failure_code' | 'failure_message'>> = {}): Promise<boolean> {
    const updated = await kysely
      .updateTable('orders')
      .set({ status, updated_at: now().toISOString(), ...extra })
      .where('id', '=', orderId)
      .where('status', 'in', from)
      .executeTakeFirst();
    return updated.numUpdatedRows > 0n;
  }

  async function coinsSpentAfter(order: OrderRow): Promise<WalletTransaction[]> {
    if (order.credit_transfer_id === null) return [];
    const page = await deps.walletHistory(order.user_id, { asset: 'coins', afterTransferId: order.credit_transfer_id }, 50);
    return page.transactions.filter((each) => each.direction === 'debit' && each.reference.orderId === undefined);
  }

  async function openPayment(order: Pick<OrderRow, 'id' | 'amount_minor' | 'currency'>): Promise<ProviderPayment> {
    const payment = await provider.createPayment({ orderId: order.id, amountMinor: order.amount_minor, currency: order.currency });
    await recordPayment(order.id, payment.id);
    return payment;
  }

  async function recordPayment(orderId: string, paymentId: string): Promise<void> {
    await kysely.updateTable('orders').set({ provider_payment_id: paymentId }).where('id', '=', orderId).where('provider_payment_id', 'is', null).execute();
  }

  async function withPaymentRecorded(order: OrderRow): Promise<OrderRow> {
    if (order.provider_payment_id !== null || order.provider !== provider.name || !['created', 'requires_action', 'processing'].includes(order.status)) return order;
    // A saved card's charge is made, and found again, only by retrying its purchase (or heard of by webhook): nothing else charges it.
    if (order.saved_card_id !== null) return order;
    await openPayment(order);
    return row(order.id);
  }

  return {
    deps,
    hasProvider: (name) => providers.has(name),
    providerOf,
    toOrder,
    row,
    ownRow,
    setStatus,
    openPayment,
    recordPayment,
    withPaymentRecorded,
    coinsSpentAfter,
  };
}
