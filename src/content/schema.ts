/**
 * Table types of paid content, merged into the global `Schema` (src/db/schema.ts). Integers are bigint on
 * both engines; timestamps are ISO 8601 UTC strings, so they compare in text order.
 */
export interface ContentSchema {
  content_locks: ContentLockTable;
  content_unlocks: ContentUnlockTable;
}

declare module '../db/schema.js' {
  interface Schema extends ContentSchema {}
}

/** A creator's post or video locked behind a coin price, a subscription tier, or either. Removing the lock deletes the row. */
export interface ContentLockTable {
  creator_id: string;
  /** The operator's id of the post or video: 1 to 64 of [A-Za-z0-9_-], unique per creator. */
  content_id: string;
  /** post | video */
  kind: string;
  /** What unlocking it for good costs, in coins; null when it cannot be bought. */
  price_coins: bigint | null;
  /** Subscribers at this level or higher see it while their subscription gives access; null when no tier does. */
  min_tier_level: bigint | null;
  created_at: string;
  updated_at: string;
}

/**
 * A viewer's purchase of one item, keyed by its ledger transfer and written in the transfer's batch. One
 * per viewer and item, ever: the ledger key of the purchase is the viewer's and the item's.
 */
export interface ContentUnlockTable {
  transfer_id: string;
  viewer_id: string;
  creator_id: string;
  content_id: string;
  /** post | video, as the lock said when it was bought. */
  kind: string;
  coins: bigint;
  diamonds: bigint;
  /** A digest of the viewer's Idempotency-Key: a retry with it answers this unlock. */
  request_key: string;
  unlocked_at: string;
}
