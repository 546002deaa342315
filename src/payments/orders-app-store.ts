import { writeTransaction } from '../db/index.js';
import { userCoinWalletId } from '../ledger/index.js';
import type { AppStoreServer, Consumption, StoreNotification } from './app-store.js';
import type { OrderRecords, OrderRow } from './orders-records.js';
import { clawBack } from './orders-refunds.js';

/** What reconciliation with an app store's transaction history found, beside the orders it settled. */
export interface AppStoreReconcileReport {
  /** The store's transactions looked at. */
  checkedTransactions: number;
  /** Credited purchases whose transaction the store says it has no record of. */
  unknownToStore: { orderId: string; transactionId: string }[];
  /**
   * Coin purchases the store lists that were never credited: the app has not sent their receipt
   * yet (it does when it next runs). `buyerId` is the account whose history listed them.
   */
  neverCredited: { transactionId: string; packageId: string; region: string; purchasedAt: string; buyerId: string }[];
  /** Credited purchases the store was told only now that their coins were delivered (Google Play: acknowledged and consumed). */
  completedAtStore: string[];
}

/** What a look at the purchases the store voided (Google Play's Voided Purchases API) did. */
export interface VoidedPurchasesReport {
  /** Voided purchases the store listed. */
  checked: number;
  /** Orders whose coins were taken back now. */
  clawedBack: string[];
  unresolved: { orderId: string; reason: string }[];
}

/** The app store's own notifications: refunds and revocations (and their reversals), and its requests for consumption data. */
export interface AppStoreNotifications {
  /** A verified notification from the app store's server; its id makes it once. */
  handleStoreNotification(notification: StoreNotification): Promise<'processed' | 'duplicate' | 'unknown_order' | 'ignored' | 'consumption_not_shared'>;
  /** Claws back the purchases a store that lists its voided purchases voided in the time it keeps them; undefined for another store. */
  clawBackVoidedPurchases(signal?: AbortSignal): Promise<VoidedPurchasesReport | undefined>;
}

/** How far back the voided purchases are asked for: Google Play lists them for 30 days, less a minute for the clocks' difference. */
const VOIDED_LISTED_MS = 30 * 86_400_000 - 60_000;
/** How many voided purchases' orders are read in one query. */
const VOIDED_BATCH = 500;

const capitalized = (text: string): string => text.charAt(0).toUpperCase() + text.slice(1);

const storeOf = (records: OrderRecords): AppStoreServer => {
  const store = records.deps.appStoreServer;
  if (!store) throw new Error('no app store with a server of its own is configured');
  return store;
};

/** The mark a refund of a purchase not credited yet leaves, so its receipt (signed before the refund) is refused when it arrives. */
const revokedMark = (transactionId: string): string => `revoked:${transactionId}`;

/** Whether the store refunded or revoked this transaction before any order had it. */
export async function revokedBeforeCredit(records: OrderRecords, store: string, transactionId: string): Promise<boolean> {
  const found = await records.deps.db.kysely.selectFrom('payment_events').select('event_id').where('provider', '=', store).where('event_id', '=', revokedMark(transactionId)).executeTakeFirst();
  return found !== undefined;
}

const orderOfTransaction = (records: OrderRecords, store: AppStoreServer, transactionId: string): Promise<OrderRow | undefined> =>
  records.deps.db.kysely.selectFrom('orders').selectAll().where('provider', '=', store.name).where('provider_payment_id', '=', transactionId).executeTakeFirst();

/**
 * What the ledger shows of a purchase: its coins count as spent as far as the buyer's wallet has
 * dropped below them, so coins still held are taken to be this purchase's own.
 */
async function consumptionOf(records: OrderRecords, order: OrderRow | undefined): Promise<Consumption> {
  if (order === undefined || order.credit_transfer_id === null) return { delivered: false, totalCoins: 0n, spentCoins: 0n };
  const totalCoins = order.coins + order.bonus_coins;
  const held = (await records.deps.ledger.getAccount(userCoinWalletId(order.user_id)))?.posted ?? 0n;
  const unspent = held < 0n ? 0n : held > totalCoins ? totalCoins : held;
  return { delivered: true, totalCoins, spentCoins: totalCoins - unspent };
}

export function createAppStoreNotifications(records: OrderRecords): AppStoreNotifications {
  const { db, now } = records.deps;
  return {
    /** Idempotent: the notification id is recorded after the work, so a crash in between redoes it (each step is once by itself). */
    async handleStoreNotification(notification) {
      const store = storeOf(records);
      const seen = await db.kysely.selectFrom('payment_events').select('event_id').where('provider', '=', store.name).where('event_id', '=', notification.id).executeTakeFirst();
      if (seen) return 'duplicate';
      const { transactionId } = notification;
      if (notification.action === 'none' || transactionId === undefined) return 'ignored';
      const order = await orderOfTransaction(records, store, transactionId);
      const record = { provider: store.name, event_id: notification.id, type: notification.type, order_id: order?.id ?? null, received_at: now().toISOString() };
      let result: 'processed' | 'unknown_order' | 'consumption_not_shared' = 'processed';
      if (notification.action === 'refund_reversed') {
        if (order === undefined) return 'unknown_order';
        // The case and the notification's record commit together, so a redelivery opens no second case.
        await writeTransaction(db, async (trx) => {
          const inserted = await trx
            .insertInto('payment_events')
            .values(record)
            .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
            .executeTakeFirst();
          if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0 || order.clawback_transfer_id === null) return;
          await records.deps.accounts.openCase(
            {
              userId: order.user_id,
              kind: 'store_refund_reversed',
              description:
                `${capitalized(store.label)} reversed its refund of order ${order.id} (transaction ${transactionId}): the buyer paid after all. ` +
                `The ${order.coins + order.bonus_coins} coins taken back when the refund came are not credited again by themselves; restore them and lift the restrictions if support agrees.`,
            },
            trx,
          );
        });
        return 'processed';
      }
      if (notification.action === 'refund') {
        if (order === undefined) {
          // Nothing to take back; the app may still hold the receipt signed before the refund, which is refused from now on.
          await db.kysely
            .insertInto('payment_events')
            .values({ ...record, event_id: revokedMark(transactionId) })
            .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
            .execute();
          return 'unknown_order';
        }
        await clawBack(records, order, 'provider_refund');
      } else if (!(await store.sendConsumption?.(transactionId, await consumptionOf(records, order)))) {
        result = 'consumption_not_shared';
      }
      await db.kysely
        .insertInto('payment_events')
        .values(record)
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .execute();
      return result;
    },

    async clawBackVoidedPurchases(signal) {
      const store = storeOf(records);
      return store.voidedPurchases ? clawBackVoided(records, store, signal) : undefined;
    },
  };
}

/**
 * Claws back every credited purchase the store lists as voided (refunded, charged back or revoked)
 * and not clawed back yet, and marks those never credited so their receipts are refused. Each
 * clawback is once by itself, so a run repeated over the same list changes nothing.
 */
async function clawBackVoided(records: OrderRecords, store: AppStoreServer, signal?: AbortSignal): Promise<VoidedPurchasesReport> {
  const { db, now } = records.deps;
  const voided = await store.voidedPurchases!(new Date(now().getTime() - VOIDED_LISTED_MS), signal);
  const report: VoidedPurchasesReport = { checked: voided.length, clawedBack: [], unresolved: [] };
  for (let start = 0; start < voided.length && !signal?.aborted; start += VOIDED_BATCH) {
    const batch = voided.slice(start, start + VOIDED_BATCH);
    const orders = await db.kysely.selectFrom('orders').selectAll().where('provider', '=', store.name).where('provider_payment_id', 'in', batch).execute();
    const ordered = new Set(orders.map((order) => order.provider_payment_id));
    const uncredited = batch.filter((each) => !ordered.has(each));
    if (uncredited.length > 0) {
      await db.kysely
        .insertInto('payment_events')
        .values(uncredited.map((each) => ({ provider: store.name, event_id: revokedMark(each), type: 'voided_purchase', order_id: null, received_at: now().toISOString() })))
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .execute();
    }
    for (const order of orders) {
      if (order.clawback_transfer_id !== null) continue;
      try {
        await clawBack(records, order, 'provider_refund');
        report.clawedBack.push(order.id);
      } catch (error) {
        report.unresolved.push({ orderId: order.id, reason: (error as Error).message });
      }
    }
  }
  return report;
}

/**
 * Compares credited app-store purchases with the store's transaction history: a purchase the store
 * does not know is unresolved; one the store refunded or revoked (a notification that never came)
 * is clawed back; a coin purchase the store lists that was never credited is reported. Each history
 * call covers every transaction of one store account, so accounts are asked once.
 */
export async function reconcileAppStore(
  records: OrderRecords,
  since: string,
  report: { clawedBack: string[]; unresolved: { orderId: string; reason: string }[] },
  signal?: AbortSignal,
): Promise<AppStoreReconcileReport> {
  const store = storeOf(records);
  const found: AppStoreReconcileReport = { checkedTransactions: 0, unknownToStore: [], neverCredited: [], completedAtStore: [] };
  if (store.voidedPurchases) {
    const voided = await clawBackVoided(records, store, signal);
    report.clawedBack.push(...voided.clawedBack);
    report.unresolved.push(...voided.unresolved);
  }
  const credited = await records.deps.db.kysely
    .selectFrom('orders')
    .selectAll()
    .where('provider', '=', store.name)
    .where('credit_transfer_id', 'is not', null)
    .where('created_at', '>', since)
    .orderBy('created_at')
    .execute();
  const seen = new Set<string>();
  for (const order of credited) {
    if (signal?.aborted) break;
    const transactionId = order.provider_payment_id!;
    if (seen.has(transactionId)) continue;
    let history;
    try {
      history = await store.transactionHistory({ transactionId, packageId: order.package_id ?? '' });
    } catch (error) {
      report.unresolved.push({ orderId: order.id, reason: (error as Error).message });
      continue;
    }
    seen.add(transactionId);
    if (history === undefined) {
      found.unknownToStore.push({ orderId: order.id, transactionId });
      report.unresolved.push({ orderId: order.id, reason: `${store.label} has no record of transaction ${transactionId}` });
      continue;
    }
    for (const transaction of history) {
      if (seen.has(transaction.transactionId) && transaction.transactionId !== transactionId) continue;
      seen.add(transaction.transactionId);
      found.checkedTransactions += 1;
      const ours = transaction.transactionId === transactionId ? order : await orderOfTransaction(records, store, transaction.transactionId);
      // A credit whose answer to the store was lost (the store down, the app gone): the store is told now, before it refunds the purchase for want of it.
      if (ours !== undefined && transaction.completed === false && transaction.revokedAt === undefined && store.complete) {
        try {
          await store.complete({ transactionId: transaction.transactionId, packageId: transaction.productId });
          found.completedAtStore.push(ours.id);
        } catch (error) {
          report.unresolved.push({ orderId: ours.id, reason: (error as Error).message });
        }
      }
      if (ours === undefined) {
        if (transaction.revokedAt === undefined) {
          found.neverCredited.push({
            transactionId: transaction.transactionId,
            packageId: transaction.productId,
            region: transaction.storefront,
            purchasedAt: transaction.purchasedAt,
            buyerId: order.user_id,
          });
        }
      } else if (transaction.revokedAt !== undefined && ours.clawback_transfer_id === null) {
        try {
          await clawBack(records, ours, 'provider_refund');
          report.clawedBack.push(ours.id);
        } catch (error) {
          report.unresolved.push({ orderId: ours.id, reason: (error as Error).message });
        }
      }
    }
  }
  return found;
}
