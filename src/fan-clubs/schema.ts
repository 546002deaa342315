/**
 * Table types of fan clubs, merged into the global `Schema` (src/db/schema.ts). A member's row and their
 * join are written by the ledger in the joining payment's own transaction (a counter and a record).
 */
export interface FanClubsSchema {
  fan_clubs: FanClubTable;
  fan_club_members: FanClubMemberTable;
  fan_club_joins: FanClubJoinTable;
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

/** How a member joined: written by the first joining payment in commit order, never changed but by clawbacks. */
export interface FanClubJoinTable {
  creator_id: string;
  fan_id: string;
  /** The payment that joined; null for members who joined before joins were recorded and whose payment was not found. */
  transfer_id: string | null;
  joined_at: string;
  /** Coins the member paid the creator before joining, less those clawed back since: their fan coins are all they paid less these. */
  coins_before_join: bigint;
}

/** A UTC day on which a member joined one of the creator's live rooms signed in (a day watched). */
export interface FanClubDayTable {
  creator_id: string;
  fan_id: string;
  /** YYYY-MM-DD. */
  day: string;
}
