import { createAppStoreNotifications, type AppStoreNotifications } from './orders-app-store.js';
import { createSavedCardPurchases, type SavedCardPurchases } from './orders-cards.js';
import { createOrderPlacing, type OrderPlacing } from './orders-placing.js';
import { createOrderReading, type OrderReading } from './orders-reading.js';
import { createOrderReconciliation, type OrderReconciliation } from './orders-reconciliation.js';
import { createOrderRecords, type OrdersDependencies } from './orders-records.js';
import { createOrderRefunds, type OrderRefunds } from './orders-refunds.js';
import { createOrderSettlement, type OrderSettlement } from './orders-settlement.js';
import { createOrderSources, type OrderSources } from './orders-sources.js';

export type { ReconcileReport } from './orders-reconciliation.js';
export type { AppStoreReconcileReport } from './orders-app-store.js';
export type { BuyWithSavedCardInput, CardPurchaseResult } from './orders-cards.js';

/**
 * Coin orders: placing and checkout, reading, settlement from the providers, refunds, and
 * reconciliation. Coins are credited in ONE ledger transfer with the fiat legs, keyed by the order
 * id: a webhook, a poll of the provider, reconciliation, or all of them at once in any order,
 * credit an order exactly once. App-store purchases are credited from their receipts and settled from the store's notifications. Saved cards are charged off-session for purchases made without the buyer (renewals).
 */
export interface Orders extends OrderPlacing, SavedCardPurchases, OrderReading, OrderSettlement, OrderRefunds, OrderReconciliation, AppStoreNotifications, OrderSources {}

export function createOrders(deps: OrdersDependencies): Orders {
  const records = createOrderRecords(deps);
  return {
    ...createOrderPlacing(records),
    ...createSavedCardPurchases(records),
    ...createOrderReading(records),
    ...createOrderSettlement(records),
    ...createOrderRefunds(records),
    ...createOrderReconciliation(records),
    ...createAppStoreNotifications(records),
    ...createOrderSources(records),
  };
}
