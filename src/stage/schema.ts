/**
 * Table types of stages (a live's guests) and battles, merged into the global `Schema` (src/db/schema.ts).
 * Integers are bigint on both engines; timestamps are ISO 8601 UTC strings, windows epoch milliseconds.
 */
export interface StageSchema {
  live_guests: LiveGuestTable;
  live_stages: LiveStageTable;
  battles: BattleTable;
  battle_lives: BattleLiveTable;
  battle_scores: BattleScoreTable;
  battle_gifts: BattleGiftTable;
}

declare module '../db/schema.js' {
  interface Schema extends StageSchema {}
}

/** A creator the host of a live invited on stage. */
export interface LiveGuestTable {
  live_id: string;
  guest_id: string;
  /** invited | on_stage | left */
  status: string;
  invited_at: string;
  joined_at: string | null;
  left_at: string | null;
}

/** How many guests a live has on stage: the row accepting a guest updates, so the cap holds across processes. */
export interface LiveStageTable {
  live_id: string;
  guests: bigint;
}

/** Two lives matched for a set time. Side a is the proposer's live, side b the opponent's. */
export interface BattleTable {
  id: string;
  /** solo (each side is its live's host) | team (each side is everyone on its live's stage) */
  mode: string;
  /** Only this gift scores; null: every gift, paid message and cheer scores. */
  gift_id: string | null;
  duration_seconds: bigint;
  live_a: string;
  live_b: string;
  creator_a: string;
  creator_b: string;
  /** proposed | running | ended | declined */
  status: string;
  proposed_at: string;
  /** Set on acceptance: scoring runs from starts_at to ends_at, boosted from boost_at. */
  starts_at: string | null;
  boost_at: string | null;
  ends_at: string | null;
  /** What a gift's coins count for from boost_at. */
  boost_multiplier: bigint;
  /** a | b | tie, once ended. */
  winner: string | null;
  score_a: bigint | null;
  score_b: bigint | null;
  /** JSON: each side's top supporters, recorded with the result. */
  top_supporters: string | null;
  ended_at: string | null;
}

/** A live in a proposed or running battle: one battle per live, whichever process asks. */
export interface BattleLiveTable {
  live_id: string;
  battle_id: string;
}

/** A side's score: moved by the ledger in each scoring gift's transfer, only inside [counts_from_ms, counts_until_ms). */
export interface BattleScoreTable {
  battle_id: string;
  /** a | b */
  side: string;
  counts_from_ms: bigint;
  /** Set to counts_from_ms when the battle ends: nothing scores after. */
  counts_until_ms: bigint;
  score: bigint;
}

/** A gift that scored, written with its transfer if and only if its score was counted. */
export interface BattleGiftTable {
  transfer_id: string;
  battle_id: string;
  side: string;
  sender_id: string;
  recipient_id: string;
  coins: bigint;
  multiplier: bigint;
  /** coins × multiplier */
  score: bigint;
}
