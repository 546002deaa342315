/**
 * Table types of fan clubs, merged into the global `Schema` (src/db/schema.ts). Members and their days
 * are running totals the ledger moves in each counted payment's own transaction (counters).
 */
export interface FanClubsSchema {
  fan_clubs: FanClubTable;
  fan_club_members: FanClubMemberTable;
  fan_club_days: FanClubDayTable;
}

declare module '../db/schema.js' {
  interface Schema extends FanClubsSchema {}
}

/** A creator's fan club: the gift a viewer sends to join, and the name on its badge. */
export interface FanClubTable {
  creator_id: string;
  gift_id: string;
  name: string;
  updated_at: string;
}

/** A viewer in a creator's fan club: created by the payment of the club's gift that joined them. */
export interface FanClubMemberTable {
  creator_id: string;
  fan_id: string;
  /** Payments of the club's gift: the first, in commit order, is the one that joined. */
  join_gifts: bigint;
}

/** A member's day with the creator (UTC): coins paid the creator that day, and whether they watched one of the creator's lives. */
export interface FanClubDayTable {
  creator_id: string;
  fan_id: string;
  /** YYYY-MM-DD. */
  day: string;
  coins: bigint;
  /** 1 when the member joined one of the creator's live rooms that day. */
  watched: bigint;
}
