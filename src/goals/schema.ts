/**
 * Table types of live goals, merged into the global `Schema` (src/db/schema.ts). A goal's progress is
 * a running total the ledger moves in each counted payment's own transaction (a counter), so it always
 * equals the payments committed; integers are bigint on both engines.
 */
export interface GoalsSchema {
  live_goals: LiveGoalTable;
  goal_progress: GoalProgressTable;
}

declare module '../db/schema.js' {
  interface Schema extends GoalsSchema {}
}

/** A goal a creator set for one of their lives; at most one per live is shown (not cleared) at a time. */
export interface LiveGoalTable {
  id: string;
  live_id: string;
  creator_id: string;
  /** coins (every coin paid into the live) or gift (how many of one gift). */
  kind: string;
  /** The gift counted, for a gift goal; null for coins. */
  gift_id: string | null;
  title: string;
  /** Coins, or gifts, to reach. */
  target: bigint;
  created_at: string;
  /** Set once, by the process of the payment that crossed the target; null until then. */
  completed_at: string | null;
  /** Set when the creator cleared it or set the next goal; null while shown. */
  cleared_at: string | null;
}

/** How far a goal has come: coins or gifts of the payments counted for it. */
export interface GoalProgressTable {
  goal_id: string;
  amount: bigint;
}
