import type { Generated } from 'kysely';

/**
 * Table types of the gift catalog, merged into the global `Schema`
 * (src/db/schema.ts). Integers are bigint on both engines; timestamps are
 * ISO 8601 UTC strings, so they compare in text order.
 */
export interface GiftsSchema {
  gifts: GiftTable;
  gift_events: GiftEventTable;
  creator_tiers: CreatorTierTable;
}

declare module '../db/schema.js' {
  interface Schema extends GiftsSchema {}
}

/**
 * One payment to a creator, keyed by its ledger transfer: a gift (one send of `quantity`), a paid
 * message or a cheer. The projection behind totals, combos, boards and pinned messages.
 */
export interface GiftEventTable {
  transfer_id: string;
  /** gift | paid_message | cheer */
  kind: string;
  /** Null for a gift to a creator's profile or video; paid messages and cheers are always in a live. */
  live_id: string | null;
  /** The operator's id of the video a gift was sent to; null otherwise. */
  video_id: string | null;
  /** Null for paid messages and cheers. */
  gift_id: string | null;
  sender_id: string;
  creator_id: string;
  /** Gifts sent; 1 for a paid message or a cheer. */
  quantity: bigint;
  coins: bigint;
  diamonds: bigint;
  combo_id: string | null;
  /** Gifts in the combo up to and including this send; `quantity` outside combos. */
  combo_count: bigint;
  /** Until when a paid message stays pinned; null when its tier does not pin, and for other kinds. */
  pinned_until: string | null;
  sent_at: string;
  /** Coins of this payment whose purchase was charged back (or refunded at the provider): the boards no longer count them. */
  clawed_back_coins: Generated<bigint>;
}

/** A creator moved off the standard tier by an admin; creators without a row are standard. */
export interface CreatorTierTable {
  user_id: string;
  /** A tier of GIFT_CREATOR_TIER_SHARES, or standard. */
  tier: string;
  updated_at: string;
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
  /** 1 when only viewers with a subscription to the receiving creator may send it. */
  subscribers_only: Generated<bigint>;
  /** JSON array of ISO 3166-1 alpha-2 codes the gift is offered in; `[]` for every region. */
  regions: string;
  /** enabled | disabled | retired; retired is final. */
  status: string;
  /** Orders gifts of the same price. */
  sort_order: bigint;
  created_at: string;
  updated_at: string;
}
