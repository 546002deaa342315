/**
 * Table types of finance, merged into the global `Schema` (src/db/schema.ts). Integers are bigint on
 * both engines; timestamps are ISO 8601 UTC strings, so they compare in text order.
 */
export interface FinanceSchema {
  goodwill_grants: GoodwillGrantTable;
}

declare module '../db/schema.js' {
  interface Schema extends FinanceSchema {}
}

/** Coins an admin proposed to give a user from the promotions account; they move only once a second admin approves. */
export interface GoodwillGrantTable {
  id: string;
  user_id: string;
  coins: bigint;
  reason: string;
  proposed_by: string;
  /** Unique per proposer: a retried proposal answers the first. */
  idempotency_key: string;
  proposed_at: string;
  /** A grant still pending at this instant can no longer be approved. */
  expires_at: string;
  /** pending | approved | rejected; a pending grant past expires_at is shown as expired. */
  status: string;
  decided_by: string | null;
  decided_at: string | null;
  /** The rejecting admin's note. */
  decision_note: string | null;
  /** The ledger transfer that moved the coins; set after it committed (a start-up repair finishes an approval a crash interrupted). */
  transfer_id: string | null;
}
