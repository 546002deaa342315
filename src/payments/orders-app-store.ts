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
}

/** The app store's own notifications: refunds and revocations (and their reversals), and its requests for consumption data. */
export interface AppStoreNotifications {
  /** A verified notification from the app store's server; its id makes it once. */
  handleStoreNotification(notification: StoreNotification): Promise<'processed' | 'duplicate' | 'unknown_order' | 'ignored' | 'consumption_not_shared'>;
}

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
      const { transaction } = notification;
      if (notification.action === 'none' || transaction === undefined) return 'ignored';
      const order = await orderOfTransaction(records, store, transaction.transactionId);
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
                `The App Store reversed its refund of order ${order.id} (transaction ${transaction.transactionId}): the buyer paid after all. ` +
                `The ${order.coins + order.bonus_coins} coins taken back by transfer ${order.clawback_transfer_id} are not credited again by themselves; restore them and lift the restrictions if support agrees.`,
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
            .values({ ...record, event_id: revokedMark(transaction.transactionId) })
            .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
            .execute();
          return 'unknown_order';
        }
        await clawBack(records, order, 'provider_refund');
      } else if (!(await store.sendConsumption(transaction.transactionId, await consumptionOf(records, order)))) {
        result = 'consumption_not_shared';
      }
      await db.kysely
        .insertInto('payment_events')
        .values(record)
        .onConflict((oc) => oc.columns(['provider', 'event_id']).doNothing())
        .execute();
      return result;
    },
  };
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
  const found: AppStoreReconcileReport = { checkedTransactions: 0, unknownToStore: [], neverCredited: [] };
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
      history = await store.transactionHistory(transactionId);
    } catch (error) {
      report.unresolved.push({ orderId: order.id, reason: (error as Error).message });
      continue;
    }
    seen.add(transactionId);
    if (history === undefined) {
      found.unknownToStore.push({ orderId: order.id, transactionId });
      report.unresolved.push({ orderId: order.id, reason: `the App Store has no record of transaction ${transactionId}` });
      continue;
    }
    for (const transaction of history) {
      if (seen.has(transaction.transactionId) && transaction.transactionId !== transactionId) continue;
      seen.add(transaction.transactionId);
      found.checkedTransactions += 1;
      const ours = transaction.transactionId === transactionId ? order : await orderOfTransaction(records, store, transaction.transactionId);
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
