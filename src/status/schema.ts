/**
 * Table types of gifter levels and rankings, merged into the global `Schema` (src/db/schema.ts). Each
 * is a running total that the ledger moves in the paying transfer's own transaction (a counter), so a
 * total always equals the payments committed; integers are bigint on both engines.
 */
export interface StatusSchema {
  gifter_totals: GifterTotalTable;
  creator_gifter_totals: CreatorGifterTotalTable;
  creator_totals: CreatorTotalTable;
  gifter_levels: GifterLevelTable;
}

declare module '../db/schema.js' {
  interface Schema extends StatusSchema {}
}

/** A viewer's lifetime coins paid to creators (gifts, paid messages, cheers): their gifter level. */
export interface GifterTotalTable {
  sender_id: string;
  coins: bigint;
}

/** A viewer's coins paid to one creator in a day or all time: the creator's top gifters (weeks and months summed from days). */
export interface CreatorGifterTotalTable {
  creator_id: string;
  /** day or all. */
  period: string;
  /** The period's first instant (ISO 8601 UTC); '' for all time. */
  period_start: string;
  sender_id: string;
  coins: bigint;
}

/** What one creator was paid in one hour: the platform's creator rankings (days and weeks summed from hours). */
export interface CreatorTotalTable {
  /** hour. */
  period: string;
  period_start: string;
  creator_id: string;
  diamonds: bigint;
  coins: bigint;
}

/** The highest level announced for each viewer (a `gifter.level_up` event); 0 for one who had gifted before levels existed, set without an event. */
export interface GifterLevelTable {
  sender_id: string;
  level: bigint;
  reached_at: string;
}
