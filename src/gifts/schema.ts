/**
 * Table types of the gift catalog, merged into the global `Schema`
 * (src/db/schema.ts). Integers are bigint on both engines; timestamps are
 * ISO 8601 UTC strings, so they compare in text order.
 */
export interface GiftsSchema {
  gifts: GiftTable;
  gift_events: GiftEventTable;
}

/** One sent gift (one send of `quantity`), keyed by its ledger transfer. */
export interface GiftEventTable {
  transfer_id: string;
  live_id: string;
  gift_id: string;
  sender_id: string;
  creator_id: string;
  quantity: bigint;
  coins: bigint;
  diamonds: bigint;
  combo_id: string | null;
  /** Gifts in the combo up to and including this send. */
  combo_count: bigint;
  sent_at: string;
}

/** A gift viewers can send in a live room. Gifts are retired, never deleted: sent gifts refer to them. */
export interface GiftTable {
  /** Such as `gift_rose`. */
  id: string;
  name: string;
  /** Price of one gift, in coins. */
  coins: bigint;
  /** An emoji, or a URL path to an image. */
  icon: string;
  /** small | medium | large | fullscreen: how big the room shows it. */
  tier: string;
  /** 1 when repeats of the gift count as one streak (a combo). */
  streakable: bigint;
  /** JSON array of ISO 3166-1 alpha-2 codes the gift is offered in; `[]` for every region. */
  regions: string;
  /** enabled | disabled | retired; retired is final. */
  status: string;
  /** Orders gifts of the same price. */
  sort_order: bigint;
  created_at: string;
  updated_at: string;
}
