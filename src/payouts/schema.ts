/**
 * Table types of payouts and chargeback clawbacks, merged into the global `Schema`
 * (src/db/schema.ts). Integers are bigint on both engines; timestamps are ISO 8601 UTC strings.
 */
export interface PayoutsSchema {
  payouts: PayoutTable;
  payout_events: PayoutEventTable;
  payout_quotes: PayoutQuoteTable;
  gift_clawbacks: GiftClawbackTable;
  gift_clawback_creators: GiftClawbackCreatorTable;
}

declare module '../db/schema.js' {
  interface Schema extends PayoutsSchema {}
}

/**
 * A creator's request to turn diamonds into money. Its diamonds (and the money's fiat legs) are
 * reserved by one pending ledger transfer, posted when the provider pays and voided when the payout
 * fails or is rejected.
 */
export interface PayoutTable {
  id: string;
  user_id: string;
  /** The creator's Idempotency-Key; unique per creator. */
  idempotency_key: string;
  diamonds: bigint;
  /** The diamonds' cash value when requested, in the minor unit of `currency`. */
  amount_minor: bigint;
  currency: string;
  method_id: string;
  method_type: string;
  method_label: string;
  /** reserving | in_review | approved | processing | paid | returned | failed | rejected */
  status: string;
  /** The pending transfer reserving the diamonds; null while reserving. */
  hold_transfer_id: string | null;
  /** The post (paid) or void (failed, rejected) of the hold; null while it is open. */
  settle_transfer_id: string | null;
  /** The reversal of a paid payout the bank sent back. */
  return_transfer_id: string | null;
  /** JSON array of { code, message }: why the payout waits for an admin. */
  risk_reasons: string;
  /** Shown to the creator: why the payout was rejected, failed or returned. */
  reason: string | null;
  provider: string;
  provider_reference: string | null;
  reviewed_by: string | null;
  /** The quote a payout in another currency than `currency` was confirmed with; null when it is paid in `currency`. */
  quote_id: string | null;
  /** What the creator receives, in the minor unit of `received_currency`: the quote's amount, or `amount_minor` without a quote. */
  received_minor: bigint | null;
  received_currency: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * The provider's conversion of a payout's cash value into the payout method's currency, shown to the
 * creator before they confirm. Confirmed once: `payout_id` is set by the payout that used it.
 */
export interface PayoutQuoteTable {
  id: string;
  user_id: string;
  diamonds: bigint;
  method_id: string;
  /** The diamonds' cash value, in the minor unit of `source_currency`. */
  source_minor: bigint;
  source_currency: string;
  /** The provider's fee, taken from the source amount, in the minor unit of `source_currency`. */
  fee_minor: bigint;
  /** Target units per source unit, as the provider wrote it (a decimal string). */
  rate: string;
  target_minor: bigint;
  target_currency: string;
  provider: string;
  provider_quote_id: string;
  expires_at: string;
  payout_id: string | null;
  created_at: string;
}

/** One step of a payout's timeline, as the creator sees it. */
export interface PayoutEventTable {
  payout_id: string;
  /** 1, 2, …: the order of the steps, which may share a millisecond. */
  position: bigint;
  status: string;
  note: string | null;
  at: string;
}

/**
 * The gifts a charged-back purchase paid for, traced once per order: which creators' diamonds were
 * reversed and how many could not be, because they were already paid out.
 */
export interface GiftClawbackTable {
  order_id: string;
  buyer_id: string;
  /** Coins of the order traced to gifts. */
  traced_coins: bigint;
  traced_at: string;
}

/** What one creator received of a charged-back purchase, and what was taken back. */
export interface GiftClawbackCreatorTable {
  order_id: string;
  creator_id: string;
  /** JSON array of { transferId, coins, diamonds }: the payments traced, and how much of each. */
  payments: string;
  /** Diamonds the traced payments earned the creator. */
  traced_diamonds: bigint;
  /** Diamonds reversed; less than traced when the rest was already paid out. */
  reversed_diamonds: bigint;
  /** The reversing transfer; null when nothing could be reversed. */
  transfer_id: string | null;
}
