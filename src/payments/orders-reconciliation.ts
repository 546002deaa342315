import { reconcileAppStore, type AppStoreReconcileReport } from './orders-app-store.js';
import { credit } from './orders-credit.js';
import type { OrderRecords, OrderRow } from './orders-records.js';
import { refundOrder } from './orders-refunds.js';
import { applyPayment } from './orders-settlement.js';

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
  /** With an app store that has a server of its own (Apple): what its transaction history showed. */
  appStore?: AppStoreReconcileReport;
}

/** Settling every order the webhooks may have missed. */
export interface OrderReconciliation {
  /** Settles unsettled and recently paid orders by what the provider says now, and reports what it could not settle. */
  reconcile(options?: { onProgress?: (done: number, total: number) => void; signal?: AbortSignal }): Promise<ReconcileReport>;
}

const DISPUTE_WINDOW_MS = 120 * 86_400_000;
/** An order still unpaid this long after it was made is abandoned. */
const ABANDONED_AFTER_MS = 86_400_000;

export function createOrderReconciliation(records: OrderRecords): OrderReconciliation {
  const { db, appStore, now } = records.deps;
  const kysely = db.kysely;
  return {
    /**
     * Compares unsettled and recently paid orders with the provider and settles
     * them: paid but not credited are credited, failed are marked, disputed and
     * refunded at the provider are clawed back. Reports what it could not settle.
     * An aborted `signal` ends it between orders, leaving the rest unchecked.
     */
    async reconcile(options = {}) {
      const report: ReconcileReport = { checked: 0, credited: [], failed: [], clawedBack: [], refunded: [], canceled: [], unresolved: [] };
      const abandonedBefore = new Date(now().getTime() - ABANDONED_AFTER_MS).toISOString();
      const cancelIfAbandoned = async (order: OrderRow): Promise<boolean> => {
        if (order.status !== 'created' && order.status !== 'requires_action') return false;
        if (order.created_at > abandonedBefore) return false;
        await records.setStatus(order.id, 'canceled', ['created', 'requires_action'], { failure_code: 'abandoned', failure_message: 'The order was not paid within a day.' });
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
          if (found.created_at > abandonedBefore) order = await records.withPaymentRecorded(found);
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
            await credit(records, order);
            report.credited.push(order.id);
            continue;
          }
          if (order.refund_transfer_id !== null) {
            // An admin's refund whose coins were taken back but whose money was not yet returned.
            await refundOrder(records, order, order.refund_reason ?? '');
            report.refunded.push(order.id);
            continue;
          }
          const payment = await records.providerOf(order).retrievePayment(order.provider_payment_id);
          if (!payment) {
            report.unresolved.push({ orderId: order.id, reason: `the provider does not know payment ${order.provider_payment_id}` });
            continue;
          }
          if ((payment.status === 'requires_payment_method' || payment.status === 'requires_action') && (await cancelIfAbandoned(order))) continue;
          const settled = await applyPayment(records, order, payment);
          if (order.credit_transfer_id === null && settled.credit_transfer_id !== null) report.credited.push(order.id);
          if (order.status !== 'failed' && settled.status === 'failed') report.failed.push(order.id);
          if (order.clawback_transfer_id === null && settled.clawback_transfer_id !== null) report.clawedBack.push(order.id);
        } catch (error) {
          report.unresolved.push({ orderId: order.id, reason: (error as Error).message });
        }
      }
      // Purchases made in the app store are compared with the store's own records of them.
      if (records.deps.appStoreServer && !options.signal?.aborted) report.appStore = await reconcileAppStore(records, disputeWindowStart, report, options.signal);
      return report;
    },
  };
}
