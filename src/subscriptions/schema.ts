import type { Generated } from 'kysely';

/**
 * Table types of creator subscriptions, merged into the global `Schema` (src/db/schema.ts). Integers
 * are bigint on both engines; timestamps are ISO 8601 UTC strings, so they compare in text order.
 */
export interface SubscriptionsSchema {
  subscription_tiers: SubscriptionTierTable;
  subscriptions: SubscriptionTable;
  subscription_payments: SubscriptionPaymentTable;
  subscription_gifts: SubscriptionGiftTable;
  premium_plan: PremiumPlanTable;
}

declare module '../db/schema.js' {
  interface Schema extends SubscriptionsSchema {}
}

/** One of a creator's up to three subscription tiers. Tiers are closed, never deleted: subscriptions refer to them. */
export interface SubscriptionTierTable {
  creator_id: string;
  /** 1, 2 or 3: a higher level is a dearer tier. */
  level: bigint;
  name: string;
  /** The price of one month, in coins. */
  price_coins: bigint;
  /** JSON array of the perks the creator lists, as text for people. */
  perks: string;
  /** JSON array of the tier's chat emotes, `{ code, image }`: its subscribers and those of higher levels may use them. */
  emotes: Generated<string>;
  /** 1 while new subscribers may choose it; 0 once the creator closed it (renewals go on at its price). */
  open: bigint;
  created_at: string;
  updated_at: string;
}

/**
 * A viewer's subscription to a creator: one row per pair, ever, so two concurrent subscribes meet on its
 * key. What was paid is in `subscription_payments`, committed with each ledger transfer; the period
 * columns here follow it (a crash between the two is repaired from the payments).
 */
export interface SubscriptionTable {
  id: string;
  subscriber_id: string;
  creator_id: string;
  /** active (paid through the period), past_due (a renewal failed: in grace), ended (no access), or new (never paid). */
  status: string;
  /** The tier of the current period. */
  tier_level: bigint;
  /** What each renewal charges: the tier's price when the subscriber chose it, kept when the creator changes it. */
  price_coins: bigint;
  /** A downgrade waiting for the next renewal; null when none. */
  next_tier_level: bigint | null;
  /** 1 when the subscriber cancelled: access to the period's end, then no renewal. */
  cancel_at_period_end: bigint;
  /** The last paid period's index (1 for the first ever); 0 before any. */
  period_index: bigint;
  current_period_start: string | null;
  current_period_end: string | null;
  /** The start of the current run of unbroken months: each period ends a whole number of months after it. */
  anchor_at: string | null;
  /** Months paid in the current run. */
  streak_months: bigint;
  /** Months paid ever. */
  total_months: bigint;
  /** Until when a failed renewal may still be paid (past_due only). */
  grace_ends_at: string | null;
  /** When the next attempt at a failed renewal is made (past_due only). */
  next_attempt_at: string | null;
  /** The refusal's code of the last failed renewal. */
  last_failure: string | null;
  ended_at: string | null;
  /** canceled | payment_failed | closed_by_admin */
  ended_reason: string | null;
  /** The saved card each month's coins are bought with before they are spent on it; null when paid from the coins held. */
  card_id: string | null;
  /** A subscription gift that drew this viewer and is paying their month: nothing else may pay it meanwhile. */
  gift_claim: string | null;
  gift_claimed_at: string | null;
  created_at: string;
  updated_at: string;
}

/**
 * A month (or a move up) of a subscription, written in its ledger transfer's batch. One transfer pays one
 * row, but for a gift, whose transfer pays a month (or several) of each recipient.
 */
export interface SubscriptionPaymentTable {
  transfer_id: string;
  subscription_id: string;
  subscriber_id: string;
  /** Who paid: the subscriber, or the viewer who gifted the month. */
  payer_id: string;
  /** The subscription gift that paid it; null otherwise. */
  gift_id: string | null;
  creator_id: string;
  /** period (a month's price) | upgrade (the prorated difference of a dearer tier for the rest of the period) */
  kind: string;
  /** The period paid for, or upgraded. */
  period_index: bigint;
  tier_level: bigint;
  coins: bigint;
  diamonds: bigint;
  /** The monthly price renewals charge from this payment on. */
  price_coins: bigint;
  period_start: string;
  period_end: string;
  /** The run's months including this period (period payments); the current period's count for an upgrade. */
  streak_months: bigint;
  total_months: bigint;
  /** A digest of the subscriber's Idempotency-Key, for a payment they asked for (not a renewal): a retry answers it. */
  request_key: string | null;
  paid_at: string;
}

/** Subscriptions one viewer bought for others in a live: one named viewer, or viewers drawn from the room. */
export interface SubscriptionGiftTable {
  id: string;
  gifter_id: string;
  creator_id: string;
  live_id: string;
  tier_level: bigint;
  /** Months each recipient gets. */
  months: bigint;
  /** What the gifter pays for all of them. */
  coins: bigint;
  /** JSON array of the recipients' user ids, drawn before paying so a retry pays the same ones. */
  recipients: string;
  /** A digest of the gifter's Idempotency-Key. */
  request_key: string;
  /** claimed (recipients held, not paid yet) | paid | failed (refused; the recipients were let go) */
  status: string;
  transfer_id: string | null;
  created_at: string;
}

/** The perks of the platform's premium plan, beside its tier (creator_id `platform`, level 1); one row, id `premium`. */
export interface PremiumPlanTable {
  id: string;
  /** Bonus coins, in percent of the coins bought, on every purchase a member makes. */
  purchase_bonus_percent: bigint;
  /** 1 when members see no ads in the operator's app (answered by the entitlements API). */
  ad_free: bigint;
  /** Shown beside a member's name, such as ⭐. */
  badge: string;
  updated_at: string;
}
